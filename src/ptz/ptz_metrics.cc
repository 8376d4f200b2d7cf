#include "ptz/ptz_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ptz/ray_calibration.h"

namespace es {
namespace {
constexpr double kRad = M_PI / 180.0;
}  // namespace

FramePosition ProjectIntoPtz(const Eigen::Vector3d& d, double pan_deg, double tilt_deg, double zoom,
                             const ZoomOptions& zo) {
  const double p = pan_deg * kRad, t = tilt_deg * kRad;
  // Undo the pan (about y), then the tilt (about x).
  const double x1 = d.x() * std::cos(p) - d.z() * std::sin(p);
  const double z1 = d.x() * std::sin(p) + d.z() * std::cos(p);
  const double y1 = d.y();
  const double y2 = y1 * std::cos(t) + z1 * std::sin(t);
  const double z2 = -y1 * std::sin(t) + z1 * std::cos(t);
  FramePosition fp;
  fp.error_deg = AngleBetweenDeg(Eigen::Vector3d(x1, y2, z2), Eigen::Vector3d(0, 0, 1));
  fp.in_front = z2 > 1e-9;
  if (fp.in_front) {
    fp.nx = (x1 / z2) / std::tan(HfovAtZoomDeg(zo, zoom) * kRad / 2);
    fp.ny = (y2 / z2) / std::tan(VfovAtZoomDeg(zo, zoom) * kRad / 2);
  } else {
    fp.nx = fp.ny = 1e9;
  }
  return fp;
}

void PtzMetrics::Record(Timestamp t, Duration dt, const Eigen::Vector3d& ray, double height_deg,
                        const PtzStatus& head) {
  const double ts = t.seconds(), s = dt.seconds();
  const FramePosition fp = ProjectIntoPtz(ray, head.pan_deg, head.tilt_deg, head.zoom, zo_);
  const double m = std::max(std::abs(fp.nx), std::abs(fp.ny));
  const bool in_frame = fp.in_front && m <= 1.0;
  travel_ += (std::abs(head.pan_speed_dps) + std::abs(head.tilt_speed_dps)) * s;
  // The target's true pan rate (finite difference of the ground truth over this step).
  const double target_pan = RayToPanTilt(ray).pan_deg;
  const double target_rate =
      have_target_pan_ && s > 0 ? std::remainder(target_pan - target_pan_, 360.0) / s : 0.0;
  target_pan_ = target_pan;
  have_target_pan_ = true;
  const int sign = head.pan_speed_dps > eps_ ? 1 : (head.pan_speed_dps < -eps_ ? -1 : 0);
  if (sign != 0 && last_sign_ != 0 && sign != last_sign_) {
    ++reversals_;
    if (target_rate * sign <= eps_) ++hunting_;  // turning back: the target does not go there
  }
  if (sign != 0) last_sign_ = sign;
  const bool moving = std::abs(head.pan_speed_dps) > eps_ || std::abs(head.tilt_speed_dps) > eps_;
  if (moving && !moving_) ++starts_;
  moving_ = moving;
  if (!acquired_) {
    if (fp.in_front && m <= 0.25) {
      acquired_ = true;
      acquire_t_ = ts;
      in_frame_ = true;
    } else {
      return;
    }
  }
  measured_s_ += s;
  errors_.push_back(fp.error_deg);
  if (in_frame) in_frame_s_ += s;
  if (fp.in_front && m <= 0.5) in50_s_ += s;
  if (fp.in_front && m <= 0.25) in25_s_ += s;
  if (in_frame_ && !in_frame) {
    ++losses_;
    lost_since_ = ts;
  } else if (!in_frame_ && in_frame) {
    reacquire_s_.push_back(ts - lost_since_);
  }
  if (!in_frame) lost_s_ += s;
  in_frame_ = in_frame;
  if (in_frame) {
    const double fill = height_deg / VfovAtZoomDeg(zo_, head.zoom);
    size_err_sum_ += std::abs(fill - zo_.target_fill) / zo_.target_fill;
    ++size_err_n_;
  }
  if (std::abs(head.pan_speed_dps) > 1.0) {
    const PanTilt tp = RayToPanTilt(ray);
    const double lead =
        std::remainder(head.pan_deg - tp.pan_deg, 360.0) * (head.pan_speed_dps > 0 ? 1.0 : -1.0);
    overshoot_ = std::max(overshoot_, lead);
  }
}

PtzRunMetrics PtzMetrics::Finish(double duration_s) const {
  PtzRunMetrics r;
  r.time_to_acquire_s = acquire_t_;
  const double minutes = duration_s / 60.0;
  r.reversals = reversals_;
  r.hunting_reversals = hunting_;
  r.reversals_per_min = minutes > 0 ? reversals_ / minutes : 0;
  r.hunting_per_min = minutes > 0 ? hunting_ / minutes : 0;
  r.starts_per_min = minutes > 0 ? starts_ / minutes : 0;
  r.motor_travel_deg = travel_;
  if (measured_s_ <= 0) return r;
  r.inner25_frac = in25_s_ / measured_s_;
  r.inner50_frac = in50_s_ / measured_s_;
  r.in_frame_frac = in_frame_s_ / measured_s_;
  r.mean_error_deg = std::accumulate(errors_.begin(), errors_.end(), 0.0) / errors_.size();
  std::vector<double> e = errors_;
  const size_t k = std::min(e.size() - 1, static_cast<size_t>(0.95 * (e.size() - 1) + 0.5));
  std::nth_element(e.begin(), e.begin() + static_cast<long>(k), e.end());
  r.p95_error_deg = e[k];
  r.overshoot_deg = overshoot_;
  r.losses = losses_;
  r.unrecovered_losses = losses_ - static_cast<int>(reacquire_s_.size());
  r.mean_reacquire_s =
      reacquire_s_.empty()
          ? 0
          : std::accumulate(reacquire_s_.begin(), reacquire_s_.end(), 0.0) / reacquire_s_.size();
  r.lost_time_s = lost_s_;
  r.zoom_size_error = size_err_n_ > 0 ? size_err_sum_ / size_err_n_ : 0;
  return r;
}

nlohmann::json PtzRunMetrics::ToJson() const {
  return {{"inner25_frac", inner25_frac},
          {"inner50_frac", inner50_frac},
          {"in_frame_frac", in_frame_frac},
          {"mean_error_deg", mean_error_deg},
          {"p95_error_deg", p95_error_deg},
          {"time_to_acquire_s", time_to_acquire_s},
          {"overshoot_deg", overshoot_deg},
          {"reversals", reversals},
          {"reversals_per_min", reversals_per_min},
          {"hunting_reversals", hunting_reversals},
          {"hunting_per_min", hunting_per_min},
          {"starts_per_min", starts_per_min},
          {"losses", losses},
          {"unrecovered_losses", unrecovered_losses},
          {"mean_reacquire_s", mean_reacquire_s},
          {"lost_time_s", lost_time_s},
          {"zoom_size_error", zoom_size_error},
          {"motor_travel_deg", motor_travel_deg}};
}

}  // namespace es
