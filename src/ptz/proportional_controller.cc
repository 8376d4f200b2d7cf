#include "ptz/proportional_controller.h"

#include <cmath>

namespace es {

ProportionalController::ProportionalController(ProportionalControllerOptions options)
    : o_(options), zoom_(options.zoom) {}

void ProportionalController::Reset() {
  zoom_.Reset();
  move_sent_.reset();
}

std::optional<PtzCommand> ProportionalController::Decide(const ControlInput& in) {
  if (move_sent_) {
    const bool finished = in.ptz.idle && (in.ptz.t - *move_sent_).seconds() >= o_.min_wait_s;
    const bool timed_out = (in.now - *move_sent_).seconds() > o_.move_timeout_s;
    if (!finished && !timed_out) return std::nullopt;
    move_sent_.reset();
  }
  if (!in.target) return std::nullopt;
  const TargetObservation& t = *in.target;
  const double ep = std::remainder(t.pan_deg - in.ptz.pan_deg, 360.0);
  const double et = t.tilt_deg - in.ptz.tilt_deg;
  const double err = std::hypot(ep * std::cos(t.tilt_deg * M_PI / 180), et);
  std::optional<double> zoom;
  if (err < o_.zoom_gate_frac * HfovAtZoomDeg(o_.zoom, in.ptz.zoom) / 2) {
    const double before = zoom_.zoom();
    const double z = zoom_.Update(t.angular_height_deg);
    if (z != before) zoom = z;
  }
  if (err <= o_.dead_zone_deg && !zoom) return std::nullopt;
  PtzCommand cmd{PtzCommand::Type::kRelative, 0, 0, zoom};
  if (err > o_.dead_zone_deg) {
    cmd.pan = o_.gain * ep;
    cmd.tilt = o_.gain * et;
  }
  move_sent_ = in.now;
  return cmd;
}

}  // namespace es
