#include "config/config_checks.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/config_schema.h"
#include "config/did_you_mean.h"

namespace es {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Every field of every section first, then each section's own rules (declared by its module),
// in document order.
Status CheckSections(const AppConfig& config) {
  for (const SectionSpec& section : ConfigSchema()) {
    for (const FieldSpec& field : section.fields) {
      ES_RETURN_IF_ERROR(
          CheckFieldValue(field, config).WithContext(section.name + "." + field.name));
    }
  }
  for (const SectionSpec& section : ConfigSchema()) {
    if (section.rules) ES_RETURN_IF_ERROR(section.rules(config));
  }
  return Status::Ok();
}

std::string Item(const char* list, size_t i, const std::string& name) {
  const std::string quoted = QuoteString(name);
  return std::string(list) + "[" + std::to_string(i) + "] '" + quoted.substr(1, quoted.size() - 2) +
         "'";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A zone/line `stream:` must name the configured stream (one stream per process today).
Status CheckStream(const std::map<std::string, std::string>& streams, const std::string& name,
                   const std::string& item, const std::string& stream_id) {
  auto it = streams.find(name);
  if (it == streams.end() || it->second == stream_id) return Status::Ok();
  return InvalidArgument(item + ": unknown stream " + QuoteString(it->second) +
                         " (known streams: [" + stream_id + "], set by source.stream_id)");
}

// An alarm rule's zones/lines filter must name configured zones/lines.
Status CheckReferences(const std::vector<std::string>& refs, const std::vector<std::string>& known,
                       const char* what, const std::string& where) {
  for (size_t k = 0; k < refs.size(); ++k) {
    if (std::find(known.begin(), known.end(), refs[k]) != known.end()) continue;
    const std::string at =
        where + "[" + std::to_string(k) + "]: unknown " + what + " " + QuoteString(refs[k]);
    if (known.empty()) {
      return InvalidArgument(at + " (no " + what + "s are configured in analytics." + what + "s)");
    }
    const std::string guess = DidYouMean(refs[k], known);
    if (!guess.empty()) return InvalidArgument(at + " (did you mean '" + guess + "'?)");
    return InvalidArgument(at + " (known " + what + "s: [" + JoinNames(known) + "])");
  }
  return Status::Ok();
}

Status CheckAnalyticsStreams(const AppConfig& c) {
  for (size_t i = 0; i < c.analytics.zones.size(); ++i) {
    const std::string& name = c.analytics.zones[i].name;
    ES_RETURN_IF_ERROR(CheckStream(c.analytics_streams.zones, name,
                                   "analytics." + Item("zones", i, name), c.source.stream_id));
  }
  for (size_t i = 0; i < c.analytics.lines.size(); ++i) {
    const std::string& name = c.analytics.lines[i].name;
    ES_RETURN_IF_ERROR(CheckStream(c.analytics_streams.lines, name,
                                   "analytics." + Item("lines", i, name), c.source.stream_id));
  }
  return Status::Ok();
}

Status CheckAlarmReferences(const AppConfig& c) {
  std::vector<std::string> zones, lines;
  for (const ZoneOptions& z : c.analytics.zones) zones.push_back(z.name);
  for (const LineOptions& l : c.analytics.lines) lines.push_back(l.name);
  for (size_t i = 0; i < c.alarm.rules.size(); ++i) {
    const AlarmRule& r = c.alarm.rules[i];
    const std::string item = "alarm." + Item("rules", i, r.name);
    ES_RETURN_IF_ERROR(CheckReferences(r.zones, zones, "zone", item + ": zones"));
    ES_RETURN_IF_ERROR(CheckReferences(r.lines, lines, "line", item + ": lines"));
  }
  // escalate.zones names this camera's zones (a typo would never escalate).
  ES_RETURN_IF_ERROR(CheckReferences(c.escalate.zones, zones, "zone", "escalate.zones"));
  // deep.zones too; without them deep analysis watches the armed zones, so one must exist.
  ES_RETURN_IF_ERROR(CheckReferences(c.deep.zones, zones, "zone", "deep.zones"));
  if (c.deep.enabled && c.deep.zones.empty() &&
      std::none_of(c.analytics.zones.begin(), c.analytics.zones.end(),
                   [](const ZoneOptions& z) { return z.armed; })) {
    return InvalidArgument(
        "deep.enabled: no zone to watch: arm one (analytics.zones[].armed) or set deep.zones");
  }
  return Status::Ok();
}

}  // namespace

void NormaliseConfig(AppConfig* config) {
  std::vector<std::string> classes;
  for (const std::string& raw : config->detector.classes) {
    std::string name = Trim(raw);
    if (name.empty()) continue;
    if (std::find(classes.begin(), classes.end(), name) == classes.end()) {
      classes.push_back(std::move(name));
    }
  }
  config->detector.classes = std::move(classes);
}

Status ValidateConfig(const AppConfig& config) {
  ES_RETURN_IF_ERROR(CheckSections(config));
  ES_RETURN_IF_ERROR(CheckAnalyticsStreams(config));
  return CheckAlarmReferences(config);
}

}  // namespace es
