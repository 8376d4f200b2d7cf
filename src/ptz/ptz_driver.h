// PtzDriver: one interface to a PTZ head, whatever speaks to it (an ONVIF camera, the simulator).
//
// Contract
// - Units are the controller's: pan/tilt in degrees (pan positive to the right, tilt positive
//   up), speeds in degrees per second, zoom as magnification (1 = widest). A driver maps them
//   to its device's spaces (ONVIF: the generic normalised spaces, using the ranges that
//   GetConfigurationOptions reports) and clamps to the device's limits.
// - ContinuousMove keeps moving until the next command, Stop, or `timeout` (a safety: a head
//   never keeps turning when the controller dies or the link drops). RelativeMove / AbsoluteMove
//   move to a position and stop there. Each may carry an absolute zoom target.
// - Every call is bounded in time (the driver's own I/O timeout) and returns a Status: an
//   unreachable head is kUnavailable, a head that rejects the credentials kPermissionDenied,
//   a malformed answer kDataLoss or kInternal; messages are one line and name the device
//   ("onvif http://127.0.0.1:8080: ...").
//   A failing driver never takes the wide-lens pipeline down: the caller logs and carries on.
// - Send() maps a controller decision (PtzCommand) to the calls above.
// Thread-safety: implementations document their own; callers use one driver from one thread.
#pragma once

#include <optional>
#include <string>

#include "edgesight/status.h"
#include "edgesight/time.h"
#include "ptz/ptz_simulator.h"

namespace es {

struct PtzRange {
  double min = 0, max = 0;
};

// What the head can do, in the controller's units.
struct PtzCapabilities {
  PtzRange pan_deg{-180, 180}, tilt_deg{-90, 90};
  PtzRange pan_speed_dps{0, 120}, tilt_speed_dps{0, 90};
  PtzRange zoom{1, 20};
  bool continuous = true, relative = true, absolute = true;
};

class PtzDriver {
 public:
  virtual ~PtzDriver() = default;

  virtual Status ContinuousMove(double pan_dps, double tilt_dps, std::optional<double> zoom,
                                Duration timeout) = 0;
  virtual Status RelativeMove(double dpan_deg, double dtilt_deg, std::optional<double> zoom) = 0;
  virtual Status AbsoluteMove(double pan_deg, double tilt_deg, std::optional<double> zoom) = 0;
  virtual Status Stop() = 0;
  virtual Result<PtzStatus> GetStatus() = 0;
  virtual Result<PtzCapabilities> GetConfigurationOptions() = 0;
  // "onvif http://127.0.0.1:8080/onvif/ptz_service", "simulator", ... (no credentials).
  virtual std::string Describe() const = 0;

  // ContinuousMove / RelativeMove / AbsoluteMove / Stop according to cmd.type;
  // continuous moves use `continuous_timeout`.
  Status Send(const PtzCommand& cmd, Duration continuous_timeout = Duration::Seconds(1)) {
    switch (cmd.type) {
      case PtzCommand::Type::kContinuous:
        return ContinuousMove(cmd.pan, cmd.tilt, cmd.zoom, continuous_timeout);
      case PtzCommand::Type::kRelative: return RelativeMove(cmd.pan, cmd.tilt, cmd.zoom);
      case PtzCommand::Type::kAbsolute: return AbsoluteMove(cmd.pan, cmd.tilt, cmd.zoom);
      case PtzCommand::Type::kStop: return Stop();
    }
    return Status::Ok();
  }
};

}  // namespace es
