#include "ptz/target_selector.h"

#include <cmath>

namespace es {

TargetSelector::TargetSelector(RayCalibration calibration, TargetSelectorOptions options)
    : calib_(calibration), o_(options) {}

std::optional<TargetObservation> TargetSelector::Update(const std::vector<TrackOutput>& tracks,
                                                        Timestamp t) {
  for (const auto& tr : tracks) first_seen_.try_emplace(tr.id, t);
  const TrackOutput* chosen = nullptr;
  for (const auto& tr : tracks) {
    if (tr.id == current_id_) chosen = &tr;
  }
  if (!chosen) {
    if (current_id_ >= 0 && (t - last_seen_).seconds() <= o_.hold_s) return std::nullopt;
    for (const auto& tr : tracks) {
      if (!chosen || tr.box.area() > chosen->box.area() ||
          (tr.box.area() == chosen->box.area() && first_seen_[tr.id] < first_seen_[chosen->id])) {
        chosen = &tr;
      }
    }
    if (!chosen) return std::nullopt;
    current_id_ = chosen->id;
    ++handoffs_;
    have_state_ = have_rate_ = false;
  }
  last_seen_ = t;
  const BBox& b = chosen->box;
  const PanTilt pt = calib_.PixelToPanTilt(b.cx(), b.cy());
  if (!have_state_) {
    pan_ = pt.pan_deg;
    tilt_ = pt.tilt_deg;
    pan_rate_ = tilt_rate_ = 0;
    have_state_ = true;
  } else {
    const double dt = (t - state_t_).seconds();
    if (dt > 0) {
      if (!have_rate_) {
        pan_rate_ = std::remainder(pt.pan_deg - pan_, 360.0) / dt;
        tilt_rate_ = (pt.tilt_deg - tilt_) / dt;
        pan_ = pt.pan_deg;
        tilt_ = pt.tilt_deg;
        have_rate_ = true;
      } else {
        const double pp = pan_ + pan_rate_ * dt, tp = tilt_ + tilt_rate_ * dt;
        const double rp = std::remainder(pt.pan_deg - pp, 360.0), rt = pt.tilt_deg - tp;
        pan_ = pp + o_.alpha * rp;
        tilt_ = tp + o_.alpha * rt;
        // Manoeuvre detection: residuals beyond maneuver_deg on consecutive frames with the
        // same sign (a stop, a turn) switch to the fast rate gain until they subside.
        const bool big_p = std::abs(rp) > o_.maneuver_deg, big_t = std::abs(rt) > o_.maneuver_deg;
        const double bp = big_p && rp * last_rp_ > 0 && std::abs(last_rp_) > o_.maneuver_deg
                              ? o_.beta_fast
                              : o_.beta;
        const double bt = big_t && rt * last_rt_ > 0 && std::abs(last_rt_) > o_.maneuver_deg
                              ? o_.beta_fast
                              : o_.beta;
        pan_rate_ += bp * rp / dt;
        tilt_rate_ += bt * rt / dt;
        last_rp_ = rp;
        last_rt_ = rt;
      }
    }
  }
  state_t_ = t;
  TargetObservation obs;
  obs.t = t;
  obs.track_id = current_id_;
  obs.pan_deg = pan_;
  obs.tilt_deg = tilt_;
  obs.pan_rate_dps = pan_rate_;
  obs.tilt_rate_dps = tilt_rate_;
  obs.angular_height_deg =
      AngleBetweenDeg(calib_.PixelToRay(b.cx(), b.y), calib_.PixelToRay(b.cx(), b.y2()));
  return obs;
}

}  // namespace es
