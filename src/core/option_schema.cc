#include "core/option_schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace es {

std::string QuoteString(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

Constraint AnyValue() { return {}; }
Constraint Closed(double lo, double hi) { return {lo, hi, false, false, {}}; }
Constraint OpenClosed(double lo, double hi) { return {lo, hi, true, false, {}}; }
Constraint AtLeast(double lo) {
  return {lo, std::numeric_limits<double>::infinity(), false, true, {}};
}
Constraint OneOf(std::vector<std::string> choices) {
  Constraint c;
  c.choices = std::move(choices);
  return c;
}

std::string TypeName(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt:
      return "int";
    case FieldType::kInt64:
      return "int64";
    case FieldType::kFloat:
      return "float";
    case FieldType::kDouble:
      return "float";  // one number type for users; precision is internal
    case FieldType::kString:
      return "string";
    case FieldType::kStringList:
      return "list of strings";
  }
  return "?";
}

template <class T>
std::string ShortestText(T v) {
  // Shortest round-trip digits; plain notation for everyday magnitudes (600000, not 6e+05).
  const bool plain = v == 0 || (std::fabs(v) >= 1e-6 && std::fabs(v) < 1e15);
  char buf[128];
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

std::string FormatNumber(double v) { return ShortestText(v); }
std::string FormatNumber(float v) { return ShortestText(v); }

std::string DescribeConstraint(const Constraint& c) {
  if (!c.choices.empty()) {
    std::string out = "one of [";
    for (size_t i = 0; i < c.choices.size(); ++i) {
      if (i) out += ", ";
      out += c.choices[i].empty() ? "\"\"" : c.choices[i];
    }
    return out + "]";
  }
  const bool has_lo = std::isfinite(c.lo);
  const bool has_hi = std::isfinite(c.hi);
  if (has_lo && has_hi) {
    return std::string(c.lo_open ? "(" : "[") + FormatNumber(c.lo) + ", " + FormatNumber(c.hi) +
           (c.hi_open ? ")" : "]");
  }
  if (has_lo) return std::string(c.lo_open ? "> " : ">= ") + FormatNumber(c.lo);
  if (has_hi) return std::string(c.hi_open ? "< " : "<= ") + FormatNumber(c.hi);
  return "";
}

std::string ExpectedType(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "a boolean (true or false)";
    case FieldType::kInt:
    case FieldType::kInt64:
      return "an integer";
    case FieldType::kFloat:
    case FieldType::kDouble:
      return "a number";
    case FieldType::kString:
      return "a string";
    case FieldType::kStringList:
      return "a list of strings";
  }
  return "?";
}

std::string ExpectedValue(FieldType type, const Constraint& constraint) {
  const std::string c = DescribeConstraint(constraint);
  if (c.empty()) return ExpectedType(type);
  if (!constraint.choices.empty()) return c;
  if (c[0] == '[' || c[0] == '(') return ExpectedType(type) + " in " + c;
  return ExpectedType(type) + " " + c;
}

bool InRange(double v, const Constraint& c) {
  return std::isfinite(v) && (c.lo_open ? v > c.lo : v >= c.lo) &&
         (c.hi_open ? v < c.hi : v <= c.hi);
}

std::string FormatRef(const FieldRef& ref) {
  struct Visitor {
    std::string operator()(bool* v) const { return *v ? "true" : "false"; }
    std::string operator()(int* v) const { return std::to_string(*v); }
    std::string operator()(int64_t* v) const { return std::to_string(*v); }
    std::string operator()(float* v) const { return FormatNumber(*v); }
    std::string operator()(double* v) const { return FormatNumber(*v); }
    std::string operator()(std::string* v) const { return QuoteString(*v); }
    std::string operator()(const EnumRef& e) const { return QuoteString(e.get()); }
    std::string operator()(std::vector<std::string>* v) const {
      std::string out = "[";
      for (size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + QuoteString((*v)[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, ref);
}

Status CheckRef(FieldType type, const Constraint& c, const FieldRef& ref) {
  bool ok = true;
  if (const auto* s = std::get_if<std::string*>(&ref)) {
    if (!c.choices.empty()) {
      ok = false;
      for (const std::string& choice : c.choices) ok = ok || **s == choice;
    }
  } else if (const auto* e = std::get_if<EnumRef>(&ref)) {
    const std::string name = e->get();
    ok = std::find(c.choices.begin(), c.choices.end(), name) != c.choices.end();
  } else if (std::get_if<bool*>(&ref) == nullptr &&
             std::get_if<std::vector<std::string>*>(&ref) == nullptr) {
    double v = 0;
    if (const auto* i = std::get_if<int*>(&ref)) v = **i;
    if (const auto* l = std::get_if<int64_t*>(&ref)) v = static_cast<double>(**l);
    if (const auto* f = std::get_if<float*>(&ref)) v = **f;
    if (const auto* d = std::get_if<double*>(&ref)) v = **d;
    ok = InRange(v, c);
  }
  if (ok) return Status::Ok();
  return InvalidArgument("expected " + ExpectedValue(type, c) + ", got " + FormatRef(ref));
}

}  // namespace es
