#include "backend/rollout.h"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace es {
namespace {

constexpr std::array<const char*, 6> kDeviceStates = {"pending",  "sent",   "received",
                                                      "promoted", "passed", "failed"};
constexpr std::array<const char*, 4> kStates = {"running", "paused", "aborted", "done"};

// The index of `name` in `names`, or -1.
template <size_t N>
int IndexOf(const std::array<const char*, N>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

bool Terminal(RolloutDeviceState s) {
  return s == RolloutDeviceState::kPassed || s == RolloutDeviceState::kFailed;
}

// Waiting for a report from the device (the report clock runs while it is online).
bool AwaitingReport(RolloutDeviceState s) {
  return s == RolloutDeviceState::kSent || s == RolloutDeviceState::kReceived;
}

std::string Seconds(double s) {
  std::ostringstream o;
  o << s << " s";
  return o.str();
}

Status CheckStages(const std::vector<int>& stages) {
  if (stages.empty()) return InvalidArgument("--stages: at least one stage");
  int last = 0;
  for (int p : stages) {
    if (p <= last || p > 100) {
      return InvalidArgument("--stages: percentages must rise strictly within (0, 100]");
    }
    last = p;
  }
  if (last != 100) return InvalidArgument("--stages: the last stage must be 100");
  return Status::Ok();
}

}  // namespace

const char* RolloutDeviceStateName(RolloutDeviceState s) {
  return kDeviceStates[static_cast<size_t>(s)];
}

const char* RolloutStateName(RolloutState s) { return kStates[static_cast<size_t>(s)]; }

bool SelectorMatches(const std::string& selector, const std::string& device) {
  std::stringstream in(selector);
  std::string glob;
  while (std::getline(in, glob, ',')) {
    if (!glob.empty() && fnmatch(glob.c_str(), device.c_str(), 0) == 0) return true;
  }
  return false;
}

Result<double> ParseSeconds(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const std::string unit = end ? std::string(end) : "";
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (text.empty() || end == text.c_str() || scale == 0 || !std::isfinite(v) || v < 0) {
    return InvalidArgument("'" + text + "' is not a duration (600, 30s, 10m, 2h)");
  }
  return v * scale;
}

Result<std::vector<int>> ParseStages(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    char* end = nullptr;
    const long v = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0') {
      return InvalidArgument("--stages: '" + part + "' is not a whole percentage");
    }
    out.push_back(static_cast<int>(std::clamp(v, -1L, 1000L)));
  }
  ES_RETURN_IF_ERROR(CheckStages(out));
  return out;
}

Status CheckPlan(const RolloutPlan& plan) {
  ES_RETURN_IF_ERROR(CheckStages(plan.stages));
  if (!(plan.max_failure_rate >= 0 && plan.max_failure_rate <= 1)) {  // NaN too
    return InvalidArgument("--max-failure-rate: expected a fraction in [0, 1]");
  }
  if (!(plan.soak_s >= 0) || !(plan.report_timeout_s >= 0)) {
    return InvalidArgument("--soak / --report-timeout: expected a duration");
  }
  return Status::Ok();
}

Result<Rollout> Rollout::Plan(const RolloutPlan& plan, std::vector<RolloutCandidate> devices,
                              int64_t now_ms) {
  ES_RETURN_IF_ERROR(CheckPlan(plan));
  std::erase_if(devices,
                [&](const RolloutCandidate& c) { return !SelectorMatches(plan.selector, c.id); });
  if (devices.empty()) {
    return NotFound("no device matches '" + plan.selector +
                    "' (devices are known by their retained status on edgesight/v1/+/status)");
  }
  std::sort(devices.begin(), devices.end(),
            [](const RolloutCandidate& a, const RolloutCandidate& b) { return a.id < b.id; });
  Rollout r;
  r.plan_ = plan;
  const size_t n = devices.size();
  size_t begin = 0;
  for (size_t k = 0; k < plan.stages.size(); ++k) {
    size_t end = static_cast<size_t>(std::ceil(plan.stages[k] * static_cast<double>(n) / 100.0));
    end = std::min(n, std::max(end, begin + 1));
    for (size_t i = begin; i < end; ++i) {
      RolloutDevice d;
      d.id = devices[i].id;
      d.stage = static_cast<int>(k);
      d.online = devices[i].online;
      d.model = devices[i].model;
      d.since_ms = now_ms;
      if (d.model == plan.model) {
        d.state = RolloutDeviceState::kPassed;
        d.reason = "already running " + plan.model;
      }
      r.devices_.push_back(std::move(d));
    }
    begin = end;
  }
  r.Log("planned " + plan.model + " on " + std::to_string(n) + " device(s) in " +
        std::to_string(plan.stages.size()) + " stage(s)");
  return r;
}

RolloutDevice* Rollout::Find(const std::string& id) {
  for (RolloutDevice& d : devices_) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

void Rollout::Log(std::string line) { log_.push_back(std::move(line)); }

std::vector<std::string> Rollout::TakeLog() { return std::exchange(log_, {}); }

void Rollout::Set(RolloutDevice& d, RolloutDeviceState s, int64_t now_ms, std::string reason) {
  d.state = s;
  d.since_ms = now_ms;
  if (!reason.empty()) d.reason = std::move(reason);
  Log(d.id + ": " + RolloutDeviceStateName(s) + (d.reason.empty() ? "" : " (" + d.reason + ")"));
}

void Rollout::OnStatus(const std::string& device, bool online, const std::string& model,
                       int64_t now_ms) {
  RolloutDevice* d = Find(device);
  if (d == nullptr) return;
  if (online && !d->online) {
    d->since_ms = now_ms;  // back: its report clock starts again
    Log(d->id + ": back online");
  } else if (!online && d->online) {
    Log(d->id + ": offline (the bundle waits for it, retained)");
  }
  d->online = online;
  if (!online) return;
  if (!model.empty()) d->model = model;
  if (AwaitingReport(d->state) && model == plan_.model) {
    Set(*d, RolloutDeviceState::kPromoted, now_ms, "its status names " + model + " in use");
  }
}

void Rollout::OnEvent(const nlohmann::json& ev, int64_t now_ms) {
  if (!ev.is_object() || ev.value("type", "") != "model") return;
  if (ev.value("bundle_sha256", "") != plan_.bundle_sha256) return;
  RolloutDevice* d = Find(ev.value("device", ""));
  if (d == nullptr || d->state == RolloutDeviceState::kPending) return;
  const std::string action = ev.value("action", "");
  const std::string why = ev.value("reason", "");
  if (action == "received" && AwaitingReport(d->state)) {
    Set(*d, RolloutDeviceState::kReceived, now_ms);
  } else if (action == "promoted" && !Terminal(d->state)) {
    for (const char* k : {"f1", "precision", "recall", "active_p99_ms", "candidate_p99_ms",
                          "seconds_to_promotion"}) {
      if (ev.contains(k)) d->figures[k] = ev[k];
    }
    if (d->state != RolloutDeviceState::kPromoted) Set(*d, RolloutDeviceState::kPromoted, now_ms);
  } else if (action == "rejected" && d->state != RolloutDeviceState::kFailed &&
             d->state != RolloutDeviceState::kPassed) {
    Set(*d, RolloutDeviceState::kFailed, now_ms, "rejected: " + why);
  } else if (action == "rolled_back" && d->state != RolloutDeviceState::kFailed) {
    Set(*d, RolloutDeviceState::kFailed, now_ms, "rolled back: " + why);
  }
}

void Rollout::MarkDelivered(const std::string& device) {
  if (RolloutDevice* d = Find(device)) d->delivered = true;
}

std::vector<std::string> Rollout::Tick(int64_t now_ms) {
  const auto elapsed_s = [&](const RolloutDevice& d) { return (now_ms - d.since_ms) / 1000.0; };
  for (RolloutDevice& d : devices_) {
    if (d.state == RolloutDeviceState::kPromoted && elapsed_s(d) >= plan_.soak_s) {
      Set(d, RolloutDeviceState::kPassed, now_ms, "soaked " + Seconds(plan_.soak_s));
    } else if (AwaitingReport(d.state) && d.online && d.delivered &&
               elapsed_s(d) >= plan_.report_timeout_s) {
      Set(d, RolloutDeviceState::kFailed, now_ms,
          "no report within " + Seconds(plan_.report_timeout_s));
    }
  }
  std::vector<std::string> send;
  if (state_ == RolloutState::kPaused || state_ == RolloutState::kAborted) return send;
  if (state_ == RolloutState::kDone) return Undelivered();
  // Failure threshold over every device assigned so far (a pending report counts as no failure,
  // so the rate only rises as reports come in: pausing early is never premature).
  int assigned = 0, failed = 0;
  std::string failures;
  for (const RolloutDevice& d : devices_) {
    if (d.stage > stage_) continue;
    ++assigned;
    if (d.state == RolloutDeviceState::kFailed) {
      ++failed;
      if (failed <= 3) failures += (failures.empty() ? "" : "; ") + d.id + ": " + d.reason;
    }
  }
  if (assigned > 0 && failed > plan_.max_failure_rate * assigned) {
    state_ = plan_.abort_on_failure ? RolloutState::kAborted : RolloutState::kPaused;
    std::ostringstream o;
    o << RolloutStateName(state_) << " at stage " << stage_ + 1 << " of " << stage_count() << ": "
      << failed << " of " << assigned << " device(s) failed, above the maximum failure rate "
      << plan_.max_failure_rate << " (" << failures << (failed > 3 ? "; ..." : "") << ")";
    reason_ = o.str();
    Log(reason_);
    return send;
  }
  // Send to every device assigned so far, and advance while each has its answer (or is away).
  while (true) {
    bool complete = true;
    for (RolloutDevice& d : devices_) {
      if (d.stage > stage_) continue;
      if (d.state == RolloutDeviceState::kPending) {
        Set(d, RolloutDeviceState::kSent, now_ms);
        d.delivered = false;
      }
      if (!Terminal(d.state) && d.online) complete = false;
    }
    if (!complete) break;
    if (stage_ + 1 >= stage_count()) {
      state_ = RolloutState::kDone;
      int passed = 0, away = 0;
      for (const RolloutDevice& d : devices_) {
        passed += d.state == RolloutDeviceState::kPassed;
        away += !Terminal(d.state);
      }
      reason_ = "done: " + std::to_string(passed) + " of " + std::to_string(devices_.size()) +
                " device(s) passed, " + std::to_string(failed) + " failed, " +
                std::to_string(away) + " offline (the bundle waits for them, retained)";
      Log(reason_);
      break;
    }
    ++stage_;
    Log("stage " + std::to_string(stage_ + 1) + " of " + std::to_string(stage_count()));
  }
  return Undelivered();
}

std::vector<std::string> Rollout::Undelivered() const {
  std::vector<std::string> send;
  for (const RolloutDevice& d : devices_) {
    if (d.stage <= stage_ && AwaitingReport(d.state) && !d.delivered) send.push_back(d.id);
  }
  return send;
}

nlohmann::ordered_json Rollout::ToJson() const {
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["model"] = plan_.model;
  j["bundle_sha256"] = plan_.bundle_sha256;
  j["selector"] = plan_.selector;
  j["stages"] = plan_.stages;
  j["max_failure_rate"] = plan_.max_failure_rate;
  j["soak_s"] = plan_.soak_s;
  j["report_timeout_s"] = plan_.report_timeout_s;
  j["on_failure"] = plan_.abort_on_failure ? "abort" : "pause";
  j["state"] = RolloutStateName(state_);
  j["stage"] = stage_ + 1;
  j["reason"] = reason_;
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const RolloutDevice& d : devices_) {
    nlohmann::ordered_json e;
    e["device"] = d.id;
    e["stage"] = d.stage + 1;
    e["state"] = RolloutDeviceStateName(d.state);
    e["delivered"] = d.delivered;
    e["online"] = d.online;
    e["model"] = d.model;
    e["since_unix_ms"] = d.since_ms;
    e["reason"] = d.reason;
    e["figures"] = d.figures;
    devices.push_back(std::move(e));
  }
  j["devices"] = std::move(devices);
  return j;
}

Result<Rollout> Rollout::FromJson(const nlohmann::json& j) {
  try {
    if (j.at("v").get<int>() != 1) return InvalidArgument("rollout state: unknown version");
    Rollout r;
    r.plan_.model = j.at("model").get<std::string>();
    r.plan_.bundle_sha256 = j.at("bundle_sha256").get<std::string>();
    r.plan_.selector = j.at("selector").get<std::string>();
    r.plan_.stages = j.at("stages").get<std::vector<int>>();
    r.plan_.max_failure_rate = j.at("max_failure_rate").get<double>();
    r.plan_.soak_s = j.at("soak_s").get<double>();
    r.plan_.report_timeout_s = j.at("report_timeout_s").get<double>();
    r.plan_.abort_on_failure = j.at("on_failure").get<std::string>() == "abort";
    const std::string state = j.at("state").get<std::string>();
    const int s = IndexOf(kStates, state);
    if (s < 0) return InvalidArgument("rollout state: unknown state '" + state + "'");
    r.state_ = static_cast<RolloutState>(s);
    r.stage_ = j.at("stage").get<int>() - 1;
    r.reason_ = j.at("reason").get<std::string>();
    for (const auto& e : j.at("devices")) {
      RolloutDevice d;
      d.id = e.at("device").get<std::string>();
      d.stage = e.at("stage").get<int>() - 1;
      const std::string ds = e.at("state").get<std::string>();
      const int k = IndexOf(kDeviceStates, ds);
      if (k < 0) return InvalidArgument("rollout state: unknown device state '" + ds + "'");
      d.state = static_cast<RolloutDeviceState>(k);
      d.delivered = e.at("delivered").get<bool>();
      d.online = e.at("online").get<bool>();
      d.model = e.at("model").get<std::string>();
      d.since_ms = e.at("since_unix_ms").get<int64_t>();
      d.reason = e.at("reason").get<std::string>();
      d.figures = e.at("figures");
      r.devices_.push_back(std::move(d));
    }
    if (Status s = CheckStages(r.plan_.stages); !s.ok()) return s.WithContext("rollout state");
    if (r.stage_ < 0 || r.stage_ >= r.stage_count()) {
      return InvalidArgument("rollout state: stage out of range");
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("rollout state: ") + e.what());
  }
}

}  // namespace es
