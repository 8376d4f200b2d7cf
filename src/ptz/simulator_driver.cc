#include "ptz/simulator_driver.h"

#include <algorithm>
#include <cmath>

namespace es {

SimulatorDriver::SimulatorDriver(PtzSimOptions options, Timestamp start) : sim_(options, start) {}

SimulatorDriver::~SimulatorDriver() { StopRealtime(); }

Status SimulatorDriver::Check() {
  if (fail_next_ > 0) {
    --fail_next_;
    return fail_next_status_;
  }
  return failure_;
}

Status SimulatorDriver::Submit(const PtzCommand& cmd) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_RETURN_IF_ERROR(Check());
  sim_.Submit(cmd);
  ++applied_;
  return Status::Ok();
}

Status SimulatorDriver::ContinuousMove(double pan_dps, double tilt_dps, std::optional<double> zoom,
                                       Duration /*timeout: the simulator's own*/) {
  return Submit({PtzCommand::Type::kContinuous, pan_dps, tilt_dps, zoom});
}

Status SimulatorDriver::RelativeMove(double dpan_deg, double dtilt_deg,
                                     std::optional<double> zoom) {
  return Submit({PtzCommand::Type::kRelative, dpan_deg, dtilt_deg, zoom});
}

Status SimulatorDriver::AbsoluteMove(double pan_deg, double tilt_deg, std::optional<double> zoom) {
  return Submit({PtzCommand::Type::kAbsolute, pan_deg, tilt_deg, zoom});
}

Status SimulatorDriver::Stop() { return Submit({PtzCommand::Type::kStop, 0, 0, std::nullopt}); }

Result<PtzStatus> SimulatorDriver::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  ES_RETURN_IF_ERROR(Check());
  return sim_.status();
}

Result<PtzCapabilities> SimulatorDriver::GetConfigurationOptions() {
  std::lock_guard<std::mutex> lock(mu_);
  ES_RETURN_IF_ERROR(Check());
  const PtzSimOptions& o = sim_.options();
  PtzCapabilities c;
  c.pan_deg = {-180, 180};  // the simulator does not wrap or limit pan
  c.tilt_deg = {o.min_tilt_deg, o.max_tilt_deg};
  c.pan_speed_dps = {0, o.max_pan_speed_dps};
  c.tilt_speed_dps = {0, o.max_tilt_speed_dps};
  c.zoom = {o.min_zoom, o.max_zoom};
  return c;
}

void SimulatorDriver::Advance(Duration dt, Duration step) {
  std::lock_guard<std::mutex> lock(mu_);
  if (step.us <= 0) step = Duration::Millis(5);
  while (dt.us > 0) {
    const Duration d = std::min(dt, step);
    sim_.Step(d);
    dt = dt - d;
  }
}

void SimulatorDriver::StartRealtime(Duration tick) {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  // Move the simulated clock to the steady clock once, so statuses carry steady times.
  const Timestamp now = SteadyNow();
  if (now > sim_.now()) {
    const PtzStatus st = sim_.status();
    PtzSimulator fresh(sim_.options(), now);
    fresh.SetPosition(st.pan_deg, st.tilt_deg, st.zoom);
    sim_ = fresh;
  }
  if (tick.us <= 0) tick = Duration::Millis(5);
  thread_ = std::thread([this, tick] { RealtimeLoop(tick); });
}

void SimulatorDriver::StopRealtime() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SimulatorDriver::RealtimeLoop(Duration tick) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::microseconds(tick.us), [this] { return stop_; });
    Duration left = SteadyNow() - sim_.now();
    // Fine steps for the last second; anything older (a stalled process) in one step.
    if (left > Duration::Seconds(1.0)) {
      sim_.Step(left - Duration::Seconds(1.0));
      left = Duration::Seconds(1.0);
    }
    while (left.us > 0) {
      const Duration d = std::min(left, Duration::Millis(5));
      sim_.Step(d);
      left = left - d;
    }
  }
}

void SimulatorDriver::SetPosition(double pan_deg, double tilt_deg, double zoom) {
  std::lock_guard<std::mutex> lock(mu_);
  sim_.SetPosition(pan_deg, tilt_deg, zoom);
}

void SimulatorDriver::SetFailure(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = std::move(status);
}

void SimulatorDriver::FailNext(int n, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = std::max(0, n);
  fail_next_status_ = std::move(status);
}

PtzStatus SimulatorDriver::TrueStatus() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sim_.status();
}

int SimulatorDriver::commands_applied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

Timestamp SimulatorDriver::now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sim_.now();
}

}  // namespace es
