// ServiceNotifier: tells systemd (Type=notify units) where a `run` stands, through sd_notify(3)
// from libsystemd.
//
// Contract
// - Ready(status): "READY=1" once every camera's pipeline is built, the detector started and the
//   operations API bound, with a human STATUS= line; then, when the unit has WatchdogSec=
//   (WATCHDOG_USEC for this process), a thread sends "WATCHDOG=1" every half period while
//   healthy() holds. When it does not (the shared detector is stuck: a restart is the cure), the
//   pings stop, STATUS= says why, and systemd restarts the service after the period.
// - Stopping(): "STOPPING=1" (with the phase as STATUS=) as soon as a stop is requested;
//   pings continue during the drain so a long stop is not taken for a hang.
// - Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
// - The destructor stops the watchdog thread.
// Thread-safety: Stopping() may be called from the signal watcher thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace es {

class ServiceNotifier {
 public:
  // healthy() returns "" when all is well, else the reason (for STATUS=).
  explicit ServiceNotifier(std::function<std::string()> healthy);
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  void Ready(const std::string& status);
  void Stopping(const std::string& phase);

  // Whether this process runs under a service manager that listens (NOTIFY_SOCKET set).
  static bool Enabled();

 private:
  void WatchdogLoop(uint64_t period_us);

  std::function<std::string()> healthy_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread watchdog_;
};

}  // namespace es
