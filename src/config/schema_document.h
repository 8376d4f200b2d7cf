// SchemaDocument<Root>: a YAML file made of named sections, each an OptionSchema bound to a member
// of Root (the planner's site file, edgesight-backend's backend.yaml).
//
// Contract
// - Read(root, path): every top-level key must name a section ("cloud: unknown section (did you
//   mean 'clouds'?)"); each section is parsed with ParseSchemaSection (schema_yaml.h), then every
//   section's rules run (Check). Errors are one line prefixed with `path` ("site.yaml:
//   link.rtt_ms: expected a number in [0, 10000], got -1"). An empty document keeps every
//   default. Load(path) / LoadString(text, path) parse the YAML first.
// - Describe(): one line per key, "section.key<TAB>type<TAB>constraint<TAB>default<TAB>help", for
//   --keys listings and the reference docs.
// Thread-safety: a SchemaDocument is immutable after construction; the schemas it refers to
//   must outlive it (they are function-local statics in practice).
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "config/did_you_mean.h"
#include "config/schema_yaml.h"

namespace es {

template <class Root>
class SchemaDocument {
 public:
  template <class S>
  SchemaDocument& Section(S Root::*member, const OptionSchema<S>& schema) {
    Entry e;
    e.name = schema.name();
    e.parse = [member, &schema](const YAML::Node& node, Root* root) {
      return ParseSchemaSection(schema, node, schema.name(), &(root->*member));
    };
    e.check = [member, &schema](const Root& root) { return schema.Check(root.*member); };
    e.describe = [&schema](std::ostream& out) {
      S defaults;
      for (const OptionField<S>& f : schema.fields()) {
        out << schema.name() << "." << f.name << "\t" << TypeName(f.type) << "\t"
            << DescribeConstraint(f.constraint) << "\t" << FormatRef(f.bind(defaults)) << "\t"
            << f.help << "\n";
      }
    };
    entries_.push_back(std::move(e));
    return *this;
  }

  Status Check(const Root& root) const {
    for (const Entry& e : entries_) ES_RETURN_IF_ERROR(e.check(root));
    return Status::Ok();
  }

  Result<Root> Read(const YAML::Node& node, const std::string& path) const {
    Root root;
    auto in_file = [&path](const Status& s) { return s.WithContext(path); };
    if (node.IsNull()) return root;
    auto keys = MappingKeys(node, "");
    if (!keys.ok()) return in_file(keys.status());
    std::vector<std::string> names;
    for (const Entry& e : entries_) names.push_back(e.name);
    for (const std::string& key : *keys) {
      const Entry* entry = nullptr;
      for (const Entry& e : entries_) {
        if (e.name == key) entry = &e;
      }
      if (entry == nullptr) {
        return in_file(InvalidArgument(key + ": " + UnknownNameMessage("section", key, names)));
      }
      Status st = entry->parse(node[key], &root);
      if (!st.ok()) return in_file(st);
    }
    Status st = Check(root);
    if (!st.ok()) return in_file(st);
    return root;
  }

  Result<Root> Load(const std::string& path) const {
    ES_ASSIGN_OR_RETURN(YAML::Node node, LoadYamlFile(path));
    return Read(node, path);
  }
  Result<Root> LoadString(const std::string& yaml, const std::string& path) const {
    ES_ASSIGN_OR_RETURN(YAML::Node node, ParseYamlDocument(yaml, path));
    return Read(node, path);
  }

  std::string Describe() const {
    std::ostringstream out;
    for (const Entry& e : entries_) e.describe(out);
    return out.str();
  }

 private:
  struct Entry {
    std::string name;
    std::function<Status(const YAML::Node&, Root*)> parse;
    std::function<Status(const Root&)> check;
    std::function<void(std::ostream&)> describe;
  };
  std::vector<Entry> entries_;
};

}  // namespace es
