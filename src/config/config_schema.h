// Config schema: the one declarative table of every configuration key (layer 1 of STYLE.md #9).
//
// Contract: ConfigSchema() lists the YAML sections and, for each, its fields: the key name (the
// option struct's field name), the value type (deduced from the struct member), a constraint
// (numeric range or a closed set of strings) and a one-line meaning. Each module declares its
// own section next to its option struct (core/option_schema.h: source/source_schema.h,
// record/recording_schema.h, ...) with the section's own rules; config_schema.cc only mounts
// those schemas into AppConfig (binding each field through the section's pointer-to-member) and
// adds the record lists. The table is the single source of truth for parsing (field_parser.h),
// printing (ToYaml), --set overrides, docs/configuration.md and the modules' own validation.
// Adding a key = one Add(...) line in the owning module's *_schema.h.
// Besides scalar fields a section may hold lists of records (analytics.zones, analytics.lines,
// alarm.rules): a ListSpec documents each record key and carries the parse/emit functions
// (record_lists.h); they are set as a whole (a YAML sequence of mappings), never per item.
// Thread-safety: the table is built once (function-local static) and immutable afterwards.
// Failure: none; lookups of unknown names return nullptr.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "config/app_config.h"
#include "core/option_schema.h"
#include "edgesight/status.h"

namespace es {

struct FieldSpec {
  std::string name;  // YAML key inside its section, equal to the struct field name
  FieldType type = FieldType::kString;
  Constraint constraint;
  std::string help;  // one line, used by docs and --help style listings
  std::function<FieldRef(AppConfig&)> bind;
};

// One key of a list record (a zone, a line, an alarm rule), for docs and error messages.
struct RecordKeyDoc {
  std::string name;           // "polygon"
  std::string type;           // "list of points", "point [x, y]", "list of class names", ...
  std::string default_value;  // YAML text, or "required"
  std::string range;          // "-" when unconstrained
  std::string help;
};

struct ListSpec {
  std::string name;  // key inside the section, e.g. "zones"
  std::string type;  // "list of zones"
  std::string help;
  std::vector<RecordKeyDoc> keys;
  // Replaces the whole list in *config from a YAML sequence of mappings (null = empty list).
  // `path` is "analytics.zones"; errors start with it. Type/key errors only; cross-checks are
  // ValidateConfig's.
  std::function<Status(const YAML::Node& value, const std::string& path, AppConfig* config)> parse;
  // Emits the list as a YAML value (a block sequence of mappings; empty lists as []).
  std::function<void(YAML::Emitter& out, const AppConfig& config)> emit;
  std::function<size_t(const AppConfig& config)> size;

  std::vector<std::string> KeyNames() const;
};

struct SectionSpec {
  std::string name;  // top-level YAML key
  std::string help;
  std::vector<FieldSpec> fields;
  std::vector<ListSpec> lists;
  // The owning module's cross-field rules for this section (OptionSchema::rules), if any.
  std::function<Status(const AppConfig&)> rules;

  const FieldSpec* Find(const std::string& key) const;
  const ListSpec* FindList(const std::string& key) const;
  std::vector<std::string> FieldNames() const;  // scalar fields, then lists
};

// The whole schema, in document order.
const std::vector<SectionSpec>& ConfigSchema();
const SectionSpec* FindSection(const std::string& name);
std::vector<std::string> SectionNames();

// Human-readable descriptions (core/option_schema.h has the generic ones).
std::string DescribeConstraint(const FieldSpec& field);  // "[0, 1]", "one of [tcp, udp]", ""
std::string FormatFieldValue(const FieldSpec& field, const AppConfig& config);  // YAML text
// "a number in [0, 1]", "an integer >= 0", "one of [tcp, udp]".
std::string ExpectedValue(const FieldSpec& field);
// Checks the field's current value in `config` against its constraint. Failure:
// kInvalidArgument "expected a number in [0, 1], got 1.5" (no key path; callers add it).
Status CheckFieldValue(const FieldSpec& field, const AppConfig& config);

// One row of the reference table in docs/configuration.md. List records add one row for the
// list ("analytics.zones") and one per record key ("analytics.zones[].polygon").
struct KeyDoc {
  std::string key;  // "tracker.track_thresh"
  std::string type;
  std::string default_value;
  std::string range;  // "-" when unconstrained
  std::string help;
};
std::vector<KeyDoc> DescribeSchema();

}  // namespace es
