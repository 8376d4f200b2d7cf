#include "alarm/alarm_dispatcher.h"

#include <signal.h>

#include <chrono>

#include "alarm/command_runner.h"

namespace es {

nlohmann::json AlarmStats::ToJson() const {
  nlohmann::json rules_json = nlohmann::json::object();
  for (const AlarmRuleStats& r : rules) {
    rules_json[r.name] = {{"matched", r.matched},      {"suppressed", r.suppressed},
                          {"dropped", r.dropped},      {"fired", r.fired},
                          {"failed", r.failed},        {"last_exit_status", r.last_exit_status},
                          {"last_error", r.last_error}};
  }
  return {{"submitted", submitted},   {"matched", matched}, {"suppressed", suppressed},
          {"dropped", dropped},       {"fired", fired},     {"failed", failed},
          {"last_error", last_error}, {"rules", rules_json}};
}

Result<std::unique_ptr<AlarmDispatcher>> AlarmDispatcher::Create(AlarmOptions options,
                                                                 Clock clock) {
  ES_RETURN_IF_ERROR(ValidateAlarmOptions(options).WithContext("alarm"));
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
    : options_(std::move(options)), urls_(std::move(urls)), clock_(std::move(clock)) {
  last_fire_.resize(options_.rules.size());
  ever_fired_.assign(options_.rules.size(), false);
  for (const AlarmRule& r : options_.rules) {
    AlarmRuleStats rs;
    rs.name = r.name;
    stats_.rules.push_back(std::move(rs));
  }
  worker_ = std::thread([this] { Run(); });
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
    if (stopping_ || queue_.size() >= static_cast<size_t>(options_.queue_capacity)) {
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
    ever_fired_[i] = true;
    last_fire_[i] = now;
    if (!json) json = std::make_shared<const std::string>(event.ToJson().dump());
    queue_.push_back(Job{i, json});
    ++queued;
  }
  if (queued > 0) work_cv_.notify_one();
  return queued;
}

void AlarmDispatcher::Run() {
  // The worker writes to pipes of children that may have exited: never die of SIGPIPE.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping and drained
    if (stopping_ && (cancel_.load() || std::chrono::steady_clock::now() >= stop_deadline_)) {
      for (const Job& job : queue_) {
        ++stats_.rules[job.rule].dropped;
        ++stats_.dropped;
      }
      queue_.clear();
      break;
    }
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Execute(job);
    lock.lock();
    busy_ = false;
    idle_cv_.notify_all();
  }
  worker_done_ = true;
  idle_cv_.notify_all();
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
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::microseconds(static_cast<int64_t>(timeout_s * 1e6)),
                           [this] { return worker_done_ || (queue_.empty() && !busy_); });
}

void AlarmDispatcher::Stop() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ =
          std::chrono::steady_clock::now() +
          std::chrono::microseconds(static_cast<int64_t>(options_.stop_timeout_s * 1e6));
      work_cv_.notify_all();
    }
    // Let queued actions run until the deadline, then cut the running one short.
    if (!idle_cv_.wait_until(lock, stop_deadline_, [this] { return worker_done_; })) {
      cancel_ = true;
      lock.unlock();
      poster_.Abort();
    }
  }
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (worker_.joinable()) worker_.join();
}

AlarmStats AlarmDispatcher::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace es
