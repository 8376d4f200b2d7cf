#include "config/schema_yaml.h"

#include "config/config_document.h"

namespace es {

Result<YAML::Node> LoadYamlFile(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  return ParseConfigYaml(text, path);
}

Result<YAML::Node> ParseYamlDocument(const std::string& text, const std::string& origin) {
  return ParseConfigYaml(text, origin);
}

Result<std::vector<std::string>> MappingKeys(const YAML::Node& node, const std::string& path) {
  const std::string where = path.empty() ? "" : path + ": ";
  try {
    if (!node.IsMap())
      return InvalidArgument(where + "expected a mapping, got " + DescribeYaml(node));
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        return InvalidArgument(where + "expected a key name, got " + DescribeYaml(kv.first));
      }
      const std::string& key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        return InvalidArgument((path.empty() ? "" : path + ".") + key + ": duplicate key");
      }
      keys.push_back(key);
    }
    return keys;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(where + "cannot read value: " + OneLine(e.msg));
  }
}

}  // namespace es
