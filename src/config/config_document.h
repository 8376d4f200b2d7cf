// The config loader's document-level steps, for loaders that assemble a document before the
// schema sees it (site_config.h: one document per camera). Internal to the config module.
//
// ParseConfigYaml: text -> one YAML node (null for an empty text); syntax errors as
//   "ORIGIN:LINE:COL: invalid YAML: ...", several documents rejected.
// ReadConfigText: a file's text; kNotFound / kInvalidArgument (a directory, or more than
//   kMaxConfigBytes: a site with hundreds of cameras and zones is a few tens of KiB) with the
//   path. yaml-cpp itself refuses absurd nesting ("bad file").
// ApplyDocument: layer 1 (schema) of config_loader.h on a parsed document; errors carry the key
//   path and no origin. FinishConfig: layers 2 and 3 (normalise, cross-field checks).
// Never throw except yaml-cpp's YAML::Exception from ApplyDocument on malformed nodes, which
// callers catch. Thread-safety: re-entrant.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/app_config.h"
#include "edgesight/status.h"

namespace es {

inline constexpr size_t kMaxConfigBytes = 1 << 20;

Result<YAML::Node> ParseConfigYaml(const std::string& yaml, const std::string& origin);
Result<std::string> ReadConfigText(const std::string& path);
Status ApplyDocument(const YAML::Node& root, AppConfig* config);
Status FinishConfig(AppConfig* config);

}  // namespace es
