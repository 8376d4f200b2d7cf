// PtzSimulator: pan/tilt/zoom dynamics of a PTZ head, driven by ONVIF-like commands.
//
// Commands (PtzCommand) take effect command_delay after Submit() (a latency queue, FIFO).
// ContinuousMove sets a target speed per axis (clamped to the max speed; speeds whose magnitude
// is below speed_deadband_dps do nothing, as on real heads); a continuous move stops by itself
// after continuous_timeout_s without a new command (ONVIF Timeout; 0 = never). RelativeMove
// drives each axis to position + delta with a trapezoidal profile (max speed, braking at
// max_accel); AbsoluteMove does the same towards an absolute pan/tilt. Stop halts both axes. Each command may carry an absolute zoom target; zoom moves
// at zoom_rate (log2 units per second). Axis speeds change by at most max_accel per second.
// Pan is not wrapped; tilt is clamped to [min_tilt, max_tilt]. status().idle is true when no
// axis moves and no move is pending, unless fault_never_idle (a fault seen on real heads).
// Time: Step(dt) advances the simulated clock. Thread-safety: not thread-safe.
// Deterministic. Failure: none (invalid speeds are clamped; non-finite values are ignored).
#pragma once

#include <deque>
#include <optional>

#include "edgesight/time.h"

namespace es {

struct PtzSimOptions {
  double max_pan_speed_dps = 120.0;
  double max_tilt_speed_dps = 90.0;
  double max_accel_dps2 = 300.0;                  // per axis
  double speed_deadband_dps = 0.3;                // commanded speeds below this do nothing
  Duration command_delay = Duration::Millis(30);  // actuator latency after the command arrives
  double continuous_timeout_s = 1.0;  // a continuous move stops after this without commands
  double min_tilt_deg = -90.0, max_tilt_deg = 90.0;
  double min_zoom = 1.0, max_zoom = 20.0;
  double zoom_rate = 2.0;                // log2(zoom) units per second
  double position_tolerance_deg = 0.01;  // a relative move is done within this
  bool fault_never_idle = false;
};

struct PtzCommand {
  enum class Type { kContinuous, kRelative, kAbsolute, kStop };
  Type type = Type::kStop;
  double pan = 0;  // deg/s (continuous), deg delta (relative) or deg (absolute)
  double tilt = 0;
  std::optional<double> zoom;  // absolute zoom target
};

struct PtzStatus {
  Timestamp t;
  double pan_deg = 0, tilt_deg = 0, zoom = 1;
  double pan_speed_dps = 0, tilt_speed_dps = 0;
  bool idle = true;
};

class PtzSimulator {
 public:
  explicit PtzSimulator(PtzSimOptions options = {}, Timestamp start = {});

  // Queues `cmd`; it takes effect at now() + command_delay.
  void Submit(const PtzCommand& cmd);
  void Step(Duration dt);
  void SetPosition(double pan_deg, double tilt_deg, double zoom);
  PtzStatus status() const;
  Timestamp now() const { return now_; }
  const PtzSimOptions& options() const { return options_; }

 private:
  enum class Mode { kIdle, kVelocity, kPosition };
  struct Axis {
    Mode mode = Mode::kIdle;
    double pos = 0, vel = 0, cmd_vel = 0, goal = 0;
  };
  void Apply(const PtzCommand& cmd);
  void StepAxis(Axis& a, double vmax, double dt, bool timed_out);

  PtzSimOptions options_;
  Timestamp now_;
  Timestamp last_continuous_;
  std::deque<std::pair<Timestamp, PtzCommand>> pending_;
  Axis pan_, tilt_;
  double zoom_ = 1.0, zoom_goal_ = 1.0;
};

}  // namespace es
