// PtzMetrics: how well the PTZ frame follows the ground-truth target over one run.
//
// Record() is called every simulation step with the target's true direction (PTZ base frame),
// its true angular height and the head's true state. The target is projected into the PTZ frame
// at the head's pan/tilt/zoom (pinhole, hfov/vfov from ZoomOptions); normalized coordinates in
// [-1, 1] span the frame. "Inner 25%" is the centred box 25% of the frame's width and height
// (|nx|, |ny| <= 0.25), likewise 50%. Acquisition is the first time the target is inside the
// inner 25%; the in-frame fractions and pointing errors are measured from then on. A loss is a
// transition from inside the frame to outside; reacquisition is the time until it is back.
// Reversals count sign changes of the pan speed (ignoring |speed| < speed_eps_dps; a stop in
// between does not reset the direction). Each reversal is also classified against the ground
// truth: a turn-back (hunting) is a reversal into a direction the target is not moving in (its
// true pan rate in the new direction is below speed_eps_dps: the target is still or moves the
// other way), i.e. a correction of an overshoot or an oscillation about the target. A reversal
// into the target's direction of motion (the turn that follows a slew onto a target crossing the
// other way, or following a target that turns round) is counted in reversals but not in hunting:
// every controller must make it.
// Overshoot is the largest pan lead of the head past the target in its direction of motion.
// Zoom size error is |target height / frame height - target_fill| / target_fill (in frame).
// Motor travel integrates |pan speed| + |tilt speed|. Thread-safety: not thread-safe.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <vector>

#include "edgesight/time.h"
#include "ptz/ptz_simulator.h"
#include "ptz/zoom_selector.h"

namespace es {

struct PtzRunMetrics {
  double inner25_frac = 0, inner50_frac = 0, in_frame_frac = 0;
  double mean_error_deg = 0, p95_error_deg = 0;
  double time_to_acquire_s = -1;  // -1: never acquired
  double overshoot_deg = 0;
  double reversals_per_min = 0, hunting_per_min = 0, starts_per_min = 0;
  int reversals = 0, hunting_reversals = 0;
  int losses = 0, unrecovered_losses = 0;
  double mean_reacquire_s = 0, lost_time_s = 0;
  double zoom_size_error = 0;
  double motor_travel_deg = 0;
  nlohmann::json ToJson() const;
};

// Target position in the PTZ frame at (pan, tilt, zoom): normalized coords and angle off-axis.
struct FramePosition {
  double nx = 0, ny = 0, error_deg = 0;
  bool in_front = true;
};
FramePosition ProjectIntoPtz(const Eigen::Vector3d& target_ray, double pan_deg, double tilt_deg,
                             double zoom, const ZoomOptions& zoom_options);

class PtzMetrics {
 public:
  PtzMetrics(ZoomOptions zoom_options, double speed_eps_dps = 0.5)
      : zo_(zoom_options), eps_(speed_eps_dps) {}
  void Record(Timestamp t, Duration dt, const Eigen::Vector3d& target_ray, double target_height_deg,
              const PtzStatus& head);
  PtzRunMetrics Finish(double duration_s) const;

 private:
  ZoomOptions zo_;
  double eps_;
  bool acquired_ = false, in_frame_ = false;
  double acquire_t_ = -1, lost_since_ = 0;
  double measured_s_ = 0, in25_s_ = 0, in50_s_ = 0, in_frame_s_ = 0, lost_s_ = 0;
  std::vector<double> errors_;
  double overshoot_ = 0, travel_ = 0, size_err_sum_ = 0;
  int size_err_n_ = 0, reversals_ = 0, hunting_ = 0, starts_ = 0, last_sign_ = 0;
  bool have_target_pan_ = false;
  double target_pan_ = 0;
  bool moving_ = false;
  int losses_ = 0;
  std::vector<double> reacquire_s_;
};

}  // namespace es
