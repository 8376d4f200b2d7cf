// Config schema: the one declarative table of every configuration key (layer 1 of STYLE.md #9).
//
// Contract: ConfigSchema() lists the YAML sections and, for each, its fields: the key name (the
// option struct's field name), the value type (deduced from the struct member), a constraint
// (numeric range or a closed set of strings) and a one-line meaning. Each field is bound to its
// storage in AppConfig through a pointer-to-member, so the table is the single source of truth
// for parsing (field_parser.h), printing (ToYaml), --set overrides and docs/configuration.md.
// Adding a key = one Add(...) line in config_schema.cc.
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
#include "edgesight/status.h"

namespace es {

// kInt64 holds byte sizes and other counts beyond int (recording.quota_bytes). Constraints are
// doubles, so its range checks are exact while bounds stay below 2^53 (9e15) in magnitude.
enum class FieldType { kBool, kInt, kInt64, kFloat, kDouble, kString, kStringList };

// An enum field (e.g. analytics.anchor): read and written by name. The names are the field's
// Constraint::choices; set() returns false for any other text.
struct EnumRef {
  const void* address = nullptr;  // the storage (identity only)
  std::function<std::string()> get;
  std::function<bool(const std::string&)> set;
};

// Where one field lives inside an AppConfig.
using FieldRef = std::variant<bool*, int*, int64_t*, float*, double*, std::string*,
                              std::vector<std::string>*, EnumRef>;

// What values a field accepts beyond its type. Numbers: an interval whose ends may be open;
// strings: an optional closed set of choices (matched case-insensitively, stored as spelled here).
struct Constraint {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  std::vector<std::string> choices;  // empty = any string
};

Constraint AnyValue();
Constraint Closed(double lo, double hi);      // [lo, hi]
Constraint OpenClosed(double lo, double hi);  // (lo, hi]
Constraint AtLeast(double lo);                // [lo, inf)
Constraint OneOf(std::vector<std::string> choices);

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

  const FieldSpec* Find(const std::string& key) const;
  const ListSpec* FindList(const std::string& key) const;
  std::vector<std::string> FieldNames() const;  // scalar fields, then lists
};

// The whole schema, in document order.
const std::vector<SectionSpec>& ConfigSchema();
const SectionSpec* FindSection(const std::string& name);
std::vector<std::string> SectionNames();

// Human-readable descriptions, shared by error messages and the reference documentation.
std::string TypeName(FieldType type);  // "int", "int64", "float", "list of strings"
std::string DescribeConstraint(const FieldSpec& field);  // "[0, 1]", "one of [tcp, udp]", ""
std::string DescribeConstraint(const Constraint& constraint);
std::string FormatFieldValue(const FieldSpec& field, const AppConfig& config);  // YAML text

// "an integer", "a number", "a boolean (true or false)", "a string", "a list of strings".
std::string ExpectedType(FieldType type);
// ExpectedType plus the constraint: "a number in [0, 1]", "an integer >= 0", "one of [tcp, udp]".
std::string ExpectedValue(const FieldSpec& field);
std::string ExpectedValue(FieldType type, const Constraint& constraint);
// True when v is finite and within the constraint's interval.
bool InRange(double v, const Constraint& constraint);
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

// `s` in double quotes, with quotes, backslashes and control characters escaped (\n, \xNN), so
// it stays on one line and is valid YAML.
std::string QuoteString(const std::string& s);

// Shortest text that reads back as the same number ("0.35" for 0.35f, "1" for 1.0).
std::string FormatNumber(double v);
std::string FormatNumber(float v);

}  // namespace es
