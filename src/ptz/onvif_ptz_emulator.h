// OnvifPtzEmulator: a small ONVIF PTZ device for tests — a cpp-httplib server on 127.0.0.1
// (port chosen by the OS at Start) whose head is a PtzSimulator stepped by wall-clock time.
//
// Operations (SOAP 1.2, PTZ service namespace, prefix-agnostic parsing): ContinuousMove
// (Velocity PanTilt and/or Zoom, Timeout; without Timeout, default_timeout), RelativeMove
// (Translation, relative to the position when the request arrives), AbsoluteMove (Position;
// a Zoom-only Position leaves the pan/tilt motion as it is), Stop (PanTilt / Zoom flags),
// GetStatus (Position in the generic spaces with pan wrapped to -180..180°, MoveStatus
// IDLE/MOVING, UtcTime) and GetConfigurationOptions (generic spaces, ranges from the
// simulator's limits and the mapping, PTZTimeout). Speeds in RelativeMove/AbsoluteMove are
// ignored: the simulated head moves at its maximum speed.
// Units: the same OnvifSpaceMapping as the client; keep mapping and sim limits consistent
// (the defaults are: 120°/s pan, 90°/s tilt, tilt -90..90°, zoom 1..20x).
// The simulator's own continuous timeout is disabled: the emulator enforces each request's
// ONVIF Timeout itself (a Stop at the deadline).
//
// Authentication: with a username set, every request must carry a WS-Security UsernameToken
// with a valid PasswordDigest, a fresh Created (max_token_age, max_clock_skew) and a nonce not
// seen before; otherwise the reply is a SOAP fault env:Sender/ter:NotAuthorized with HTTP
// auth_failure_http_status (400 as SOAP 1.2 prescribes for Sender faults; some cameras use
// 401). Other request errors are SOAP faults too: unknown profile or configuration token
// (Sender/InvalidArgVal/NoProfile|NoEntity), malformed XML (Sender/WellFormed), an
// unsupported operation (Receiver/ActionNotSupported), a SOAP 1.1 envelope (VersionMismatch).
//
// Faults for tests (SetFaults, any time): reject every request as NotAuthorized, answer
// HTTP 500 with a plain-text body, answer HTTP 200 with a body that is not XML, delay every
// answer, report MOVING forever.
// Lifetime: Start binds, starts the server and the stepping threads, and returns once the
// server accepts. Stop (also from the destructor) wakes delayed handlers and returns within
// about the server's 2 s read timeout even with idle connections open.
// Thread-safety: all public methods are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/time.h"
#include "ptz/onvif_space_mapping.h"
#include "ptz/onvif_wsse.h"
#include "ptz/ptz_simulator.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace es {

struct OnvifEmulatorFaults {
  bool reject_all_auth = false;  // every request: NotAuthorized fault
  bool http_500 = false;         // every request: HTTP 500, text/plain body, no SOAP
  bool garbage_body = false;     // every request: HTTP 200 whose body is not XML
  Duration response_delay{};     // hold every answer this long (cut short by Stop)
  bool never_idle = false;       // GetStatus always reports MOVING
};

struct OnvifPtzEmulatorOptions {
  std::string path = "/onvif/ptz_service";
  std::string profile_token = "Profile_1";
  std::string configuration_token = "PTZConfiguration_1";
  std::string username;  // empty: no authentication required
  std::string password;
  Duration max_token_age = Duration::Seconds(300);
  Duration max_clock_skew = Duration::Seconds(5);
  int auth_failure_http_status = 400;  // 400 or 401
  Duration step_period = Duration::Millis(5);
  Duration default_timeout = Duration::Seconds(5);  // ContinuousMove without Timeout
  Duration min_timeout = Duration::Millis(100);     // reported PTZTimeout range; requests
  Duration max_timeout = Duration::Seconds(60);     // outside it are clamped
  PtzSimOptions sim;
  OnvifSpaceMapping mapping;
};

class OnvifPtzEmulator {
 public:
  struct Counters {
    int64_t requests = 0;
    int64_t auth_failures = 0;
    int64_t faults = 0;                         // SOAP faults sent, auth failures included
    std::map<std::string, int64_t> operations;  // successful operations by name
  };

  // kInvalidArgument for bad options, kUnavailable when the server cannot bind or start.
  static Result<std::unique_ptr<OnvifPtzEmulator>> Start(OnvifPtzEmulatorOptions options);
  ~OnvifPtzEmulator();
  OnvifPtzEmulator(const OnvifPtzEmulator&) = delete;
  OnvifPtzEmulator& operator=(const OnvifPtzEmulator&) = delete;

  void Stop();  // idempotent
  int port() const { return port_; }
  std::string endpoint() const;  // "http://127.0.0.1:<port><path>"

  void SetFaults(const OnvifEmulatorFaults& faults);
  // The simulated head's state in degrees (ground truth for tests), advanced to now.
  PtzStatus head();
  void SetPosition(double pan_deg, double tilt_deg, double zoom);
  Counters counters() const;

 private:
  struct Reply {
    int http_status = 200;
    std::string body;  // a full SOAP envelope
  };
  enum class Intent { kNone, kVelocity, kGoal };

  explicit OnvifPtzEmulator(OnvifPtzEmulatorOptions options);
  void Handle(const httplib::Request& req, httplib::Response& res);
  Reply Dispatch(const std::string& request_body);
  Reply Fault(int http_status, std::string_view code, const std::vector<std::string>& subcodes,
              std::string_view reason);
  Reply Ok(std::string body_xml, std::string_view operation);
  void StepLoop();
  // The following need mu_ held.
  void AdvanceLocked();
  void SubmitLocked(PtzCommand::Type type, double pan, double tilt, std::optional<double> zoom);
  void SubmitZoomOnlyLocked(double zoom);
  // Relative/absolute moves: head for (pan, tilt) in degrees (tilt clamped to the head's
  // range) with an optional zoom goal; with no pan/tilt, only the zoom moves.
  void MoveToGoalLocked(std::optional<std::pair<double, double>> pan_tilt_deg,
                        std::optional<double> zoom);

  OnvifPtzEmulatorOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listen_thread_, step_thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool stopped_ = false;
  OnvifEmulatorFaults faults_;
  Counters counters_;
  PtzSimulator sim_;
  onvif::UsernameTokenVerifier verifier_;
  Intent intent_ = Intent::kNone;
  double vel_pan_ = 0, vel_tilt_ = 0;    // kVelocity: commanded deg/s
  double goal_pan_ = 0, goal_tilt_ = 0;  // kGoal: target degrees
  bool zoom_continuous_ = false;         // a continuous zoom runs until the deadline
  std::optional<Timestamp> deadline_;    // ContinuousMove Timeout (steady clock)
};

}  // namespace es
