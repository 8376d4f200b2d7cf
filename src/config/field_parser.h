// Field parser: one YAML value -> one typed AppConfig field, checked against the schema.
//
// Contract: ParseField converts `value` to the field's type with strict rules and stores it in
// `config`, then checks the field's constraint (config_schema.h):
//   bool    true/false/yes/no/on/off (any case)
//   int     decimal integer, optional sign ("5.0" and "two" are not integers); beyond int's
//           range is an error "... (too large)"
//   int64   the same, 64-bit ("1073741824"; "1e9" and "1GiB" are not integers)
//   number  finite decimal or exponent notation ("1e-3"); an integer is a number
//   string  any scalar; an empty value (`key:`) is ""; choices match case-insensitively and are
//           stored in the schema's spelling
//   list    a YAML sequence of non-empty scalars; an empty value is []
// Quoted scalars are read by their text ("0.5" is a number for a number field).
// Failure: kInvalidArgument whose message starts with `path` (e.g. "detector.classes[2]: expected
// a string, got a mapping") and is one line; the field may then hold a rejected value, so callers
// parse into a scratch copy. yaml-cpp exceptions never escape. Thread-safe (no shared state).
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "config/app_config.h"
#include "config/config_schema.h"
#include "edgesight/status.h"

namespace es {

Status ParseField(const FieldSpec& field, const YAML::Node& value, const std::string& path,
                  AppConfig* config);

// The same rules for a field of any struct (an OptionSchema<S> field): stores into `ref`, then
// checks `constraint`.
Status ParseValue(FieldType type, const Constraint& constraint, const YAML::Node& value,
                  const std::string& path, FieldRef ref);

// A YAML scalar's text as a finite number (decimal or exponent, optional '+'); nullopt otherwise.
std::optional<double> ParseYamlNumber(const std::string& text);

// A YAML scalar's text as a bool (true/false/yes/no/on/off, any case); nullopt otherwise.
std::optional<bool> ParseYamlBool(const std::string& text);

// How a YAML value reads in an error message: 1.5, "two", a list, a mapping, an empty value.
// Text is escaped and shortened so that messages stay on one line.
std::string DescribeYaml(const YAML::Node& value);

}  // namespace es
