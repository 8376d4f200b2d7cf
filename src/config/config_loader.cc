#include "config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_checks.h"
#include "config/config_document.h"
#include "config/config_schema.h"
#include "config/did_you_mean.h"
#include "config/field_parser.h"
#include "config/yaml_guard.h"

namespace es {
namespace {

// Override errors read like the flag that caused them: "--set tracker.track_thresh: ...".
Status AsOverrideError(const Status& s) {
  return s.ok() ? s : Status(s.code(), "--set " + s.message());
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string UnknownName(const std::string& what, const std::string& name,
                        const std::vector<std::string>& known) {
  return UnknownNameMessage(what, name, known);
}

// A mapping key as text, or an error if the key is not a plain scalar.
Status KeyName(const YAML::Node& key, const std::string& parent, std::string* name) {
  if (!key.IsScalar()) {
    return InvalidArgument((parent.empty() ? "" : parent + ": ") + "expected a key name, got " +
                           DescribeYaml(key));
  }
  *name = key.Scalar();
  return Status::Ok();
}

// Displayed form of a user-written key: escaped only when it would break the line.
std::string ShowKey(const std::string& name) {
  const std::string quoted = QuoteString(name);
  return quoted.size() == name.size() + 2 && name.find('"') == std::string::npos ? name : quoted;
}

Status ParseList(const ListSpec& list, const YAML::Node& value, const std::string& path,
                 AppConfig* config) {
  try {
    return list.parse(value, path, config);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": cannot read value: " + OneLine(e.msg));
  }
}

Status ApplySection(const SectionSpec& section, const YAML::Node& body, AppConfig* config) {
  if (body.IsNull()) return Status::Ok();  // `gate:` with everything commented out
  if (!body.IsMap()) {
    return InvalidArgument(section.name + ": expected a mapping, got " + DescribeYaml(body));
  }
  std::set<std::string> seen;
  for (const auto& kv : body) {
    std::string key;
    ES_RETURN_IF_ERROR(KeyName(kv.first, section.name, &key));
    const std::string path = section.name + "." + ShowKey(key);
    if (!seen.insert(key).second) return InvalidArgument(path + ": duplicate key");
    if (const ListSpec* list = section.FindList(key)) {
      ES_RETURN_IF_ERROR(ParseList(*list, kv.second, path, config));
      continue;
    }
    const FieldSpec* field = section.Find(key);
    if (field == nullptr) {
      return InvalidArgument(path + ": " + UnknownName("key", key, section.FieldNames()));
    }
    ES_RETURN_IF_ERROR(ParseField(*field, kv.second, path, config));
  }
  return Status::Ok();
}

}  // namespace

// Layer 1: every section and key through the schema.
Status ApplyDocument(const YAML::Node& root, AppConfig* config) {
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) {
    return InvalidArgument("expected a mapping of sections (" + JoinNames(SectionNames()) +
                           ") at the top level, got " + DescribeYaml(root));
  }
  std::set<std::string> seen;
  for (const auto& kv : root) {
    std::string name;
    ES_RETURN_IF_ERROR(KeyName(kv.first, "", &name));
    if (!seen.insert(name).second) return InvalidArgument(ShowKey(name) + ": duplicate section");
    const SectionSpec* section = FindSection(name);
    if (section == nullptr) {
      return InvalidArgument(ShowKey(name) + ": " + UnknownName("section", name, SectionNames()));
    }
    ES_RETURN_IF_ERROR(ApplySection(*section, kv.second, config));
  }
  return Status::Ok();
}

// Layers 2 and 3.
Status FinishConfig(AppConfig* config) {
  NormaliseConfig(config);
  return ValidateConfig(*config);
}

Result<YAML::Node> ParseConfigYaml(const std::string& yaml, const std::string& origin) {
  ES_RETURN_IF_ERROR(CheckYamlText(yaml, origin));  // yaml-cpp 0.7 would exhaust memory
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(yaml);
  } catch (const YAML::ParserException& e) {
    std::string where = origin;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return InvalidArgument(where + ": invalid YAML: " + OneLine(e.msg));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(origin + ": cannot read YAML: " + OneLine(e.msg));
  }
  if (docs.size() > 1) {
    return InvalidArgument(origin + ": expected one YAML document, got " +
                           std::to_string(docs.size()));
  }
  return docs.empty() ? YAML::Node(YAML::NodeType::Null) : docs[0];
}

Result<std::string> ReadConfigText(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument("cannot open config '" + path + "': is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open config '" + path + "': " + std::strerror(errno));
  // Read at most one byte past the limit: a huge file (or /dev/zero) is refused, not parsed.
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return NotFound("cannot read config '" + path + "': " + std::strerror(errno));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return InvalidArgument("config '" + path + "' is larger than " +
                           std::to_string(kMaxConfigBytes / 1024) + " KiB; not a config file?");
  }
  return text;
}

namespace {

// Sets one "section.key" on *config without the cross-field checks.
Status SetKey(AppConfig* config, const std::string& dotted_key, const std::string& value) {
  const size_t dot = dotted_key.find('.');
  if (dot == std::string::npos) {
    return InvalidArgument(ShowKey(dotted_key) + ": expected section.key (e.g. tracker." +
                           "track_thresh)");
  }
  const std::string section_name = dotted_key.substr(0, dot);
  const std::string key = dotted_key.substr(dot + 1);
  const SectionSpec* section = FindSection(section_name);
  if (section == nullptr) {
    return InvalidArgument(ShowKey(section_name) + ": " +
                           UnknownName("section", section_name, SectionNames()));
  }
  const std::string path = section->name + "." + ShowKey(key);
  if (const ListSpec* list = section->FindList(key)) {
    // The whole list as YAML, e.g. [{name: door, polygon: [[0, 0], [9, 0], [9, 9]]}].
    YAML::Node node(YAML::NodeType::Null);
    if (!value.empty()) {
      try {
        ES_RETURN_IF_ERROR(CheckYamlText(value, path));
        node = YAML::Load(value);
      } catch (const YAML::Exception& e) {
        return InvalidArgument(path + ": invalid YAML value " + QuoteString(value) + ": " + OneLine(e.msg));
      }
    }
    return ParseList(*list, node, path, config);
  }
  const FieldSpec* field = section->Find(key);
  if (field == nullptr) {
    return InvalidArgument(path + ": " + UnknownName("key", key, section->FieldNames()));
  }
  YAML::Node node;
  if (field->type == FieldType::kStringList && value.empty()) {
    node = YAML::Node(YAML::NodeType::Null);  // empty list
  } else if (field->type == FieldType::kString || value.empty()) {
    node = YAML::Node(value);  // verbatim text
  } else {
    try {
      ES_RETURN_IF_ERROR(CheckYamlText(value, path));
      node = YAML::Load(value);
    } catch (const YAML::Exception& e) {
      return InvalidArgument(path + ": invalid YAML value " + QuoteString(value) + ": " + OneLine(e.msg));
    }
  }
  return ParseField(*field, node, path, config);
}

Status SplitAssignment(const std::string& assignment, std::string* key, std::string* value) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos) {
    return InvalidArgument(QuoteString(assignment) + ": expected section.key=value");
  }
  *key = assignment.substr(0, eq);
  *value = assignment.substr(eq + 1);
  return Status::Ok();
}

void EmitValue(YAML::Emitter& out, FieldRef ref) {
  if (auto* b = std::get_if<bool*>(&ref)) out << (**b ? "true" : "false");
  if (auto* i = std::get_if<int*>(&ref)) out << std::to_string(**i);
  if (auto* l = std::get_if<int64_t*>(&ref)) out << std::to_string(**l);
  if (auto* f = std::get_if<float*>(&ref)) out << FormatNumber(**f);
  if (auto* d = std::get_if<double*>(&ref)) out << FormatNumber(**d);
  if (auto* s = std::get_if<std::string*>(&ref)) out << YAML::DoubleQuoted << **s;
  if (auto* e = std::get_if<EnumRef>(&ref)) out << YAML::DoubleQuoted << e->get();
  if (auto* l = std::get_if<std::vector<std::string>*>(&ref)) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const std::string& s : **l) out << YAML::DoubleQuoted << s;
    out << YAML::EndSeq;
  }
}

}  // namespace

Result<AppConfig> LoadConfigString(const std::string& yaml, const std::string& origin) {
  ES_ASSIGN_OR_RETURN(YAML::Node root, ParseConfigYaml(yaml, origin));
  try {
    AppConfig config;
    ES_RETURN_IF_ERROR(ApplyDocument(root, &config).WithContext(origin));
    ES_RETURN_IF_ERROR(FinishConfig(&config).WithContext(origin));
    return config;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(origin + ": cannot read YAML: " + OneLine(e.msg));
  }
}

Result<AppConfig> LoadConfigFile(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  return LoadConfigString(text, path);
}

Status ApplyOverride(AppConfig* config, const std::string& dotted_key, const std::string& value) {
  AppConfig scratch = *config;
  ES_RETURN_IF_ERROR(AsOverrideError(SetKey(&scratch, dotted_key, value)));
  ES_RETURN_IF_ERROR(AsOverrideError(FinishConfig(&scratch)));
  *config = std::move(scratch);
  return Status::Ok();
}

Status ApplyOverrides(AppConfig* config, const std::vector<std::string>& assignments) {
  AppConfig scratch = *config;
  for (const std::string& assignment : assignments) {
    std::string key, value;
    ES_RETURN_IF_ERROR(AsOverrideError(SplitAssignment(assignment, &key, &value)));
    ES_RETURN_IF_ERROR(AsOverrideError(SetKey(&scratch, key, value)));
  }
  ES_RETURN_IF_ERROR(AsOverrideError(FinishConfig(&scratch)));
  *config = std::move(scratch);
  return Status::Ok();
}

std::string ToYaml(const AppConfig& config) {
  AppConfig copy = config;  // bind() hands out mutable references
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const SectionSpec& section : ConfigSchema()) {
    out << YAML::Key << section.name << YAML::Value << YAML::BeginMap;
    for (const FieldSpec& field : section.fields) {
      out << YAML::Key << field.name << YAML::Value;
      EmitValue(out, field.bind(copy));
    }
    for (const ListSpec& list : section.lists) {
      out << YAML::Key << list.name << YAML::Value;
      list.emit(out, config);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace es
