// SimulatorDriver: a PtzDriver over a PtzSimulator, for tests, the ONVIF device emulator and
// live runs without a camera.
//
// Clock: the simulated head advances only when told to. Either the owner calls Advance(dt)
// (deterministic tests: the simulated time is the test's clock), or StartRealtime() runs a
// background thread that advances the head to the steady clock (SteadyNow) every `tick`; the
// first call puts the simulated clock at SteadyNow(), so statuses carry steady-clock times.
// Commands are submitted to the simulator at once and take effect after its command_delay.
// RelativeMove / AbsoluteMove / ContinuousMove map 1:1 to PtzCommand; ContinuousMove's timeout
// is the simulator's continuous_timeout_s (the head stops by itself without new commands).
// Fault injection: SetFailure(status) makes every call fail with that status until cleared
// (SetFailure(Ok)); FailNext(n, status) fails the next n calls only. Failed calls have no effect.
// Thread-safety: every method is safe to call from any thread (one mutex); the realtime thread
// is joined by StopRealtime() and the destructor. Failure: only the injected ones.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ptz/ptz_driver.h"

namespace es {

class SimulatorDriver : public PtzDriver {
 public:
  explicit SimulatorDriver(PtzSimOptions options = {}, Timestamp start = {});
  ~SimulatorDriver() override;
  SimulatorDriver(const SimulatorDriver&) = delete;
  SimulatorDriver& operator=(const SimulatorDriver&) = delete;

  Status ContinuousMove(double pan_dps, double tilt_dps, std::optional<double> zoom,
                        Duration timeout) override;
  Status RelativeMove(double dpan_deg, double dtilt_deg, std::optional<double> zoom) override;
  Status AbsoluteMove(double pan_deg, double tilt_deg, std::optional<double> zoom) override;
  Status Stop() override;
  Result<PtzStatus> GetStatus() override;
  Result<PtzCapabilities> GetConfigurationOptions() override;
  std::string Describe() const override { return "simulator"; }

  // Manual clock: advances the head by dt in steps of at most `step`.
  void Advance(Duration dt, Duration step = Duration::Millis(5));
  // Realtime clock: a thread advances the head to SteadyNow() every tick. Idempotent.
  void StartRealtime(Duration tick = Duration::Millis(5));
  void StopRealtime();

  void SetPosition(double pan_deg, double tilt_deg, double zoom);
  void SetFailure(Status status);
  void FailNext(int n, Status status);

  // The head's true state (no failure injection), and how many commands reached it.
  PtzStatus TrueStatus() const;
  int commands_applied() const;
  Timestamp now() const;

 private:
  Status Check();  // injected failure for this call, if any (mutex held)
  Status Submit(const PtzCommand& cmd);
  void RealtimeLoop(Duration tick);

  mutable std::mutex mu_;
  PtzSimulator sim_;
  Status failure_ = Status::Ok();
  int fail_next_ = 0;
  Status fail_next_status_ = Status::Ok();
  int applied_ = 0;
  std::thread thread_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace es
