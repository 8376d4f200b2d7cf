// `edgesight onvif-emulator [--user U --password-file F]`: runs the ONVIF PTZ device emulator
// (ptz/onvif_ptz_emulator.h: a simulated head behind SOAP 1.2 on 127.0.0.1) as a process, so
// that `edgesight run` with `ptz.driver: onvif` can be tried and tested without a camera.
//
// Output: once the server accepts, one line on stdout, `{"endpoint": "http://127.0.0.1:PORT/
// onvif/ptz_service"}` (the OS picks the port; the emulator has no fixed-port option), flushed.
// It then serves until SIGINT or SIGTERM and prints one more JSON line with its counters
// (requests, auth_failures, faults, operations) and the head's final pan/tilt/zoom; exit 0.
// With --user, every request must carry a WS-Security UsernameToken digest of the password in
// the first line of --password-file (the password never appears on argv).
// Failure: --user without --password-file, an unreadable or empty password file -> exit 2
// with one line; a server that cannot start -> exit 1.
// Thread-safety: blocks SIGINT/SIGTERM in the calling thread (inherited by the emulator's
// threads) and waits for them with sigwait; call from main only.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct OnvifEmulatorArgs {
  std::string user;           // --user (empty: no authentication)
  std::string password_file;  // --password-file
};

CLI::App* AddOnvifEmulatorCommand(CLI::App* app, OnvifEmulatorArgs* args);

// Returns the exit code.
int RunOnvifEmulator(const OnvifEmulatorArgs& args);

}  // namespace es
