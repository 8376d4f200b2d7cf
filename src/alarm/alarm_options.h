// AlarmOptions: the local alarm rules of one edgesight process (YAML section `alarm`).
//
// Contract: plain structs the config layer fills; ValidateAlarmOptions checks them and returns
// InvalidArgument naming the offending rule ("rules[1] 'siren': both command and http given;
// a rule has exactly one action"). A rule selects events (by type/phase with `on`, by zone or
// line name with `zones`/`lines`) and has exactly one action: a local command (argv, no shell)
// or an HTTP POST to a loopback URL (127.0.0.1, ::1, localhost), so an alarm never depends on
// the network. min_interval_s rate-limits each rule; timeout_s bounds one action. `when:
// verified` gates a rule on the backend's verdict with a deadline and a local fallback.
// Event filters (`on`): "TYPE" or "TYPE.PHASE" with TYPE in track, zone, loiter, line and the
// phases each type has (track/zone: start, end; loiter: start, update, end; line: instant).
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analytics/event.h"
#include "edgesight/status.h"

namespace es {

struct AlarmRule {
  std::string name;
  std::vector<std::string> on;       // event filters (see above); empty = every event
  std::vector<std::string> zones;    // only events about these zones (zone, loiter)
  std::vector<std::string> lines;    // only events about these lines; with zones: either matches
  std::vector<std::string> command;  // argv, argv[0] a path or a name looked up in PATH
  std::string http;                  // http://127.0.0.1:PORT/path (loopback only)
  double min_interval_s = 0.0;       // fire at most once per this many seconds; 0 = no limit
  double timeout_s = 5.0;            // one action: command runtime / HTTP connect and read
  // "local": act on the event now. "verified": wait for the backend's verdict on the event's
  // track (the hybrid tier) up to verify_deadline_s: confirmed fires, rejected drops, uncertain
  // or no verdict in time applies `fallback` ("fire" or "drop").
  std::string when = "local";
  double verify_deadline_s = 10.0;
  std::string fallback = "fire";
};

struct AlarmOptions {
  std::vector<AlarmRule> rules;
  int queue_capacity = 64;      // actions waiting for the worker; more are dropped and counted
  double stop_timeout_s = 2.0;  // Stop() drains queued actions for at most this long
};

inline constexpr double kMaxAlarmTimeoutS = 600.0;

// One parsed `on` entry; phase empty = every phase of the type.
struct EventFilter {
  EventType type = EventType::kTrack;
  std::optional<EventPhase> phase;
};

// "loiter.start" -> {kLoiter, kStart}; InvalidArgument "unknown event filter 'loiter.begin'
// (expected TYPE or TYPE.PHASE: track.start, track.end, zone.start, ...)".
Result<EventFilter> ParseEventFilter(const std::string& text);
// Every accepted spelling, in a stable order ("track", "track.start", ...).
std::vector<std::string> EventFilterNames();

// True when `event` passes the rule's on/zones/lines filters (filters must be valid).
bool RuleMatches(const AlarmRule& rule, const Event& event);

// Ok or InvalidArgument "rules[I] 'NAME': problem" for the first bad rule. The scalars'
// ranges are the section's schema (alarm_schema.h), whose Check() runs this as its rules.
Status ValidateAlarmOptions(const AlarmOptions& options);

}  // namespace es
