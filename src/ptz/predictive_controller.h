// PredictiveController: velocity control of the PTZ head that aims where the target will be
// when the command takes effect.
//
// horizon = (now - observation capture time) + command_latency (the measured decision ->
// actuator latency). Predicted target = observed + rate * horizon; predicted head position =
// reported + last commanded speed * (time from the report to now + command_latency).
// Command speed = feed-forward (target rate, when above ff_min_rate_dps) + kp * error beyond the
// dead zone, clamped to max_speed and changed by at most max_accel per second between
// commands; speeds below min_speed_dps are sent as 0. While the target is still (both rates
// below ff_min_rate_dps) an axis holds as long as its error is within resume_deg (no small
// corrections, no turning back after a small overshoot when the target stops).
// Turn-back hysteresis (anti-hunting): an axis that would reverse its last commanded direction
// does so only when the predicted error in the new direction exceeds turn_back_frac of the
// current half field of view along that axis (hfov for pan, vfov for tilt; at least resume_deg), or the target itself moves that way faster than
// reverse_min_rate_dps (following a target that turns round, or the turn after slewing onto a
// target crossing the other way); otherwise the axis brakes and holds. An overshoot that keeps
// the target well inside the frame's centre is not corrected back and forth; the direction
// memory is cleared by a Stop and when the target's track id changes. If no target
// // arrives for longer than command_timeout_s the controller sends one Stop. Zoom comes from a
// ZoomSelector and is only changed while the pointing error is small (below zoom_gate_frac of the
// current half hfov). Thread-safety: not thread-safe. Deterministic.
#pragma once

#include "ptz/ptz_controller.h"
#include "ptz/zoom_selector.h"

namespace es {

struct PredictiveControllerOptions {
  double command_latency_s = 0.05;  // decision -> head motion (network + actuator)
  double kp = 2.5;                  // 1/s, feedback gain on the predicted error
  double dead_zone_deg = 0.3;       // feedback ignores errors below this
  double resume_deg = 1.0;          // a settled axis on a still target moves again beyond this
  double ff_min_rate_dps = 0.8;     // feed-forward ignores slower targets (noise)
  double max_speed_dps = 90.0;      // slew limit of commands
  double max_accel_dps2 = 200.0;    // acceleration limit of commands
  double min_speed_dps = 0.3;       // smaller speeds are sent as 0 (head deadband)
  double command_timeout_s = 1.0;   // no target for longer than this -> Stop
  double zoom_gate_frac = 0.5;      // zoom changes only while |error| < frac * hfov / 2
  double turn_back_frac = 0.15;     // reversal needs |error| > frac * hfov / 2 (>= resume_deg)
  double reverse_min_rate_dps = 2.0;  // ... or the target moving the new way at least this fast
  ZoomOptions zoom;
};

class PredictiveController : public PtzController {
 public:
  explicit PredictiveController(PredictiveControllerOptions options = {});
  std::optional<PtzCommand> Decide(const ControlInput& in) override;
  void Reset() override;
  std::string name() const override { return "predictive"; }

 private:
  PredictiveControllerOptions o_;
  ZoomSelector zoom_;
  double last_pan_ = 0, last_tilt_ = 0;  // last commanded speeds
  int dir_pan_ = 0, dir_tilt_ = 0;       // sign of the last non-zero commanded speed
  int track_id_ = -1;
  std::optional<Timestamp> last_command_, last_target_;
  bool stopped_ = true;
};

}  // namespace es
