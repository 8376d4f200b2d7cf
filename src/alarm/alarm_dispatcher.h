// AlarmDispatcher: fires local alarms (a command or an HTTP POST on loopback) for analytics
// events, off the pipeline thread, rate-limited per rule.
//
// Contract
// - Submit(event) is called from the pipeline (track) thread and never blocks on an action:
//   it matches the event against every rule (RuleMatches), applies the rule's rate limit
//   (min_interval_s on the dispatcher's clock, steady by default: an event within
//   min_interval_s of the rule's last queued action is suppressed and counted), serialises the
//   event once (Event::ToJson) and appends one action per matching rule to a bounded queue
//   (AlarmOptions::queue_capacity). A full queue drops the new action and counts it as
//   dropped; a dropped action does not start the rule's rate-limit window.
// - One worker (core/worker.h) runs actions in order from a kRefuseNew mailbox. Command: argv from
// the rule, the event JSON on
//   stdin and in the environment as EDGESIGHT_EVENT (plus EDGESIGHT_ALARM_RULE), killed after
//   timeout_s (command_runner.h). HTTP: POST of the event JSON (http_poster.h), connect and
//   read timeouts timeout_s. Success counts as fired; anything else (spawn error, non-zero exit,
//   timeout, connection refused, non-2xx) as failed, with the message kept as last_error.
// - when: verified (the hybrid tier): a matching rule's action is held, keyed by the event's
//   (stream, track_id), until OnVerdict() for that track: confirmed queues it, rejected drops
//   it, uncertain/expired applies the rule's fallback (fire or drop); the worker applies the
//   fallback when verify_deadline_s passes first (checked every 50 ms). A verdict that came
//   before the event resolves it at once. Submit never waits for a verdict.
// - Stop() (also run by the destructor) is bounded: queued actions keep running for at most
//   AlarmOptions::stop_timeout_s; then the running action is killed/aborted and what is left is
//   counted as dropped. Submit() after Stop() drops. Stop() is idempotent.
// Failure: Create() returns InvalidArgument for invalid options (ValidateAlarmOptions, message
// "alarm.rules[0] 'x': ...") or a command whose program cannot be found or executed. Nothing
// at run time stops the pipeline: failures are counted in Stats().
// Thread-safety: Submit(), Stats(), WaitIdle() and Stop() are safe from any thread; Submit()
// takes a mutex only for O(rules) bookkeeping and a queue push.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alarm/alarm_options.h"
#include "alarm/http_poster.h"
#include "alarm/loopback_url.h"
#include "analytics/event.h"
#include "core/bounded_queue.h"
#include "core/worker.h"
#include "edgesight/status.h"
#include "edgesight/time.h"

namespace es {

struct AlarmRuleStats {
  std::string name;
  uint64_t matched = 0;     // events that passed the rule's filters
  uint64_t suppressed = 0;  // matched within min_interval_s of the last queued action
  uint64_t dropped = 0;     // queue full, submitted after Stop(), or abandoned at Stop()
  uint64_t fired = 0;       // actions that succeeded (exit 0 / HTTP 2xx)
  uint64_t failed = 0;      // actions that ran and failed (incl. timeouts)
  // when: verified: actions held for a verdict, and how each hold ended.
  uint64_t held = 0;
  uint64_t confirmed = 0;      // verdict confirmed -> queued
  uint64_t rejected = 0;       // verdict rejected -> dropped
  uint64_t fallback_fire = 0;  // uncertain / expired / late -> fallback fire
  uint64_t fallback_drop = 0;  // uncertain / expired / late -> fallback drop
  int last_exit_status = -1;   // command rules: last exit code; -1 none / killed / not started
  std::string last_error;
};

struct AlarmStats {
  uint64_t submitted = 0;  // events given to Submit()
  uint64_t matched = 0, suppressed = 0, dropped = 0, fired = 0, failed = 0;  // sums over rules
  std::string last_error;  // most recent failure of any rule ("rule 'x': ...")
  std::vector<AlarmRuleStats> rules;

  nlohmann::json ToJson() const;
};

class AlarmDispatcher {
 public:
  using Clock = std::function<Timestamp()>;

  static Result<std::unique_ptr<AlarmDispatcher>> Create(AlarmOptions options,
                                                         Clock clock = SteadyNow);
  ~AlarmDispatcher();
  AlarmDispatcher(const AlarmDispatcher&) = delete;
  AlarmDispatcher& operator=(const AlarmDispatcher&) = delete;

  // Returns the number of actions queued for this event (0 when none matched, all were
  // suppressed, dropped or held for a verdict).
  size_t Submit(const Event& event);
  // A verdict on (stream, track_id)'s escalation: outcome "confirmed", "rejected", "uncertain"
  // or "expired". Releases the actions held for that track (confirmed: queued; rejected:
  // dropped; else the rule's fallback) and remembers the outcome for later events of the track
  // (the last 1024 tracks). Never blocks on an action.
  void OnVerdict(const std::string& stream, int track_id, const std::string& outcome);
  // Waits until no action is queued or running, at most timeout_s; true when idle.
  bool WaitIdle(double timeout_s);
  void Stop();
  AlarmStats Stats() const;
  const AlarmOptions& options() const { return options_; }

 private:
  struct Job {
    size_t rule;
    std::shared_ptr<const std::string> json;
  };

  AlarmDispatcher(AlarmOptions options, std::vector<LoopbackUrl> urls, Clock clock);
  struct Held {
    Job job;
    std::string stream;
    int track_id = 0;
    Timestamp deadline;
  };

  void Run();
  // Resolves a held job with an outcome (under mu_): queues it or counts it dropped.
  void ReleaseLocked(const Held& h, const std::string& outcome);
  void ExpireHeld();
  void Execute(const Job& job);
  void CountDropped(const Job& job);

  const AlarmOptions options_;
  const std::vector<LoopbackUrl> urls_;  // per rule; unused for command rules
  const Clock clock_;

  mutable std::mutex mu_;
  bool stopping_ = false;                                        // guarded by mu_
  std::vector<Timestamp> last_fire_;                             // per rule, guarded by mu_
  std::vector<bool> ever_fired_;                                 // per rule, guarded by mu_
  AlarmStats stats_;                                             // guarded by mu_
  std::chrono::steady_clock::time_point stop_deadline_;          // guarded by mu_
  std::vector<Held> held_;                                       // guarded by mu_
  std::map<std::pair<std::string, int>, std::string> verdicts_;  // guarded by mu_
  std::deque<std::pair<std::string, int>> verdict_order_;        // guarded by mu_

  std::atomic<bool> cancel_{false};  // kill the running command, drop what is left
  HttpPoster poster_;
  BoundedQueue<Job> jobs_;
  Worker worker_;  // last: started after everything it uses exists
};

}  // namespace es
