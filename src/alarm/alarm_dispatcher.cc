#include "alarm/alarm_dispatcher.h"

#include <chrono>

#include "alarm/alarm_schema.h"
#include "alarm/command_runner.h"

namespace es {

nlohmann::json AlarmStats::ToJson() const {
  nlohmann::json rules_json = nlohmann::json::object();
  for (const AlarmRuleStats& r : rules) {
    rules_json[r.name] = {{"matched", r.matched},      {"suppressed", r.suppressed},
                          {"dropped", r.dropped},      {"fired", r.fired},
                          {"failed", r.failed},        {"last_exit_status", r.last_exit_status},
                          {"last_error", r.last_error}};
    if (r.held > 0) {
      rules_json[r.name]["verified"] = {{"held", r.held},
                                        {"confirmed", r.confirmed},
                                        {"rejected", r.rejected},
                                        {"fallback_fire", r.fallback_fire},
                                        {"fallback_drop", r.fallback_drop}};
    }
  }
  return {{"submitted", submitted},   {"matched", matched}, {"suppressed", suppressed},
          {"dropped", dropped},       {"fired", fired},     {"failed", failed},
          {"last_error", last_error}, {"rules", rules_json}};
}

Result<std::unique_ptr<AlarmDispatcher>> AlarmDispatcher::Create(AlarmOptions options,
                                                                 Clock clock) {
  ES_RETURN_IF_ERROR(AlarmSchema().Check(options));  // "alarm.<key>: ..."
  std::vector<LoopbackUrl> urls(options.rules.size());
  for (size_t i = 0; i < options.rules.size(); ++i) {
    const AlarmRule& r = options.rules[i];
    const std::string item = "alarm.rules[" + std::to_string(i) + "] '" + r.name + "'";
    if (!r.command.empty()) {
      ES_RETURN_IF_ERROR(CheckExecutable(r.command[0]).WithContext(item));
    } else {
      Result<LoopbackUrl> url = ParseLoopbackUrl(r.http);
      if (!url.ok()) return url.status().WithContext(item + ": http");
      urls[i] = *url;
    }
  }
  if (!clock) clock = SteadyNow;
  return std::unique_ptr<AlarmDispatcher>(
      new AlarmDispatcher(std::move(options), std::move(urls), std::move(clock)));
}

AlarmDispatcher::AlarmDispatcher(AlarmOptions options, std::vector<LoopbackUrl> urls, Clock clock)
    : options_(std::move(options)),
      urls_(std::move(urls)),
      clock_(std::move(clock)),
      jobs_("alarm", static_cast<size_t>(options_.queue_capacity), QueuePolicy::kRefuseNew) {
  last_fire_.resize(options_.rules.size());
  ever_fired_.assign(options_.rules.size(), false);
  for (const AlarmRule& r : options_.rules) {
    AlarmRuleStats rs;
    rs.name = r.name;
    stats_.rules.push_back(std::move(rs));
  }
  worker_.Start("es-alarm", [this] { Run(); });
}

AlarmDispatcher::~AlarmDispatcher() { Stop(); }

size_t AlarmDispatcher::Submit(const Event& event) {
  std::shared_ptr<const std::string> json;  // built once, only when some rule wants it
  size_t queued = 0;
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.submitted;
  for (size_t i = 0; i < options_.rules.size(); ++i) {
    const AlarmRule& rule = options_.rules[i];
    if (!RuleMatches(rule, event)) continue;
    AlarmRuleStats& rs = stats_.rules[i];
    ++rs.matched;
    ++stats_.matched;
    if (stopping_ || jobs_.size() >= jobs_.capacity()) {
      ++rs.dropped;
      ++stats_.dropped;
      continue;
    }
    const Timestamp now = clock_();
    if (ever_fired_[i] && rule.min_interval_s > 0 &&
        (now - last_fire_[i]).seconds() < rule.min_interval_s) {
      ++rs.suppressed;
      ++stats_.suppressed;
      continue;
    }
    if (!json) json = std::make_shared<const std::string>(event.ToJson().dump());
    if (rule.when == "verified") {
      ever_fired_[i] = true;  // the rate limit counts from the hold
      last_fire_[i] = now;
      ++rs.held;
      Held h{Job{i, json}, event.stream, event.track_id,
             now + Duration::Seconds(rule.verify_deadline_s)};
      if (auto v = verdicts_.find({event.stream, event.track_id}); v != verdicts_.end()) {
        ReleaseLocked(h, v->second);
      } else {
        held_.push_back(std::move(h));
      }
      continue;
    }
    if (!jobs_.Push(Job{i, json})) {  // filled up since the check (closed meanwhile)
      ++rs.dropped;
      ++stats_.dropped;
      continue;
    }
    ever_fired_[i] = true;
    last_fire_[i] = now;
    ++queued;
  }
  return queued;
}

void AlarmDispatcher::ReleaseLocked(const Held& h, const std::string& outcome) {
  AlarmRuleStats& rs = stats_.rules[h.job.rule];
  bool fire = false;
  if (outcome == "confirmed") {
    fire = true;
    ++rs.confirmed;
  } else if (outcome == "rejected") {
    ++rs.rejected;
  } else {
    fire = options_.rules[h.job.rule].fallback == "fire";
    ++(fire ? rs.fallback_fire : rs.fallback_drop);
  }
  if (!fire) return;
  if (stopping_ || !jobs_.Push(h.job)) {
    ++rs.dropped;
    ++stats_.dropped;
  }
}

void AlarmDispatcher::OnVerdict(const std::string& stream, int track_id,
                                const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto key = std::make_pair(stream, track_id);
  if (verdicts_.emplace(key, outcome).second) {
    verdict_order_.push_back(key);
    if (verdict_order_.size() > 1024) {
      verdicts_.erase(verdict_order_.front());
      verdict_order_.pop_front();
    }
  } else {
    verdicts_[key] = outcome;
  }
  std::vector<Held> still;
  for (Held& h : held_) {
    if (h.stream == stream && h.track_id == track_id) {
      ReleaseLocked(h, outcome);
    } else {
      still.push_back(std::move(h));
    }
  }
  held_ = std::move(still);
}

void AlarmDispatcher::ExpireHeld() {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_.empty()) return;
  const Timestamp now = clock_();
  std::vector<Held> still;
  for (Held& h : held_) {
    if (now >= h.deadline) {
      ReleaseLocked(h, "late");
    } else {
      still.push_back(std::move(h));
    }
  }
  held_ = std::move(still);
}

void AlarmDispatcher::CountDropped(const Job& job) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.rules[job.rule].dropped;
  ++stats_.dropped;
}

void AlarmDispatcher::Run() {
  while (true) {
    // Wakes at least every 50 ms to apply the fallback of holds whose deadline passed.
    std::optional<Job> job =
        jobs_.PopUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
    ExpireHeld();
    if (!job) {
      if (jobs_.closed()) break;
      continue;
    }
    if (cancel_.load()) {
      CountDropped(*job);  // past the stop deadline
    } else {
      Execute(*job);
    }
    jobs_.TaskDone();
  }
}

void AlarmDispatcher::Execute(const Job& job) {
  const AlarmRule& rule = options_.rules[job.rule];
  Status status;
  int exit_status = -1;
  const bool is_command = !rule.command.empty();
  if (is_command) {
    CommandOutcome out =
        RunCommand(rule.command, *job.json,
                   {"EDGESIGHT_EVENT=" + *job.json, "EDGESIGHT_ALARM_RULE=" + rule.name},
                   rule.timeout_s, &cancel_);
    status = out.status;
    exit_status = out.exit_status;
  } else {
    status = poster_.Post(urls_[job.rule], *job.json, rule.name, rule.timeout_s);
  }
  std::lock_guard<std::mutex> lock(mu_);
  AlarmRuleStats& rs = stats_.rules[job.rule];
  if (is_command) rs.last_exit_status = exit_status;
  if (status.ok()) {
    ++rs.fired;
    ++stats_.fired;
  } else {
    ++rs.failed;
    ++stats_.failed;
    rs.last_error = status.message();
    stats_.last_error = "rule '" + rule.name + "': " + status.message();
  }
}

bool AlarmDispatcher::WaitIdle(double timeout_s) {
  return jobs_.WaitDone(std::chrono::steady_clock::now() +
                        std::chrono::microseconds(static_cast<int64_t>(timeout_s * 1e6)));
}

void AlarmDispatcher::Stop() {
  std::chrono::steady_clock::time_point deadline;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ =
          std::chrono::steady_clock::now() +
          std::chrono::microseconds(static_cast<int64_t>(options_.stop_timeout_s * 1e6));
    }
    deadline = stop_deadline_;
  }
  {
    // Holds still waiting for a verdict: the run is over; count them dropped.
    std::lock_guard<std::mutex> lock(mu_);
    for (const Held& h : held_) {
      ++stats_.rules[h.job.rule].dropped;
      ++stats_.dropped;
    }
    held_.clear();
  }
  jobs_.Close();
  // Let queued actions run until the deadline, then cut the running one short.
  if (!jobs_.WaitDone(deadline)) {
    cancel_ = true;
    poster_.Abort();
    for (const Job& job : jobs_.Drain()) CountDropped(job);
  }
  worker_.Join();
}

AlarmStats AlarmDispatcher::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace es
