#include "app/shutdown_signals.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "app/log_line.h"

namespace es {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    // An ignored signal is discarded even while blocked, so sigwait would never see it.
    if (sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
      signal(sig, SIG_DFL);
    }
  }
  const sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void UnblockShutdownSignals() {
  const sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

ShutdownSignals::ShutdownSignals(Duration stop_timeout) : stop_timeout_(stop_timeout) {
  thread_ = std::jthread([this](std::stop_token st) { Watch(st); });
}

ShutdownSignals::~ShutdownSignals() {
  Disarm();
  thread_.request_stop();
  thread_.join();
}

void ShutdownSignals::OnStop(std::function<void()> stop) {
  std::unique_lock lock(mu_);
  stop_ = std::move(stop);
  if (requested_ && stop_) {
    auto call = stop_;
    lock.unlock();
    call();
  }
}

void ShutdownSignals::OnReload(std::function<void()> reload) {
  std::lock_guard running(reload_mu_);  // waits for a reload in progress
  std::lock_guard lock(mu_);
  reload_ = std::move(reload);
}

void ShutdownSignals::SetPhase(std::string phase) {
  std::lock_guard lock(mu_);
  phase_ = std::move(phase);
}

void ShutdownSignals::Disarm() { disarmed_ = true; }

void ShutdownSignals::ForceExit(const std::string& why) {
  std::string phase;
  {
    std::lock_guard lock(mu_);
    phase = phase_;
  }
  LogLine(LogLevel::kError, "error: " + why + "; abandoned: " + phase +
                                " (events already committed stay in the outbox)");
  std::fflush(stderr);
  _exit(1);
}

void ShutdownSignals::Watch(std::stop_token st) {
  const sigset_t set = ShutdownSet();
  const timespec tick{0, 50'000'000};
  Timestamp deadline;
  while (!st.stop_requested()) {
    const int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig == SIGHUP && !requested_) {
      std::lock_guard running(reload_mu_);
      std::function<void()> reload;
      {
        std::lock_guard lock(mu_);
        reload = reload_;
      }
      if (reload) {
        reload();
        continue;
      }
    }
    if (sig > 0 && !requested_) {
      signal_ = sig;
      requested_ = true;
      deadline = SteadyNow() + stop_timeout_;
      std::function<void()> stop;
      {
        std::lock_guard lock(mu_);
        stop = stop_;
      }
      if (stop) stop();
    } else if (sig > 0 && !disarmed_) {
      ForceExit(std::string("second signal (") + strsignal(sig) + ") during the stop");
    } else if (requested_ && !disarmed_ && SteadyNow() > deadline) {
      char why[96];
      std::snprintf(why, sizeof why, "the stop did not finish within %g s",
                    stop_timeout_.seconds());
      ForceExit(why);
    }
  }
}

}  // namespace es
