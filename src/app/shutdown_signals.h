// ShutdownSignals: SIGINT, SIGTERM and SIGHUP turned into a graceful, bounded stop.
//
// Contract
// - BlockShutdownSignals() must run on the main thread before any other thread exists (threads
//   inherit the mask, including those that libraries start: the mosquitto loop, ONNX Runtime's
//   pool, the recorder's writer). It blocks the three signals and resets any that the process
//   inherited as ignored (a background job's SIGINT) to their default action, so that they are
//   delivered and can be waited for. UnblockShutdownSignals() undoes the mask for commands that
//   do not stop gracefully (track, eval, ...), before they start threads.
// - ShutdownSignals owns one thread that waits for the signals with sigtimedwait. The first
//   signal calls the stop handler (set with OnStop, possibly after the signal arrived: it is then
//   called at once) and starts the stop deadline. A second signal, or the deadline passing
//   before Disarm(), prints one line on stderr naming what was abandoned (the phase set with
//   SetPhase) and ends the process with _exit(1): nothing already committed is lost (the outbox
//   commits with fsync before anything downstream learns of an event), work in flight is.
// - SIGHUP calls the reload handler (OnReload) when one is set and no stop is under way: the
//   run re-reads its configuration and applies the live settings. Without a handler SIGHUP
//   stops like SIGTERM.
// Thread-safety: all methods may be called from any thread. The destructor disarms and joins
// the watcher thread; the signals stay blocked (a late signal is then ignored).
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "edgesight/time.h"

namespace es {

void BlockShutdownSignals();
void UnblockShutdownSignals();

class ShutdownSignals {
 public:
  explicit ShutdownSignals(Duration stop_timeout);
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // The graceful stop; called once, on the watcher thread.
  void OnStop(std::function<void()> stop);
  // The reload on SIGHUP; called on the watcher thread. Empty: SIGHUP stops. Replacing it waits
  // for a reload in progress, so what the old handler uses may go away once this returns.
  void OnReload(std::function<void()> reload);
  // What the run is doing now, for the line printed when a stop is forced.
  void SetPhase(std::string phase);
  // The run has finished stopping: no forced exit after this.
  void Disarm();
  bool stop_requested() const { return requested_; }
  // The signal that asked for the stop (0 when none).
  int signal() const { return signal_; }

 private:
  void Watch(std::stop_token st);
  void ForceExit(const std::string& why);

  Duration stop_timeout_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> disarmed_{false};
  std::atomic<int> signal_{0};
  std::mutex reload_mu_;  // held while a reload runs
  std::mutex mu_;
  std::function<void()> stop_;
  std::function<void()> reload_;
  std::string phase_ = "starting";
  std::jthread thread_;
};

}  // namespace es
