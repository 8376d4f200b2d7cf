#include "config/live_patch.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "config/config_checks.h"
#include "config/config_document.h"
#include "config/config_loader.h"

namespace es {

namespace {

const std::set<std::string> kLivePipelineKeys = {"detect_interval", "detect_period_s",
                                                 "max_period_s", "priority"};

// A JSON value as the YAML node the config file would hold (scalars as their text).
YAML::Node ToYamlNode(const nlohmann::json& j) {
  if (j.is_object()) {
    YAML::Node n(YAML::NodeType::Map);
    for (const auto& [k, v] : j.items()) n[k] = ToYamlNode(v);
    return n;
  }
  if (j.is_array()) {
    YAML::Node n(YAML::NodeType::Sequence);
    for (const auto& v : j) n.push_back(ToYamlNode(v));
    return n;
  }
  if (j.is_null()) return YAML::Node(YAML::NodeType::Null);
  if (j.is_string()) return YAML::Node(j.get<std::string>());
  return YAML::Node(j.dump());  // numbers and booleans
}

// A YAML scalar as JSON: numbers, booleans and null by their text, anything else a string.
nlohmann::json ToJsonValue(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.as<std::string>()] = ToJsonValue(kv.second);
    return j;
  }
  const std::string text = n.as<std::string>();
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded() && !parsed.is_object() && !parsed.is_array()) return parsed;
  return text;
}

}  // namespace

nlohmann::json LiveSettingsJson(const AppConfig& config) {
  const YAML::Node doc = YAML::Load(ToYaml(config));
  nlohmann::json out = {{"gate", ToJsonValue(doc["gate"])}, {"pipeline", nlohmann::json::object()}};
  for (const std::string& key : kLivePipelineKeys) {
    out["pipeline"][key] = ToJsonValue(doc["pipeline"][key]);
  }
  return out;
}

namespace {

// Live settings are two levels deep; anything much deeper is not a settings patch (and a
// body nested thousands deep must not recurse through the conversion below).
int Depth(const nlohmann::json& j, int limit) {
  if (limit <= 0 || !j.is_structured()) return 0;
  int deepest = 0;
  for (const auto& v : j) deepest = std::max(deepest, Depth(v, limit - 1));
  return deepest + 1;
}

}  // namespace

Result<AppConfig> ApplyLivePatch(const AppConfig& current, const nlohmann::json& patch) {
  if (!patch.is_object()) return InvalidArgument("settings: expected a JSON object");
  constexpr int kMaxDepth = 8;
  if (Depth(patch, kMaxDepth + 1) > kMaxDepth) {
    return InvalidArgument("settings: nested deeper than " + std::to_string(kMaxDepth) +
                           " levels (live settings are section.key)");
  }
  AppConfig next = current;
  try {
    ES_RETURN_IF_ERROR(ApplyDocument(ToYamlNode(patch), &next));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("settings: ") + e.what());
  }
  // Known keys only from here on (the schema said so): which of them may change live?
  for (const auto& [section, body] : patch.items()) {
    if (section == "gate") continue;
    if (section != "pipeline") {
      return InvalidArgument(section + ": not a live setting; change the config file and restart");
    }
    for (const auto& [key, value] : body.items()) {
      if (kLivePipelineKeys.count(key) == 0) {
        return InvalidArgument("pipeline." + key +
                               ": not a live setting; change the config file and restart");
      }
    }
  }
  ES_RETURN_IF_ERROR(FinishConfig(&next));
  return next;
}

}  // namespace es
