// OptionSchema<S>: how a module declares its configuration section, next to its option struct.
//
// Contract: a schema names a section (its YAML key), and lists the struct's fields: the key
// name (equal to the field name), the value type (deduced from the member), a constraint
// (numeric range or closed set of strings) and a one-line meaning; plus the section's own
// cross-field rules (ones that read only this struct). The module's runtime validation
// (Check) and the config file's validation (src/config/config_schema.h mounts every module's
// schema into AppConfig) both read this one table, so a range is written once.
// Messages: Check() returns the first violation as kInvalidArgument on one line, starting with
// the key path: "recording.pre_event_s: expected a number in [0, 60], got 61"; rules return
// their own messages with the same prefix style.
// Layering: this header is generic (core); it knows no module and no YAML.
// Thread-safety: a schema is immutable once built; modules keep it in a function-local static.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

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

// Where one field lives.
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

// Human-readable descriptions, shared by error messages and the reference documentation.
std::string TypeName(FieldType type);                 // "int", "float", "list of strings"
std::string DescribeConstraint(const Constraint& c);  // "[0, 1]", "one of [tcp, udp]", ""
std::string ExpectedType(FieldType type);             // "an integer", "a number", ...
std::string ExpectedValue(FieldType type, const Constraint& constraint);  // "a number in [0, 1]"
bool InRange(double v, const Constraint& constraint);  // finite and inside the interval
std::string FormatNumber(double v);  // shortest text that reads back as the same number
std::string FormatNumber(float v);
// `s` in double quotes, with quotes, backslashes and control characters escaped (\n, \xNN), so
// it stays on one line and is valid YAML.
std::string QuoteString(const std::string& s);
// The value behind `ref` as YAML text ("0.5", "\"tcp\"", "[\"a\", \"b\"]").
std::string FormatRef(const FieldRef& ref);
// Ok, or "expected <ExpectedValue>, got <value>" (no key path; callers add it).
Status CheckRef(FieldType type, const Constraint& constraint, const FieldRef& ref);

namespace schema_detail {
template <class T>
constexpr FieldType TypeOf() {
  static_assert(std::is_same_v<T, bool> || std::is_same_v<T, int> || std::is_same_v<T, int64_t> ||
                    std::is_same_v<T, float> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::string>>,
                "unsupported config field type");
  if (std::is_same_v<T, bool>) return FieldType::kBool;
  if (std::is_same_v<T, int>) return FieldType::kInt;
  if (std::is_same_v<T, int64_t>) return FieldType::kInt64;
  if (std::is_same_v<T, float>) return FieldType::kFloat;
  if (std::is_same_v<T, double>) return FieldType::kDouble;
  if (std::is_same_v<T, std::string>) return FieldType::kString;
  return FieldType::kStringList;
}
}  // namespace schema_detail

template <class S>
struct OptionField {
  std::string name;  // key inside the section, equal to the struct field name
  FieldType type = FieldType::kString;
  Constraint constraint;
  std::string help;  // one line, for docs and listings
  std::function<FieldRef(S&)> bind;
};

template <class S>
class OptionSchema {
 public:
  using Rules = std::function<Status(const S&)>;

  OptionSchema(std::string name, std::string help)
      : name_(std::move(name)), help_(std::move(help)) {}

  template <class T>
  OptionSchema& Add(const char* name, T S::*member, Constraint constraint, const char* help) {
    return Push(name, schema_detail::TypeOf<T>(), std::move(constraint), help,
                [member](S& s) -> FieldRef { return &(s.*member); });
  }

  // A member of a struct nested in the section (`ptz.controller` lives in PtzConfig::linkage);
  // the key stays flat.
  template <class N, class T>
  OptionSchema& Add(const char* name, N S::*nested, T N::*member, Constraint constraint,
                    const char* help) {
    return Push(name, schema_detail::TypeOf<T>(), std::move(constraint), help,
                [nested, member](S& s) -> FieldRef { return &((s.*nested).*member); });
  }

  // An enum member read and written by name; the names are the field's choices.
  template <class E>
  OptionSchema& AddEnum(const char* name, E S::*member,
                        std::vector<std::pair<std::string, E>> values, const char* help) {
    Constraint c;
    for (const auto& [text, value] : values) c.choices.push_back(text);
    auto table = std::make_shared<const std::vector<std::pair<std::string, E>>>(std::move(values));
    return Push(name, FieldType::kString, std::move(c), help, [member, table](S& s) -> FieldRef {
      E* p = &(s.*member);
      EnumRef ref;
      ref.address = p;
      ref.get = [p, table] {
        for (const auto& [text, value] : *table) {
          if (value == *p) return text;
        }
        return std::string("?");
      };
      ref.set = [p, table](const std::string& text) {
        for (const auto& [t, value] : *table) {
          if (t == text) {
            *p = value;
            return true;
          }
        }
        return false;
      };
      return ref;
    });
  }

  // The section's cross-field rules, run by Check() after every field passed.
  OptionSchema& SetRules(Rules rules) {
    rules_ = std::move(rules);
    return *this;
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<OptionField<S>>& fields() const { return fields_; }
  const Rules& rules() const { return rules_; }

  // Every field against its constraint ("<section>.<key>: expected ..."), then the rules.
  Status CheckFields(const S& options) const {
    // bind() needs a mutable S only because one accessor serves reads and writes; the value
    // is only read here.
    S& s = const_cast<S&>(options);
    for (const OptionField<S>& f : fields_) {
      ES_RETURN_IF_ERROR(
          CheckRef(f.type, f.constraint, f.bind(s)).WithContext(name_ + "." + f.name));
    }
    return Status::Ok();
  }
  Status Check(const S& options) const {
    ES_RETURN_IF_ERROR(CheckFields(options));
    return rules_ ? rules_(options) : Status::Ok();
  }

 private:
  OptionSchema& Push(const char* name, FieldType type, Constraint constraint, const char* help,
                     std::function<FieldRef(S&)> bind) {
    fields_.push_back({name, type, std::move(constraint), help, std::move(bind)});
    return *this;
  }

  std::string name_, help_;
  std::vector<OptionField<S>> fields_;
  Rules rules_;
};

}  // namespace es
