#include "config/field_parser.h"

#include <cctype>
#include <cfloat>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <optional>

namespace es {
namespace {

constexpr size_t kMaxShownChars = 60;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// from_chars rejects a leading '+', YAML allows it.
std::string_view StripPlus(std::string_view s) {
  return (s.size() > 1 && s[0] == '+' && s[1] != '-') ? s.substr(1) : s;
}

std::optional<double> ParseNumber(const std::string& text) {
  std::string_view s = StripPlus(text);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Outcome of reading an integer: not an integer at all, outside [lo, hi], or a value.
struct IntParse {
  bool is_integer = false;
  bool overflow = false;
  int64_t value = 0;
};

IntParse ParseInt(const std::string& text, int64_t lo, int64_t hi) {
  std::string_view s = StripPlus(text);
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size() || s.empty()) return {};
  if (ec == std::errc::result_out_of_range || v < lo || v > hi) return {true, true, 0};
  if (ec != std::errc()) return {};
  return {true, false, static_cast<int64_t>(v)};
}

std::optional<bool> ParseBool(const std::string& text) {
  const std::string s = Lower(text);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

Status TypeError(const std::string& path, FieldType type, const YAML::Node& value,
                 const std::string& note = "") {
  return InvalidArgument(path + ": expected " + ExpectedType(type) + ", got " +
                         DescribeYaml(value) + note);
}

// Stores one scalar (or null) into the field; type errors only, constraints are checked later.
Status StoreScalar(FieldType type, const Constraint& constraint, const YAML::Node& value,
                   const std::string& path, FieldRef ref) {
  const bool is_null = value.IsNull();
  const std::string text = is_null ? "" : value.Scalar();
  if (auto* s = std::get_if<std::string*>(&ref)) {
    **s = text;
    for (const std::string& choice : constraint.choices) {
      if (Lower(text) == Lower(choice)) **s = choice;  // canonical spelling
    }
    return Status::Ok();
  }
  if (auto* e = std::get_if<EnumRef>(&ref)) {
    for (const std::string& choice : constraint.choices) {
      if (!is_null && Lower(text) == Lower(choice) && e->set(choice)) return Status::Ok();
    }
    return InvalidArgument(path + ": expected " + ExpectedValue(type, constraint) + ", got " +
                           DescribeYaml(value));
  }
  if (is_null) return TypeError(path, type, value);
  if (auto* b = std::get_if<bool*>(&ref)) {
    std::optional<bool> v = ParseBool(text);
    if (!v) return TypeError(path, type, value);
    **b = *v;
    return Status::Ok();
  }
  auto* i = std::get_if<int*>(&ref);
  auto* l = std::get_if<int64_t*>(&ref);
  if (i != nullptr || l != nullptr) {
    const IntParse v =
        i != nullptr ? ParseInt(text, INT_MIN, INT_MAX) : ParseInt(text, INT64_MIN, INT64_MAX);
    if (!v.is_integer) return TypeError(path, type, value);
    if (v.overflow) {
      return InvalidArgument(path + ": expected " + ExpectedValue(type, constraint) + ", got " +
                             DescribeYaml(value) + " (too large)");
    }
    if (i != nullptr) **i = static_cast<int>(v.value);
    if (l != nullptr) **l = v.value;
    return Status::Ok();
  }
  std::optional<double> v = ParseNumber(text);
  if (!v) return TypeError(path, type, value);
  if (auto* f = std::get_if<float*>(&ref)) {
    if (std::fabs(*v) > FLT_MAX) {
      return InvalidArgument(path + ": expected " + ExpectedValue(type, constraint) + ", got " +
                             DescribeYaml(value) + " (too large)");
    }
    **f = static_cast<float>(*v);
  } else if (auto* d = std::get_if<double*>(&ref)) {
    **d = *v;
  }
  return Status::Ok();
}

Status StoreList(const YAML::Node& value, const std::string& path, std::vector<std::string>* out) {
  out->clear();
  if (value.IsNull()) return Status::Ok();
  if (!value.IsSequence()) return TypeError(path, FieldType::kStringList, value);
  for (size_t i = 0; i < value.size(); ++i) {
    const YAML::Node item = value[i];
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (!item.IsScalar()) return TypeError(item_path, FieldType::kString, item);
    if (item.Scalar().empty()) {
      return InvalidArgument(item_path + ": expected a non-empty string, got \"\"");
    }
    out->push_back(item.Scalar());
  }
  return Status::Ok();
}

}  // namespace

std::optional<bool> ParseYamlBool(const std::string& text) { return ParseBool(text); }

std::optional<double> ParseYamlNumber(const std::string& text) { return ParseNumber(text); }

std::string DescribeYaml(const YAML::Node& value) {
  if (!value.IsDefined() || value.IsNull()) return "an empty value";
  if (value.IsSequence()) return "a list";
  if (value.IsMap()) return "a mapping";
  const std::string& text = value.Scalar();
  if (ParseNumber(text) && text.size() <= kMaxShownChars) return text;
  if (text.size() <= kMaxShownChars) return QuoteString(text);
  return QuoteString(text.substr(0, kMaxShownChars)) + "...";
}

Status ParseValue(FieldType type, const Constraint& constraint, const YAML::Node& value,
                  const std::string& path, FieldRef ref) {
  try {
    if (auto* list = std::get_if<std::vector<std::string>*>(&ref)) {
      ES_RETURN_IF_ERROR(StoreList(value, path, *list));
    } else {
      if (value.IsSequence() || value.IsMap()) return TypeError(path, type, value);
      ES_RETURN_IF_ERROR(StoreScalar(type, constraint, value, path, ref));
    }
    return CheckRef(type, constraint, ref).WithContext(path);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": cannot read value: " + OneLine(e.msg));
  }
}

Status ParseField(const FieldSpec& field, const YAML::Node& value, const std::string& path,
                  AppConfig* config) {
  return ParseValue(field.type, field.constraint, value, path, field.bind(*config));
}

}  // namespace es
