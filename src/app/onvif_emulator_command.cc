#include "app/onvif_emulator_command.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/exit_codes.h"
#include "core/password_file.h"
#include "ptz/onvif_ptz_emulator.h"

namespace es {

CLI::App* AddOnvifEmulatorCommand(CLI::App* app, OnvifEmulatorArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "onvif-emulator",
      "serve a simulated ONVIF PTZ head on 127.0.0.1 (prints its endpoint as JSON) until "
      "SIGINT/SIGTERM; for trying ptz.driver onvif without a camera");
  cmd->add_option("--user", args->user, "require WS-Security UsernameToken for this user");
  cmd->add_option("--password-file", args->password_file,
                  "file whose first line is the password for --user");
  return cmd;
}

int RunOnvifEmulator(const OnvifEmulatorArgs& args) {
  OnvifPtzEmulatorOptions o;
  if (!args.user.empty() || !args.password_file.empty()) {
    if (args.user.empty() || args.password_file.empty()) {
      return ReportError(InvalidArgument("onvif-emulator: --user and --password-file go together"));
    }
    auto pw = ReadPasswordFile("onvif-emulator: --password-file", args.password_file);
    if (!pw.ok()) return ReportError(pw.status());
    o.username = args.user;
    o.password = *pw;
  }
  // Block the signals before the emulator starts its threads, so only sigwait receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto emu = OnvifPtzEmulator::Start(o);
  if (!emu.ok()) return ReportError(emu.status());
  std::cout << nlohmann::json{{"endpoint", (*emu)->endpoint()}}.dump() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  const OnvifPtzEmulator::Counters c = (*emu)->counters();
  const PtzStatus head = (*emu)->head();
  (*emu)->Stop();
  nlohmann::json out = {
      {"requests", c.requests},
      {"auth_failures", c.auth_failures},
      {"faults", c.faults},
      {"operations", c.operations},
      {"head", {{"pan_deg", head.pan_deg}, {"tilt_deg", head.tilt_deg}, {"zoom", head.zoom}}}};
  std::cout << out.dump() << std::endl;
  return kExitOk;
}

}  // namespace es
