// TargetSelector: picks the PTZ target among the wide-lens tracks and turns it into a
// TargetObservation (pan/tilt, angular rate, angular height) through the calibration.
//
// Policy: sticky — keep the current track id while the tracker reports it; when it has been
// missing for longer than hold_s, hand off to the largest track (ties: the longest-lived, then
// the lowest id). The angular rate comes from an alpha-beta filter on the mapped pan/tilt
// (finite differences of the tracker's boxes, smoothed), reset on hand-off; two consecutive
// same-sign residuals above maneuver_deg (a stop or a turn) switch to the faster rate gain.
// Thread-safety: not thread-safe; one selector per PTZ. Deterministic.
// Failure: none; no tracks (or the current one briefly missing) -> no observation.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "edgesight/time.h"
#include "edgesight/types.h"
#include "ptz/ptz_controller.h"
#include "ptz/ray_calibration.h"

namespace es {

struct TargetSelectorOptions {
  double hold_s = 0.5;         // keep waiting for a missing current track this long
  double alpha = 0.5;          // alpha-beta filter position gain
  double beta = 0.08;          // alpha-beta filter rate gain
  double beta_fast = 0.3;      // rate gain while manoeuvring (stop, turn)
  double maneuver_deg = 0.25;  // residual magnitude that counts as a manoeuvre
};

class TargetSelector {
 public:
  TargetSelector(RayCalibration calibration, TargetSelectorOptions options = {});
  std::optional<TargetObservation> Update(const std::vector<TrackOutput>& tracks, Timestamp t);
  int current_id() const { return current_id_; }
  int handoffs() const { return handoffs_; }

 private:
  RayCalibration calib_;
  TargetSelectorOptions o_;
  std::map<int, Timestamp> first_seen_;
  int current_id_ = -1;
  int handoffs_ = -1;  // the first selection is not a hand-off
  Timestamp last_seen_;
  // alpha-beta state
  bool have_state_ = false, have_rate_ = false;
  Timestamp state_t_;
  double pan_ = 0, tilt_ = 0, pan_rate_ = 0, tilt_rate_ = 0;
  double last_rp_ = 0, last_rt_ = 0;  // previous residuals
};

}  // namespace es
