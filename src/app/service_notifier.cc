#include "app/service_notifier.h"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdlib>

#include "app/log_line.h"
#include "edgesight/status.h"

namespace es {

ServiceNotifier::ServiceNotifier(std::function<std::string()> healthy)
    : healthy_(std::move(healthy)) {}

ServiceNotifier::~ServiceNotifier() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

bool ServiceNotifier::Enabled() {
  const char* s = std::getenv("NOTIFY_SOCKET");
  return s != nullptr && s[0] != '\0';
}

void ServiceNotifier::Ready(const std::string& status) {
  if (!Enabled()) return;
  sd_notify(0, ("READY=1\nSTATUS=" + OneLine(status)).c_str());
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0 && !watchdog_.joinable()) {
    watchdog_ = std::thread(&ServiceNotifier::WatchdogLoop, this, usec);
  }
}

void ServiceNotifier::Stopping(const std::string& phase) {
  if (!Enabled()) return;
  sd_notify(0, ("STOPPING=1\nSTATUS=stopping: " + OneLine(phase)).c_str());
}

void ServiceNotifier::WatchdogLoop(uint64_t period_us) {
  const auto half = std::chrono::microseconds(period_us / 2);
  std::string last_problem;
  std::unique_lock lock(mu_);
  while (!done_) {
    lock.unlock();
    const std::string problem = healthy_ ? healthy_() : std::string();
    if (problem.empty()) {
      sd_notify(0, last_problem.empty() ? "WATCHDOG=1" : "WATCHDOG=1\nSTATUS=running");
    } else if (problem != last_problem) {
      sd_notify(0, ("STATUS=unhealthy: " + OneLine(problem)).c_str());
      LogLine(LogLevel::kError, "watchdog: " + problem + "; no more keep-alives to systemd");
    }
    last_problem = problem;
    lock.lock();
    cv_.wait_for(lock, half, [this] { return done_; });
  }
}

}  // namespace es
