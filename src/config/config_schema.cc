#include "config/config_schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <type_traits>
#include <utility>

#include "alarm/alarm_schema.h"
#include "analytics/analytics_schema.h"
#include "config/record_lists.h"
#include "detect/deep_schema.h"
#include "detect/detector_schema.h"
#include "detect/fallback_schema.h"
#include "govern/governor_schema.h"
#include "http/http_schema.h"
#include "models/model_update_schema.h"
#include "pipeline/pipeline_schema.h"
#include "ptz/ptz_schema.h"
#include "record/recording_schema.h"
#include "source/source_schema.h"
#include "track/byte_track_schema.h"
#include "uplink/escalate_schema.h"
#include "uplink/uplink_schema.h"

namespace es {
namespace {

// A module's schema bound into AppConfig through the section's pointer-to-member.
template <class S>
SectionSpec Mount(S AppConfig::*section, const OptionSchema<S>& schema) {
  SectionSpec spec;
  spec.name = schema.name();
  spec.help = schema.help();
  for (const OptionField<S>& f : schema.fields()) {
    FieldSpec field;
    field.name = f.name;
    field.type = f.type;
    field.constraint = f.constraint;
    field.help = f.help;
    field.bind = [section, bind = f.bind](AppConfig& c) { return bind(c.*section); };
    spec.fields.push_back(std::move(field));
  }
  if (schema.rules()) {
    spec.rules = [section, rules = schema.rules()](const AppConfig& c) {
      return rules(c.*section);
    };
  }
  return spec;
}

std::vector<SectionSpec> BuildSchema() {
  std::vector<SectionSpec> s;
  s.push_back(Mount(&AppConfig::source, SourceSchema()));
  s.push_back(Mount(&AppConfig::detector, DetectorSchema()));
  s.push_back(Mount(&AppConfig::gate, GateSchema()));
  s.push_back(Mount(&AppConfig::tracker, TrackerSchema()));
  s.push_back(Mount(&AppConfig::pipeline, PipelineSchema()));
  s.push_back(Mount(&AppConfig::output, OutputSchema()));
  s.push_back(Mount(&AppConfig::analytics, AnalyticsSchema()));
  s.back().lists.push_back(ZoneListSpec());
  s.back().lists.push_back(LineListSpec());
  s.push_back(Mount(&AppConfig::alarm, AlarmSchema()));
  s.back().lists.push_back(AlarmRuleListSpec());
  s.push_back(Mount(&AppConfig::recording, RecordingSchema()));
  s.push_back(Mount(&AppConfig::uplink, UplinkSchema()));
  s.push_back(Mount(&AppConfig::ptz, PtzSchema()));
  s.back().lists.push_back(PtzClassPriorityListSpec());
  s.back().lists.push_back(PtzZoneListSpec());
  s.push_back(Mount(&AppConfig::http, HttpSchema()));
  s.push_back(Mount(&AppConfig::governor, GovernorSchema()));
  s.push_back(Mount(&AppConfig::escalate, EscalateSchema()));
  s.back().lists.push_back(EscalateScoreBandListSpec());
  s.back().lists.push_back(EscalateClassesListSpec());
  s.push_back(Mount(&AppConfig::fallback, FallbackSchema()));
  s.push_back(Mount(&AppConfig::deep, DeepSchema()));
  s.push_back(Mount(&AppConfig::models, ModelUpdateSchema()));
  return s;
}

}  // namespace

const FieldSpec* SectionSpec::Find(const std::string& key) const {
  for (const FieldSpec& f : fields) {
    if (f.name == key) return &f;
  }
  return nullptr;
}

const ListSpec* SectionSpec::FindList(const std::string& key) const {
  for (const ListSpec& l : lists) {
    if (l.name == key) return &l;
  }
  return nullptr;
}

std::vector<std::string> SectionSpec::FieldNames() const {
  std::vector<std::string> names;
  for (const FieldSpec& f : fields) names.push_back(f.name);
  for (const ListSpec& l : lists) names.push_back(l.name);
  return names;
}

std::vector<std::string> ListSpec::KeyNames() const {
  std::vector<std::string> names;
  for (const RecordKeyDoc& k : keys) names.push_back(k.name);
  return names;
}

const std::vector<SectionSpec>& ConfigSchema() {
  static const std::vector<SectionSpec> kSchema = BuildSchema();
  return kSchema;
}

const SectionSpec* FindSection(const std::string& name) {
  for (const SectionSpec& s : ConfigSchema()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> SectionNames() {
  std::vector<std::string> names;
  for (const SectionSpec& s : ConfigSchema()) names.push_back(s.name);
  return names;
}

std::string DescribeConstraint(const FieldSpec& field) {
  return DescribeConstraint(field.constraint);
}

std::string ExpectedValue(const FieldSpec& field) {
  return ExpectedValue(field.type, field.constraint);
}

std::string FormatFieldValue(const FieldSpec& field, const AppConfig& config) {
  // bind() needs a mutable AppConfig only because one accessor serves reads and writes; the
  // value is only read here.
  return FormatRef(field.bind(const_cast<AppConfig&>(config)));
}

Status CheckFieldValue(const FieldSpec& field, const AppConfig& config) {
  return CheckRef(field.type, field.constraint, field.bind(const_cast<AppConfig&>(config)));
}

std::vector<KeyDoc> DescribeSchema() {
  const AppConfig defaults;
  std::vector<KeyDoc> rows;
  for (const SectionSpec& s : ConfigSchema()) {
    for (const FieldSpec& f : s.fields) {
      std::string range = DescribeConstraint(f);
      rows.push_back({s.name + "." + f.name, TypeName(f.type), FormatFieldValue(f, defaults),
                      range.empty() ? "-" : range, f.help});
    }
    for (const ListSpec& l : s.lists) {
      const std::string key = s.name + "." + l.name;
      std::string def = "[]";
      if (l.keys.empty() && l.emit) {  // a list of values: its default as YAML
        YAML::Emitter out;
        l.emit(out, defaults);
        def = out.c_str();
      }
      rows.push_back({key, l.type, def, "-", l.help});
      for (const RecordKeyDoc& k : l.keys) {
        rows.push_back({key + "[]." + k.name, k.type, k.default_value, k.range, k.help});
      }
    }
  }
  return rows;
}

}  // namespace es
