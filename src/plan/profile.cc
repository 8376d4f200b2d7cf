#include "plan/profile.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/option_schema.h"
#include "core/text_file.h"

namespace es {
namespace {

using Json = nlohmann::json;

std::string Describe(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return s;
}

// The number at obj[key] checked against lo (exclusive when `open`) and hi.
Status ReadNumber(const Json& obj, const char* key, const std::string& path, double lo, bool open,
                  double hi, double* out) {
  const std::string where = path + "." + key;
  auto it = obj.find(key);
  if (it == obj.end()) return InvalidArgument(where + ": missing");
  const std::string want = std::string("a number ") + (open ? "> " : ">= ") + FormatNumber(lo) +
                           (std::isinf(hi) ? "" : " and <= " + FormatNumber(hi));
  if (!it->is_number())
    return InvalidArgument(where + ": expected " + want + ", got " + Describe(*it));
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || (open && v == lo) || v > hi) {
    return InvalidArgument(where + ": expected " + want + ", got " + Describe(*it));
  }
  *out = v;
  return Status::Ok();
}

std::string OptionalString(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

int OptionalInt(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<int>() : 0;
}

Status ReadPoint(const Json& j, const std::string& path, OperatingPoint* p) {
  if (!j.is_object()) return InvalidArgument(path + ": expected an object, got " + Describe(j));
  p->name = OptionalString(j, "name");
  if (p->name.empty()) return InvalidArgument(path + ".name: expected a non-empty string");
  p->model = OptionalString(j, "model");
  p->precision = OptionalString(j, "precision");
  p->input_size = OptionalInt(j, "input_size");
  p->threads = OptionalInt(j, "threads");
  auto lat = j.find("latency_ms");
  if (lat == j.end() || !lat->is_object()) {
    return InvalidArgument(path + ".latency_ms: expected an object with p50 and p99");
  }
  const double inf = INFINITY;
  ES_RETURN_IF_ERROR(ReadNumber(*lat, "p50", path + ".latency_ms", 0, true, inf, &p->p50_ms));
  ES_RETURN_IF_ERROR(ReadNumber(*lat, "p99", path + ".latency_ms", 0, true, inf, &p->p99_ms));
  if (p->p99_ms < p->p50_ms) {
    return InvalidArgument(path + ".latency_ms: expected p50 <= p99, got " +
                           FormatNumber(p->p50_ms) + " > " + FormatNumber(p->p99_ms));
  }
  ES_RETURN_IF_ERROR(ReadNumber(j, "throughput_fps", path, 0, true, inf, &p->throughput_fps));
  ES_RETURN_IF_ERROR(ReadNumber(j, "energy_j_per_inference", path, 0, false, inf, &p->energy_j));
  ES_RETURN_IF_ERROR(ReadNumber(j, "agreement_f1", path, 0, false, 1, &p->agreement_f1));
  return Status::Ok();
}

}  // namespace

Result<Profile> ParseProfile(const std::string& json_text, const std::string& origin) {
  auto in_file = [&origin](const Status& s) { return s.WithContext(origin); };
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return in_file(InvalidArgument("not valid JSON"));
  if (!root.is_object()) return in_file(InvalidArgument("expected a JSON object"));
  const std::string schema = OptionalString(root, "schema");
  if (schema != "edgesight.profile/1") {
    return in_file(InvalidArgument("schema: expected \"edgesight.profile/1\", got " +
                                   (root.contains("schema") ? Describe(root["schema"]) : "none")));
  }
  Profile p;
  p.origin = origin;
  p.reference = OptionalString(root, "reference");
  p.energy_method = OptionalString(root, "energy_method");
  if (auto m = root.find("machine"); m != root.end() && m->is_object()) {
    p.machine = OptionalString(*m, "cpu");
    if (int cores = OptionalInt(*m, "cores"); cores > 0) {
      p.machine += (p.machine.empty() ? "" : ", ") + std::to_string(cores) + " cores";
    }
  }
  auto ops = root.find("operating_points");
  if (ops == root.end() || !ops->is_array() || ops->empty()) {
    return in_file(InvalidArgument("operating_points: expected a non-empty list"));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < ops->size(); ++i) {
    const std::string path = "operating_points[" + std::to_string(i) + "]";
    OperatingPoint op;
    Status st = ReadPoint((*ops)[i], path, &op);
    if (!st.ok()) return in_file(st);
    if (!names.insert(op.name).second) {
      return in_file(InvalidArgument(path + ".name: duplicate \"" + op.name + "\""));
    }
    p.points.push_back(op);
  }
  return p;
}

Result<Profile> LoadProfile(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseProfile(text, path);
}

}  // namespace es
