// Record lists: the config keys whose value is a list of mappings (analytics.zones,
// analytics.lines, alarm.rules), as ListSpecs for the schema table (config_schema.h), and the
// `ptz:` section's two plain lists (class_priority: class names; zone: points), which have no
// record keys.
//
// Contract: each ListSpec parses a YAML sequence of mappings into AppConfig, replacing the
// whole list, with the same strict rules as scalar keys: every record must be a mapping; its
// keys are exactly the documented ones (unknown keys get "did you mean"; duplicates, missing
// required keys and wrong types are errors); numbers are finite and within their range;
// points are [x, y]; class names are COCO names (detect/coco_classes.h) or "motion". Errors
// are one line and name the record by index and, when it has one, by name:
//   "analytics.zones[1] 'door': polygon[2]: expected a point [x, y], got a mapping"
//   "analytics.zones[0] 'door': classes[1]: unknown class 'persn' (did you mean 'person'?)"
//   "alarm.rules[0] 'siren': comand: unknown key (did you mean 'command'?)"
// Geometry, unique names, streams and rule actions are checked later by ValidateConfig.
// emit writes the list back so that ToYaml round-trips (optional keys that are unset are left
// out). Thread-safety: the returned specs are immutable values; functions are re-entrant.
#pragma once

#include "config/config_schema.h"

namespace es {

ListSpec ZoneListSpec();       // analytics.zones -> AppConfig::analytics.zones (+ streams)
ListSpec LineListSpec();       // analytics.lines -> AppConfig::analytics.lines (+ streams)
ListSpec AlarmRuleListSpec();  // alarm.rules -> AppConfig::alarm.rules
// Plain lists (not of mappings) that share the readers above:
ListSpec PtzClassPriorityListSpec();   // ptz.class_priority: [person, car] -> COCO ids
ListSpec PtzZoneListSpec();            // ptz.zone: [[x, y], ...] -> polygon (checked later)
ListSpec EscalateScoreBandListSpec();  // escalate.score_band: [lo, hi] in [0, 1]
ListSpec EscalateClassesListSpec();    // escalate.classes: [names or COCO ids] -> ids

// Class id for a config class name: COCO names (exact spelling), "motion" for motion blobs;
// InvalidArgument "unknown class 'persn' (did you mean 'person'?)" otherwise.
Result<int> ClassIdFromName(const std::string& name);
std::string ClassNameFromId(int id);

}  // namespace es
