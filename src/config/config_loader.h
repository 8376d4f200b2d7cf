// Config loader: YAML text -> validated AppConfig, and `--set key=value` overrides.
//
// Contract: the YAML document is a mapping of sections (source, detector, gate, tracker,
// pipeline, output, analytics, alarm, recording, uplink, ptz, http) whose keys are exactly the option
// struct field names (config_schema.h; reference in docs/configuration.md), plus the record
// lists analytics.zones, analytics.lines and alarm.rules (record_lists.h). Missing sections
// and keys keep their defaults; an empty
// document (or one with only comments) is AppConfig{}; a section with an empty value
// (`gate:`) keeps all its defaults. Loading runs the three layers of STYLE.md #9: schema
// (unknown keys, duplicate keys, types, ranges, enums) -> NormaliseConfig -> ValidateConfig.
//
// Failure (never throws; yaml-cpp exceptions are caught here):
//   - LoadConfigFile: file missing or unreadable -> kNotFound "cannot open config 'PATH': ...".
//   - YAML syntax error -> kInvalidArgument "ORIGIN:LINE:COL: invalid YAML: <parser message>".
//   - anything else -> kInvalidArgument "ORIGIN: <key path>: <problem>", for example
//       "config.yaml: detector.score_threshold: expected a number in [0, 1], got 1.5"
//       "config.yaml: tracker.trak_thresh: unknown key (did you mean 'track_thresh'?)"
//       "config.yaml: source: expected a mapping, got a list"
//       "config.yaml: analytics.zones[1] 'door': polygon is self-intersecting: edge 0 ..."
// Every message is one line; the first error found is reported.
// Thread-safety: all functions are re-entrant; an AppConfig* argument is not synchronised.
#pragma once

#include <string>
#include <vector>

#include "config/app_config.h"
#include "edgesight/status.h"

namespace es {

// ORIGIN is the file path as given.
Result<AppConfig> LoadConfigFile(const std::string& path);

// ORIGIN names the text in error messages (a path, "<inline>", ...).
Result<AppConfig> LoadConfigString(const std::string& yaml, const std::string& origin);

// Sets one key, "section.key", from its text through the same schema, then normalises and
// re-validates the whole config; on any error *config is left unchanged. The value is read as
// a YAML scalar (or a flow list for list keys: "[person, car]"), except that string keys take
// the text verbatim (paths with '#' or ':' work) and an empty value means "" / []. A record
// list (analytics.zones, analytics.lines, alarm.rules) is replaced as a whole by a YAML flow
// list: --set 'analytics.zones=[{name: door, polygon: [[0, 0], [99, 0], [99, 99]]}]'.
// ORIGIN in errors is "--set": "--set tracker.track_thresh: expected a number in [0, 1], got 2".
Status ApplyOverride(AppConfig* config, const std::string& dotted_key, const std::string& value);

// Applies several "section.key=value" assignments in order and validates once at the end, so
// related keys can change together (lowering track_thresh and low_thresh). All or nothing.
Status ApplyOverrides(AppConfig* config, const std::vector<std::string>& assignments);

// The config as YAML with every key spelled out (for `--print-config` and round trips):
// LoadConfigString(ToYaml(c)) reproduces c.
std::string ToYaml(const AppConfig& config);

}  // namespace es
