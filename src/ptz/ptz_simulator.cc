#include "ptz/ptz_simulator.h"

#include <algorithm>
#include <cmath>

namespace es {

PtzSimulator::PtzSimulator(PtzSimOptions options, Timestamp start)
    : options_(options), now_(start), last_continuous_(start) {
  zoom_ = zoom_goal_ = options_.min_zoom;
}

void PtzSimulator::Submit(const PtzCommand& cmd) {
  pending_.emplace_back(now_ + options_.command_delay, cmd);
}

void PtzSimulator::SetPosition(double pan_deg, double tilt_deg, double zoom) {
  pan_ = Axis{};
  tilt_ = Axis{};
  pan_.pos = pan_deg;
  tilt_.pos = std::clamp(tilt_deg, options_.min_tilt_deg, options_.max_tilt_deg);
  zoom_ = zoom_goal_ = std::clamp(zoom, options_.min_zoom, options_.max_zoom);
}

void PtzSimulator::Apply(const PtzCommand& cmd) {
  if (cmd.zoom && std::isfinite(*cmd.zoom)) {
    zoom_goal_ = std::clamp(*cmd.zoom, options_.min_zoom, options_.max_zoom);
  }
  auto speed = [&](double v, double vmax) {
    if (!std::isfinite(v) || std::abs(v) < options_.speed_deadband_dps) return 0.0;
    return std::clamp(v, -vmax, vmax);
  };
  switch (cmd.type) {
    case PtzCommand::Type::kContinuous:
      pan_.mode = tilt_.mode = Mode::kVelocity;
      pan_.cmd_vel = speed(cmd.pan, options_.max_pan_speed_dps);
      tilt_.cmd_vel = speed(cmd.tilt, options_.max_tilt_speed_dps);
      last_continuous_ = now_;
      break;
    case PtzCommand::Type::kRelative:
      if (std::isfinite(cmd.pan) && std::isfinite(cmd.tilt)) {
        pan_.mode = tilt_.mode = Mode::kPosition;
        pan_.goal = pan_.pos + cmd.pan;
        tilt_.goal = std::clamp(tilt_.pos + cmd.tilt, options_.min_tilt_deg, options_.max_tilt_deg);
      }
      break;
    case PtzCommand::Type::kAbsolute:
      if (std::isfinite(cmd.pan) && std::isfinite(cmd.tilt)) {
        pan_.mode = tilt_.mode = Mode::kPosition;
        pan_.goal = cmd.pan;
        tilt_.goal = std::clamp(cmd.tilt, options_.min_tilt_deg, options_.max_tilt_deg);
      }
      break;
    case PtzCommand::Type::kStop:
      pan_.mode = tilt_.mode = Mode::kVelocity;
      pan_.cmd_vel = tilt_.cmd_vel = 0;
      break;
  }
}

void PtzSimulator::StepAxis(Axis& a, double vmax, double dt, bool timed_out) {
  const double amax = options_.max_accel_dps2;
  double want = 0;
  if (a.mode == Mode::kVelocity) {
    if (timed_out) a.cmd_vel = 0;
    want = a.cmd_vel;
  } else if (a.mode == Mode::kPosition) {
    const double rem = a.goal - a.pos;
    if (std::abs(rem) <= options_.position_tolerance_deg && std::abs(a.vel) <= amax * dt) {
      a.pos = a.goal;
      a.vel = 0;
      a.mode = Mode::kIdle;
      return;
    }
    // Discrete braking curve: the largest speed v with |rem| - v*dt >= v^2 / (2 amax), so the
    // head can still stop at the goal after moving at v for this step.
    const double vb = amax * (-dt + std::sqrt(dt * dt + 2.0 * std::abs(rem) / amax));
    want = std::copysign(std::min(vmax, vb), rem);
    // Never step past the goal within one step at the wanted speed.
    if (std::abs(want) * dt > std::abs(rem)) want = rem / dt;
  }
  const double dv = std::clamp(want - a.vel, -amax * dt, amax * dt);
  a.vel += dv;
  a.pos += a.vel * dt;  // semi-implicit Euler: the speed of this step moves the head
  if (a.mode == Mode::kVelocity && a.cmd_vel == 0 && a.vel == 0) a.mode = Mode::kIdle;
}

void PtzSimulator::Step(Duration dt) {
  if (dt.us <= 0) return;
  const Timestamp end = now_ + dt;
  while (!pending_.empty() && pending_.front().first <= end) {
    now_ = std::max(now_, pending_.front().first);
    Apply(pending_.front().second);
    pending_.pop_front();
  }
  now_ = end;
  const double s = dt.seconds();
  const bool timed_out = options_.continuous_timeout_s > 0 &&
                         (now_ - last_continuous_).seconds() > options_.continuous_timeout_s;
  StepAxis(pan_, options_.max_pan_speed_dps, s, timed_out);
  StepAxis(tilt_, options_.max_tilt_speed_dps, s, timed_out);
  if (tilt_.pos < options_.min_tilt_deg || tilt_.pos > options_.max_tilt_deg) {
    tilt_.pos = std::clamp(tilt_.pos, options_.min_tilt_deg, options_.max_tilt_deg);
    tilt_.vel = 0;
  }
  const double lz = std::log2(zoom_), lg = std::log2(zoom_goal_);
  const double step = options_.zoom_rate * s;
  zoom_ = std::exp2(lz + std::clamp(lg - lz, -step, step));
}

PtzStatus PtzSimulator::status() const {
  PtzStatus st;
  st.t = now_;
  st.pan_deg = pan_.pos;
  st.tilt_deg = tilt_.pos;
  st.zoom = zoom_;
  st.pan_speed_dps = pan_.vel;
  st.tilt_speed_dps = tilt_.vel;
  const bool moving = pan_.mode != Mode::kIdle || tilt_.mode != Mode::kIdle ||
                      std::abs(zoom_ - zoom_goal_) > 1e-6 || !pending_.empty();
  st.idle = !moving && !options_.fault_never_idle;
  return st;
}

}  // namespace es
