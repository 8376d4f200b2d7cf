// Reading any OptionSchema<S> section from YAML, for files that are not the runtime config
// (the planner's site file, plan/site_spec.h).
//
// Contract
// - LoadYamlFile: a file's text (ReadConfigText's limits) parsed as one YAML document (null for an
//   empty file); syntax errors as "PATH:LINE:COL: invalid YAML: ...". ParseYamlDocument: the
//   same for text in memory.
// - ParseSchemaSection: `node` must be a mapping (null = keep every default); each key must be a
//   field of `schema`, parsed with field_parser.h's rules (ParseValue) into *out. Errors are one
//   line and start with the key path: "link.rtt_ms: expected a number in [0, 10000], got -1",
//   "link.rtt: unknown key (did you mean 'rtt_ms'?)", "link.rtt_ms: duplicate key". The schema's
//   rules are not run here (call schema.Check once the whole struct is read).
// - MappingKeys: the keys of a mapping node, or an error naming `path` when it is not one.
// Never throws (yaml-cpp exceptions become kInvalidArgument). Thread-safety: re-entrant.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "config/did_you_mean.h"
#include "config/field_parser.h"
#include "core/option_schema.h"
#include "edgesight/status.h"

namespace es {

Result<YAML::Node> LoadYamlFile(const std::string& path);
// The same for text already in memory; `origin` names it in errors.
Result<YAML::Node> ParseYamlDocument(const std::string& text, const std::string& origin);

// The mapping's keys in document order; an error for a non-mapping, a non-scalar or a repeated key.
Result<std::vector<std::string>> MappingKeys(const YAML::Node& node, const std::string& path);

template <class S>
Status ParseSchemaSection(const OptionSchema<S>& schema, const YAML::Node& node,
                          const std::string& path, S* out) {
  try {
    if (node.IsNull()) return Status::Ok();
    ES_ASSIGN_OR_RETURN(std::vector<std::string> keys, MappingKeys(node, path));
    std::vector<std::string> known;
    for (const OptionField<S>& f : schema.fields()) known.push_back(f.name);
    for (const std::string& key : keys) {
      const std::string key_path = path + "." + key;
      const OptionField<S>* field = nullptr;
      for (const OptionField<S>& f : schema.fields()) {
        if (f.name == key) field = &f;
      }
      if (field == nullptr) {
        return InvalidArgument(key_path + ": " + UnknownNameMessage("key", key, known));
      }
      ES_RETURN_IF_ERROR(
          ParseValue(field->type, field->constraint, node[key], key_path, field->bind(*out)));
    }
    return Status::Ok();
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": cannot read value: " + OneLine(e.msg));
  }
}

}  // namespace es
