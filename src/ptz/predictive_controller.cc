#include "ptz/predictive_controller.h"

#include <algorithm>
#include <cmath>

namespace es {

PredictiveController::PredictiveController(PredictiveControllerOptions options)
    : o_(options), zoom_(options.zoom) {}

void PredictiveController::Reset() {
  zoom_.Reset();
  last_pan_ = last_tilt_ = 0;
  dir_pan_ = dir_tilt_ = 0;
  track_id_ = -1;
  last_command_.reset();
  last_target_.reset();
  stopped_ = true;
}

std::optional<PtzCommand> PredictiveController::Decide(const ControlInput& in) {
  if (!in.target) {
    if (!stopped_ && last_target_ && (in.now - *last_target_).seconds() > o_.command_timeout_s) {
      stopped_ = true;
      last_pan_ = last_tilt_ = 0;
      dir_pan_ = dir_tilt_ = 0;
      last_command_ = in.now;
      return PtzCommand{PtzCommand::Type::kStop, 0, 0, std::nullopt};
    }
    return std::nullopt;
  }
  const TargetObservation& t = *in.target;
  last_target_ = in.now;
  if (t.track_id != track_id_) {
    track_id_ = t.track_id;
    dir_pan_ = dir_tilt_ = 0;
  }
  // Turn-back bands per axis: a fraction of the half field of view along that axis.
  const double turn_back_pan =
      std::max(o_.resume_deg, o_.turn_back_frac * HfovAtZoomDeg(o_.zoom, in.ptz.zoom) / 2);
  const double turn_back_tilt =
      std::max(o_.resume_deg, o_.turn_back_frac * VfovAtZoomDeg(o_.zoom, in.ptz.zoom) / 2);
  const double horizon = std::max(0.0, (in.now - t.t).seconds()) + o_.command_latency_s;
  const double head_horizon = std::max(0.0, (in.now - in.ptz.t).seconds()) + o_.command_latency_s;
  const double dt = last_command_ ? std::max(1e-3, (in.now - *last_command_).seconds()) : 1e-3;

  const bool still = std::abs(t.pan_rate_dps) < o_.ff_min_rate_dps &&
                     std::abs(t.tilt_rate_dps) < o_.ff_min_rate_dps;
  auto axis = [&](double target, double rate, double head, double last, int* dir,
                  double turn_back_deg) {
    const double ff = std::abs(rate) >= o_.ff_min_rate_dps ? rate : 0.0;
    const double err = std::remainder(target + ff * horizon - (head + last * head_horizon), 360.0);
    // Hold band: a settled axis on a still target stays put until the error exceeds
    // resume_deg, so detection noise does not turn into small back-and-forth corrections.
    if (still && std::abs(err) <= o_.resume_deg) {
      return 0.0;
    }
    const double mag = std::max(0.0, std::abs(err) - o_.dead_zone_deg);
    double v = ff + o_.kp * std::copysign(mag, err);
    // Turn-back hysteresis: reverse only for an error that matters at this zoom, or to follow
    // a target that really moves the new way; else brake and hold (no hunting).
    if (*dir != 0 && v * *dir < 0 && std::abs(err) <= turn_back_deg &&
        rate * -*dir < o_.reverse_min_rate_dps) {
      v = 0;
    }
    v = std::clamp(v, -o_.max_speed_dps, o_.max_speed_dps);
    const double dv = o_.max_accel_dps2 * (last_command_ ? dt : 1e9);
    v = std::clamp(v, last - dv, last + dv);
    if (std::abs(v) < o_.min_speed_dps) v = 0;
    if (v != 0) *dir = v > 0 ? 1 : -1;
    return v;
  };
  const double vp = axis(t.pan_deg, t.pan_rate_dps, in.ptz.pan_deg, last_pan_, &dir_pan_,
                         turn_back_pan);
  const double vt = axis(t.tilt_deg, t.tilt_rate_dps, in.ptz.tilt_deg, last_tilt_, &dir_tilt_,
                         turn_back_tilt);

  PtzCommand cmd{PtzCommand::Type::kContinuous, vp, vt, std::nullopt};
  const double err_now = std::hypot(
      std::remainder(t.pan_deg - in.ptz.pan_deg, 360.0) * std::cos(t.tilt_deg * M_PI / 180),
      t.tilt_deg - in.ptz.tilt_deg);
  if (err_now < o_.zoom_gate_frac * HfovAtZoomDeg(o_.zoom, in.ptz.zoom) / 2) {
    cmd.zoom = zoom_.Update(t.angular_height_deg);
  }
  last_pan_ = vp;
  last_tilt_ = vt;
  last_command_ = in.now;
  stopped_ = false;
  return cmd;
}

}  // namespace es
