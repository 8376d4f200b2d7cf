#include "alarm/alarm_options.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "alarm/loopback_url.h"

namespace es {
namespace {

struct TypePhases {
  EventType type;
  std::vector<EventPhase> phases;
};

const std::vector<TypePhases>& Lifecycles() {
  static const std::vector<TypePhases> kTable = {
      {EventType::kTrack, {EventPhase::kStart, EventPhase::kEnd}},
      {EventType::kZone, {EventPhase::kStart, EventPhase::kEnd}},
      {EventType::kLoiter, {EventPhase::kStart, EventPhase::kUpdate, EventPhase::kEnd}},
      {EventType::kLine, {EventPhase::kInstant}},
      {EventType::kPtz, {EventPhase::kStart, EventPhase::kEnd}},
  };
  return kTable;
}

std::string Item(size_t i, const std::string& name) {
  return "rules[" + std::to_string(i) + "] '" + name + "'";
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::vector<std::string> EventFilterNames() {
  std::vector<std::string> names;
  for (const TypePhases& tp : Lifecycles()) {
    names.push_back(EventTypeName(tp.type));
    for (EventPhase p : tp.phases) {
      names.push_back(std::string(EventTypeName(tp.type)) + "." + EventPhaseName(p));
    }
  }
  return names;
}

Result<EventFilter> ParseEventFilter(const std::string& text) {
  for (const TypePhases& tp : Lifecycles()) {
    const std::string type = EventTypeName(tp.type);
    if (text == type) return EventFilter{tp.type, std::nullopt};
    for (EventPhase p : tp.phases) {
      if (text == type + "." + EventPhaseName(p)) return EventFilter{tp.type, p};
    }
  }
  std::string known;
  for (const std::string& n : EventFilterNames()) known += (known.empty() ? "" : ", ") + n;
  return InvalidArgument("unknown event filter '" + text + "' (expected one of [" + known + "])");
}

bool RuleMatches(const AlarmRule& rule, const Event& event) {
  if (!rule.on.empty()) {
    bool any = false;
    for (const std::string& text : rule.on) {
      Result<EventFilter> f = ParseEventFilter(text);
      if (!f.ok()) continue;
      if (f->type == event.type && (!f->phase || *f->phase == event.phase)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if (rule.zones.empty() && rule.lines.empty()) return true;
  return (!event.zone.empty() && Contains(rule.zones, event.zone)) ||
         (!event.line.empty() && Contains(rule.lines, event.line));
}

Status ValidateAlarmOptions(const AlarmOptions& o) {
  std::set<std::string> names;
  for (size_t i = 0; i < o.rules.size(); ++i) {
    const AlarmRule& r = o.rules[i];
    const std::string item = Item(i, r.name);
    if (r.name.empty()) return InvalidArgument(item + ": name is empty");
    if (!names.insert(r.name).second) return InvalidArgument(item + ": duplicate name");
    for (size_t k = 0; k < r.on.size(); ++k) {
      Result<EventFilter> f = ParseEventFilter(r.on[k]);
      if (!f.ok()) return f.status().WithContext(item + ": on[" + std::to_string(k) + "]");
    }
    const bool has_command = !r.command.empty();
    const bool has_http = !r.http.empty();
    if (has_command && has_http) {
      return InvalidArgument(item + ": both command and http given; a rule has exactly one action");
    }
    if (!has_command && !has_http) {
      return InvalidArgument(item + ": no action: give command or http");
    }
    if (has_command && r.command[0].empty()) {
      return InvalidArgument(item + ": command[0] (the program) is empty");
    }
    if (has_http) {
      Result<LoopbackUrl> url = ParseLoopbackUrl(r.http);
      if (!url.ok()) return url.status().WithContext(item + ": http");
    }
    if (!(r.min_interval_s >= 0.0) || !std::isfinite(r.min_interval_s)) {
      return InvalidArgument(item + ": min_interval_s must be >= 0");
    }
    if (!(r.timeout_s > 0.0 && r.timeout_s <= kMaxAlarmTimeoutS)) {
      return InvalidArgument(item + ": timeout_s must be in (0, 600]");
    }
    if (r.when != "local" && r.when != "verified") {
      return InvalidArgument(item + ": when: expected local or verified, got " + r.when);
    }
    if (r.fallback != "fire" && r.fallback != "drop") {
      return InvalidArgument(item + ": fallback: expected fire or drop, got " + r.fallback);
    }
    if (!(r.verify_deadline_s > 0.0 && r.verify_deadline_s <= 3600.0)) {
      return InvalidArgument(item + ": verify_deadline_s must be in (0, 3600]");
    }
  }
  return Status::Ok();
}

}  // namespace es
