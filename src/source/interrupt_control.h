// InterruptControl: the one way a blocking source call (FFmpeg open/read, a backoff sleep, a
// pacing wait) is bounded in time and cancelled from another thread.
//
// Contract: the owning source Arm()s a deadline before each blocking FFmpeg call and installs
// AvCallback() as the AVFormatContext's interrupt_callback; FFmpeg polls it (about every
// 100 ms while waiting on a socket) and aborts with AVERROR_EXIT once the deadline passed or
// Interrupt() was called. Interrupt() is sticky: once called, every later wait returns at once.
// Thread-safety: Interrupt() and interrupted() may be called from any thread; Arm()/Disarm()/
// SleepFor() from the owning thread only. No ownership of anything else; never fails.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "edgesight/time.h"

namespace es {

class InterruptControl {
 public:
  // Deadline = now + timeout_ms; timeout_ms <= 0 means no deadline (only Interrupt() stops).
  void Arm(int timeout_ms) {
    timed_out_.store(false);
    deadline_us_.store(timeout_ms > 0 ? SteadyNow().us + int64_t{timeout_ms} * 1000 : 0);
  }
  void Disarm() { deadline_us_.store(0); }

  void Interrupt() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      interrupted_.store(true);
    }
    cv_.notify_all();
  }
  bool interrupted() const { return interrupted_.load(); }
  // True when the last armed deadline expired (as seen by ShouldAbort()).
  bool timed_out() const { return timed_out_.load(); }

  // True when a blocking call should give up now.
  bool ShouldAbort() {
    if (interrupted_.load()) return true;
    const int64_t d = deadline_us_.load();
    if (d != 0 && SteadyNow().us >= d) {
      timed_out_.store(true);
      return true;
    }
    return false;
  }

  // Sleeps up to `ms`; returns false (early) if interrupted.
  bool SleepFor(int64_t ms) {
    std::unique_lock<std::mutex> lock(mu_);
    return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return interrupted_.load(); });
  }
  // Sleeps until the steady-clock time `t`; returns false (early) if interrupted.
  bool SleepUntil(Timestamp t) {
    const int64_t left_us = t.us - SteadyNow().us;
    if (left_us <= 0) return !interrupted();
    std::unique_lock<std::mutex> lock(mu_);
    return !cv_.wait_for(lock, std::chrono::microseconds(left_us),
                         [&] { return interrupted_.load(); });
  }

  // Signature of AVIOInterruptCB::callback; opaque is an InterruptControl*.
  static int AvCallback(void* opaque) {
    return static_cast<InterruptControl*>(opaque)->ShouldAbort() ? 1 : 0;
  }

 private:
  std::atomic<int64_t> deadline_us_{0};
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> timed_out_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace es
