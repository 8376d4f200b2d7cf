#include "config/record_lists.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "config/did_you_mean.h"
#include "config/field_parser.h"
#include "detect/coco_classes.h"
#include "edgesight/types.h"

namespace es {
namespace {

// ---- one record key ----

template <class Item>
struct RecordField {
  RecordKeyDoc doc;
  bool required = false;
  // `where` is the key's path for messages ("analytics.zones[1] 'door': polygon").
  std::function<Status(const YAML::Node&, const std::string& where, Item*)> parse;
  std::function<bool(const Item&)> is_set;  // null = always emitted
  std::function<void(YAML::Emitter&, const Item&)> emit;
};

// ---- value readers (type errors only) ----

Status ReadNonEmptyString(const YAML::Node& v, const std::string& where, std::string* out) {
  if (!v.IsScalar() || v.Scalar().empty()) {
    return InvalidArgument(where + ": expected a non-empty string, got " + DescribeYaml(v));
  }
  *out = v.Scalar();
  return Status::Ok();
}

Status ReadString(const YAML::Node& v, const std::string& where, std::string* out) {
  if (v.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!v.IsScalar()) return InvalidArgument(where + ": expected a string, got " + DescribeYaml(v));
  *out = v.Scalar();
  return Status::Ok();
}

Status ReadStringList(const YAML::Node& v, const std::string& where,
                      std::vector<std::string>* out) {
  out->clear();
  if (v.IsNull()) return Status::Ok();
  if (!v.IsSequence()) {
    return InvalidArgument(where + ": expected a list of strings, got " + DescribeYaml(v));
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const YAML::Node item = v[i];
    const std::string item_where = where + "[" + std::to_string(i) + "]";
    if (!item.IsScalar() || item.Scalar().empty()) {
      return InvalidArgument(item_where + ": expected a non-empty string, got " +
                             DescribeYaml(item));
    }
    out->push_back(item.Scalar());
  }
  return Status::Ok();
}

Status ReadNumber(const YAML::Node& v, const std::string& where, const Constraint& c, double* out) {
  std::optional<double> n;
  if (v.IsScalar()) n = ParseYamlNumber(v.Scalar());
  if (!n) return InvalidArgument(where + ": expected a number, got " + DescribeYaml(v));
  if (!InRange(*n, c)) {
    return InvalidArgument(where + ": expected " + ExpectedValue(FieldType::kDouble, c) + ", got " +
                           DescribeYaml(v));
  }
  *out = *n;
  return Status::Ok();
}

Status ReadPoint(const YAML::Node& v, const std::string& where, Point2* out) {
  if (!v.IsSequence() || v.size() != 2) {
    std::string got = DescribeYaml(v);
    if (v.IsSequence()) got = "a list of " + std::to_string(v.size());
    return InvalidArgument(where + ": expected a point [x, y], got " + got);
  }
  double xy[2];
  for (size_t k = 0; k < 2; ++k) {
    std::optional<double> n;
    if (v[k].IsScalar()) n = ParseYamlNumber(v[k].Scalar());
    if (!n || std::abs(*n) > 1e9) {
      return InvalidArgument(where + ": expected a point [x, y] of numbers, got " +
                             DescribeYaml(v[k]) + " for " + (k == 0 ? "x" : "y"));
    }
    xy[k] = *n;
  }
  *out = Point2(static_cast<float>(xy[0]), static_cast<float>(xy[1]));
  return Status::Ok();
}

Status ReadPolygon(const YAML::Node& v, const std::string& where, Polygon* out) {
  out->clear();
  if (!v.IsSequence()) {
    return InvalidArgument(where + ": expected a list of points [[x, y], ...], got " +
                           DescribeYaml(v));
  }
  for (size_t i = 0; i < v.size(); ++i) {
    Point2 p;
    ES_RETURN_IF_ERROR(ReadPoint(v[i], where + "[" + std::to_string(i) + "]", &p));
    out->push_back(p);
  }
  return Status::Ok();
}

std::vector<std::string> ClassNames() {
  std::vector<std::string> names;
  for (int i = 0; i < kNumCocoClasses; ++i) names.emplace_back(CocoClassName(i));
  names.emplace_back("motion");
  return names;
}

Status ReadClasses(const YAML::Node& v, const std::string& where, std::vector<int>* out) {
  std::vector<std::string> names;
  ES_RETURN_IF_ERROR(ReadStringList(v, where, &names));
  out->clear();
  for (size_t i = 0; i < names.size(); ++i) {
    Result<int> id = ClassIdFromName(names[i]);
    if (!id.ok()) return id.status().WithContext(where + "[" + std::to_string(i) + "]");
    if (std::find(out->begin(), out->end(), *id) == out->end()) out->push_back(*id);
  }
  return Status::Ok();
}

// ---- emitters ----

void EmitPoint(YAML::Emitter& out, Point2 p) {
  out << YAML::Flow << YAML::BeginSeq << FormatNumber(p.x) << FormatNumber(p.y) << YAML::EndSeq;
}

void EmitStrings(YAML::Emitter& out, const std::vector<std::string>& v) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const std::string& s : v) out << YAML::DoubleQuoted << s;
  out << YAML::EndSeq;
}

void EmitClasses(YAML::Emitter& out, const std::vector<int>& ids) {
  std::vector<std::string> names;
  for (int id : ids) names.push_back(ClassNameFromId(id));
  EmitStrings(out, names);
}

// ---- a list of records ----

// The record's name for messages, escaped when it would break the line.
std::string RecordLabel(const YAML::Node& item) {
  const YAML::Node name = item["name"];
  if (!name || !name.IsScalar() || name.Scalar().empty()) return "";
  const std::string quoted = QuoteString(name.Scalar());
  const std::string inner = quoted.substr(1, quoted.size() - 2);
  return " '" + inner + "'";
}

template <class Item>
Status ParseRecords(const std::vector<RecordField<Item>>& fields, const YAML::Node& list,
                    const std::string& path, std::vector<Item>* out) {
  out->clear();
  if (list.IsNull()) return Status::Ok();
  if (!list.IsSequence()) {
    return InvalidArgument(path + ": expected a list of mappings, got " + DescribeYaml(list));
  }
  std::vector<std::string> names;
  for (const RecordField<Item>& f : fields) names.push_back(f.doc.name);
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    std::string base = path + "[" + std::to_string(i) + "]";
    if (!node.IsMap()) {
      return InvalidArgument(base + ": expected a mapping, got " + DescribeYaml(node));
    }
    base += RecordLabel(node);
    Item item;
    std::set<std::string> seen;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        return InvalidArgument(base + ": expected a key name, got " + DescribeYaml(kv.first));
      }
      const std::string key = kv.first.Scalar();
      const std::string quoted = QuoteString(key);
      const std::string shown = quoted.substr(1, quoted.size() - 2);
      if (!seen.insert(key).second) return InvalidArgument(base + ": " + shown + ": duplicate key");
      const auto it = std::find_if(fields.begin(), fields.end(),
                                   [&](const RecordField<Item>& f) { return f.doc.name == key; });
      if (it == fields.end()) {
        return InvalidArgument(base + ": " + shown + ": " + UnknownNameMessage("key", key, names));
      }
      ES_RETURN_IF_ERROR(it->parse(kv.second, base + ": " + key, &item));
    }
    for (const RecordField<Item>& f : fields) {
      if (f.required && !seen.count(f.doc.name)) {
        return InvalidArgument(base + ": missing key '" + f.doc.name + "'");
      }
    }
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

template <class Item>
void EmitRecords(const std::vector<RecordField<Item>>& fields, const std::vector<Item>& items,
                 YAML::Emitter& out) {
  if (items.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const Item& item : items) {
    out << YAML::BeginMap;
    for (const RecordField<Item>& f : fields) {
      if (f.is_set && !f.is_set(item)) continue;
      out << YAML::Key << f.doc.name << YAML::Value;
      f.emit(out, item);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

template <class Item>
std::vector<RecordKeyDoc> Docs(const std::vector<RecordField<Item>>& fields) {
  std::vector<RecordKeyDoc> docs;
  for (const RecordField<Item>& f : fields) docs.push_back(f.doc);
  return docs;
}

// ---- zones and lines ----

struct ZoneRecord {
  ZoneOptions zone;
  std::string stream;
};

struct LineRecord {
  LineOptions line;
  std::string stream;
};

constexpr char kStreamHelp[] =
    "stream this applies to; must be source.stream_id; omitted = the configured stream";
constexpr char kClassesHelp[] = "COCO class names (or motion) it reacts to; [] = every class";

template <class Record>
RecordField<Record> StreamField() {
  RecordField<Record> f;
  f.doc = {"stream", "string", "\"\"", "-", kStreamHelp};
  f.parse = [](const YAML::Node& v, const std::string& where, Record* r) {
    return ReadString(v, where, &r->stream);
  };
  f.is_set = [](const Record& r) { return !r.stream.empty(); };
  f.emit = [](YAML::Emitter& out, const Record& r) { out << YAML::DoubleQuoted << r.stream; };
  return f;
}

const std::vector<RecordField<ZoneRecord>>& ZoneFields() {
  static const std::vector<RecordField<ZoneRecord>> kFields = [] {
    std::vector<RecordField<ZoneRecord>> v(6);
    v[0].doc = {"name", "string", "required", "-", "unique among zones; named in events"};
    v[0].required = true;
    v[0].parse = [](const YAML::Node& n, const std::string& w, ZoneRecord* r) {
      return ReadNonEmptyString(n, w, &r->zone.name);
    };
    v[0].emit = [](YAML::Emitter& o, const ZoneRecord& r) {
      o << YAML::DoubleQuoted << r.zone.name;
    };
    v[1].doc = {"polygon", "list of points", "required", ">= 3 points",
                "[[x, y], ...] in source pixels; simple (not self-intersecting), non-zero area"};
    v[1].required = true;
    v[1].parse = [](const YAML::Node& n, const std::string& w, ZoneRecord* r) {
      return ReadPolygon(n, w, &r->zone.polygon);
    };
    v[1].emit = [](YAML::Emitter& o, const ZoneRecord& r) {
      o << YAML::Flow << YAML::BeginSeq;
      for (const Point2& p : r.zone.polygon) EmitPoint(o, p);
      o << YAML::EndSeq;
    };
    v[2].doc = {"classes", "list of class names", "[]", "-", kClassesHelp};
    v[2].parse = [](const YAML::Node& n, const std::string& w, ZoneRecord* r) {
      return ReadClasses(n, w, &r->zone.classes);
    };
    v[2].emit = [](YAML::Emitter& o, const ZoneRecord& r) { EmitClasses(o, r.zone.classes); };
    v[3].doc = {"loiter_s", "float", "0", ">= 0",
                "dwell in the zone that starts a loiter event; 0 = no loitering"};
    v[3].parse = [](const YAML::Node& n, const std::string& w, ZoneRecord* r) {
      return ReadNumber(n, w, AtLeast(0), &r->zone.loiter_s);
    };
    v[3].emit = [](YAML::Emitter& o, const ZoneRecord& r) { o << FormatNumber(r.zone.loiter_s); };
    v[4] = StreamField<ZoneRecord>();
    v[5].doc = {"armed", "bool", "false", "-",
                "a track inside arms the camera: the shared detector serves it first"};
    v[5].parse = [](const YAML::Node& n, const std::string& w, ZoneRecord* r) {
      std::optional<bool> b;
      if (n.IsScalar()) b = ParseYamlBool(n.Scalar());
      if (!b) return InvalidArgument(w + ": expected true or false, got " + DescribeYaml(n));
      r->zone.armed = *b;
      return Status::Ok();
    };
    v[5].is_set = [](const ZoneRecord& r) { return r.zone.armed; };
    v[5].emit = [](YAML::Emitter& o, const ZoneRecord& r) {
      o << (r.zone.armed ? "true" : "false");
    };
    return v;
  }();
  return kFields;
}

const std::vector<RecordField<LineRecord>>& LineFields() {
  static const std::vector<RecordField<LineRecord>> kFields = [] {
    std::vector<RecordField<LineRecord>> v(5);
    v[0].doc = {"name", "string", "required", "-", "unique among lines; named in events"};
    v[0].required = true;
    v[0].parse = [](const YAML::Node& n, const std::string& w, LineRecord* r) {
      return ReadNonEmptyString(n, w, &r->line.name);
    };
    v[0].emit = [](YAML::Emitter& o, const LineRecord& r) {
      o << YAML::DoubleQuoted << r.line.name;
    };
    v[1].doc = {"a", "point [x, y]", "required", "-",
                "start of the directed line (source pixels); side A is left of a->b on screen"};
    v[1].required = true;
    v[1].parse = [](const YAML::Node& n, const std::string& w, LineRecord* r) {
      return ReadPoint(n, w, &r->line.a);
    };
    v[1].emit = [](YAML::Emitter& o, const LineRecord& r) { EmitPoint(o, r.line.a); };
    v[2].doc = {"b", "point [x, y]", "required", "!= a", "end of the directed line"};
    v[2].required = true;
    v[2].parse = [](const YAML::Node& n, const std::string& w, LineRecord* r) {
      return ReadPoint(n, w, &r->line.b);
    };
    v[2].emit = [](YAML::Emitter& o, const LineRecord& r) { EmitPoint(o, r.line.b); };
    v[3].doc = {"classes", "list of class names", "[]", "-", kClassesHelp};
    v[3].parse = [](const YAML::Node& n, const std::string& w, LineRecord* r) {
      return ReadClasses(n, w, &r->line.classes);
    };
    v[3].emit = [](YAML::Emitter& o, const LineRecord& r) { EmitClasses(o, r.line.classes); };
    v[4] = StreamField<LineRecord>();
    return v;
  }();
  return kFields;
}

const std::vector<RecordField<AlarmRule>>& RuleFields() {
  static const std::vector<RecordField<AlarmRule>> kFields = [] {
    using L = std::vector<std::string> AlarmRule::*;
    auto list_field = [](const char* name, L member, const char* help) {
      RecordField<AlarmRule> f;
      f.doc = {name, "list of strings", "[]", "-", help};
      f.parse = [member](const YAML::Node& n, const std::string& w, AlarmRule* r) {
        return ReadStringList(n, w, &(r->*member));
      };
      f.emit = [member](YAML::Emitter& o, const AlarmRule& r) { EmitStrings(o, r.*member); };
      return f;
    };
    std::vector<RecordField<AlarmRule>> v;
    RecordField<AlarmRule> name;
    name.doc = {"name", "string", "required", "-", "unique among rules; in stats and requests"};
    name.required = true;
    name.parse = [](const YAML::Node& n, const std::string& w, AlarmRule* r) {
      return ReadNonEmptyString(n, w, &r->name);
    };
    name.emit = [](YAML::Emitter& o, const AlarmRule& r) { o << YAML::DoubleQuoted << r.name; };
    v.push_back(name);
    v.push_back(list_field("on", &AlarmRule::on,
                           "event filters TYPE or TYPE.PHASE (loiter.start, line, zone.start, "
                           "...); [] = every event"));
    v.push_back(list_field("zones", &AlarmRule::zones,
                           "only events of these zones (zone, loiter); [] = any"));
    v.push_back(list_field("lines", &AlarmRule::lines,
                           "only crossings of these lines; with zones, either matches"));
    RecordField<AlarmRule> command =
        list_field("command", &AlarmRule::command,
                   "action: argv run without a shell; event JSON on stdin and in $EDGESIGHT_EVENT");
    command.is_set = [](const AlarmRule& r) { return !r.command.empty(); };
    v.push_back(command);
    RecordField<AlarmRule> http;
    http.doc = {"http", "string", "\"\"", "loopback only",
                "action: POST the event JSON to http://HOST[:PORT]/PATH, HOST 127.0.0.1, localhost "
                "or [::1]"};
    http.parse = [](const YAML::Node& n, const std::string& w, AlarmRule* r) {
      return ReadString(n, w, &r->http);
    };
    http.is_set = [](const AlarmRule& r) { return !r.http.empty(); };
    http.emit = [](YAML::Emitter& o, const AlarmRule& r) { o << YAML::DoubleQuoted << r.http; };
    v.push_back(http);
    RecordField<AlarmRule> interval;
    interval.doc = {"min_interval_s", "float", "0", ">= 0",
                    "rate limit: at most one action per this many seconds; 0 = none"};
    interval.parse = [](const YAML::Node& n, const std::string& w, AlarmRule* r) {
      return ReadNumber(n, w, AtLeast(0), &r->min_interval_s);
    };
    interval.emit = [](YAML::Emitter& o, const AlarmRule& r) {
      o << FormatNumber(r.min_interval_s);
    };
    v.push_back(interval);
    RecordField<AlarmRule> timeout;
    timeout.doc = {"timeout_s", "float", "5", "(0, 600]",
                   "command killed / HTTP connect and read given up after this"};
    timeout.parse = [](const YAML::Node& n, const std::string& w, AlarmRule* r) {
      return ReadNumber(n, w, OpenClosed(0, kMaxAlarmTimeoutS), &r->timeout_s);
    };
    timeout.emit = [](YAML::Emitter& o, const AlarmRule& r) { o << FormatNumber(r.timeout_s); };
    v.push_back(timeout);
    auto choice_field = [](const char* name, std::string AlarmRule::*member,
                           std::vector<std::string> choices, const char* def, const char* help) {
      RecordField<AlarmRule> f;
      f.doc = {name, "string", std::string("\"") + def + "\"", DescribeConstraint(OneOf(choices)),
               help};
      f.parse = [member, choices](const YAML::Node& n, const std::string& w, AlarmRule* r) {
        std::string text;
        ES_RETURN_IF_ERROR(ReadNonEmptyString(n, w, &text));
        if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
          return InvalidArgument(w + ": " + UnknownNameMessage("value", text, choices));
        }
        r->*member = text;
        return Status::Ok();
      };
      f.is_set = [member, def](const AlarmRule& r) { return r.*member != def; };
      f.emit = [member](YAML::Emitter& o, const AlarmRule& r) { o << r.*member; };
      return f;
    };
    v.push_back(choice_field("when", &AlarmRule::when, {"local", "verified"}, "local",
                             "local: act now; verified: wait for the backend's verdict on the "
                             "event's track (escalate:) up to verify_deadline_s"));
    RecordField<AlarmRule> verify;
    verify.doc = {"verify_deadline_s", "float", "10", "(0, 3600]",
                  "when: verified: wait at most this long for the verdict, then apply fallback"};
    verify.parse = [](const YAML::Node& n, const std::string& w, AlarmRule* r) {
      return ReadNumber(n, w, OpenClosed(0, 3600), &r->verify_deadline_s);
    };
    verify.is_set = [](const AlarmRule& r) { return r.verify_deadline_s != 10.0; };
    verify.emit = [](YAML::Emitter& o, const AlarmRule& r) {
      o << FormatNumber(r.verify_deadline_s);
    };
    v.push_back(verify);
    v.push_back(choice_field("fallback", &AlarmRule::fallback, {"fire", "drop"}, "fire",
                             "when: verified and the verdict is uncertain or late: fire (a dead "
                             "link never silences a site) or drop"));
    return v;
  }();
  return kFields;
}

// A class name, or a COCO class id given as an integer (0..79).
Status ReadClassesOrIds(const YAML::Node& v, const std::string& where, std::vector<int>* out) {
  std::vector<std::string> names;
  ES_RETURN_IF_ERROR(ReadStringList(v, where, &names));
  out->clear();
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string item = where + "[" + std::to_string(i) + "]";
    int id = -1;
    if (std::optional<double> n = ParseYamlNumber(names[i])) {
      if (*n != std::floor(*n) || *n < 0 || *n >= kNumCocoClasses) {
        return InvalidArgument(item + ": expected a class name or a COCO class id in [0, " +
                               std::to_string(kNumCocoClasses - 1) + "], got " + names[i]);
      }
      id = static_cast<int>(*n);
    } else {
      Result<int> r = ClassIdFromName(names[i]);
      if (!r.ok()) return r.status().WithContext(item);
      id = *r;
    }
    if (std::find(out->begin(), out->end(), id) == out->end()) out->push_back(id);
  }
  return Status::Ok();
}

}  // namespace

ListSpec EscalateScoreBandListSpec() {
  ListSpec s;
  s.name = "score_band";
  s.type = "list of 2 numbers";
  s.help = "[lo, hi] in [0, 1]: tracks whose score lies in it are uncertain and escalated";
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    if (!v.IsSequence() || v.size() != 2) {
      std::string got = DescribeYaml(v);
      if (v.IsSequence()) got = "a list of " + std::to_string(v.size());
      return InvalidArgument(path + ": expected [lo, hi] (two numbers in [0, 1]), got " + got);
    }
    ES_RETURN_IF_ERROR(ReadNumber(v[0], path + "[0]", Closed(0, 1), &c->escalate.score_lo));
    return ReadNumber(v[1], path + "[1]", Closed(0, 1), &c->escalate.score_hi);
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) {
    out << YAML::Flow << YAML::BeginSeq << FormatNumber(c.escalate.score_lo)
        << FormatNumber(c.escalate.score_hi) << YAML::EndSeq;
  };
  s.size = [](const AppConfig&) { return size_t{2}; };
  return s;
}

ListSpec EscalateClassesListSpec() {
  ListSpec s;
  s.name = "classes";
  s.type = "list of class names";
  s.help = "COCO class names or ids always escalated; [] = none";
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    return ReadClassesOrIds(v, path, &c->escalate.classes);
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) { EmitClasses(out, c.escalate.classes); };
  s.size = [](const AppConfig& c) { return c.escalate.classes.size(); };
  return s;
}

Result<int> ClassIdFromName(const std::string& name) {
  if (name == "motion") return kClassMotion;
  const int id = CocoClassId(name);
  if (id >= 0) return id;
  const std::string guess = DidYouMean(name, ClassNames());
  const std::string quoted = QuoteString(name);
  const std::string shown = quoted.substr(1, quoted.size() - 2);
  if (!guess.empty()) {
    return InvalidArgument("unknown class '" + shown + "' (did you mean '" + guess + "'?)");
  }
  return InvalidArgument("unknown class '" + shown +
                         "' (expected a COCO class name such as person, car, bicycle, or motion)");
}

std::string ClassNameFromId(int id) { return std::string(CocoClassName(id)); }

ListSpec ZoneListSpec() {
  ListSpec s;
  s.name = "zones";
  s.type = "list of zones";
  s.help = "polygonal zones: enter/exit events, per-class occupancy, loitering";
  s.keys = Docs(ZoneFields());
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    std::vector<ZoneRecord> records;
    ES_RETURN_IF_ERROR(ParseRecords(ZoneFields(), v, path, &records));
    c->analytics.zones.clear();
    c->analytics_streams.zones.clear();
    for (ZoneRecord& r : records) {
      if (!r.stream.empty()) c->analytics_streams.zones[r.zone.name] = r.stream;
      c->analytics.zones.push_back(std::move(r.zone));
    }
    return Status::Ok();
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) {
    std::vector<ZoneRecord> records;
    for (const ZoneOptions& z : c.analytics.zones) {
      auto it = c.analytics_streams.zones.find(z.name);
      records.push_back({z, it == c.analytics_streams.zones.end() ? "" : it->second});
    }
    EmitRecords(ZoneFields(), records, out);
  };
  s.size = [](const AppConfig& c) { return c.analytics.zones.size(); };
  return s;
}

ListSpec LineListSpec() {
  ListSpec s;
  s.name = "lines";
  s.type = "list of lines";
  s.help = "directed counting lines: crossing events A->B / B->A, per-class counts";
  s.keys = Docs(LineFields());
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    std::vector<LineRecord> records;
    ES_RETURN_IF_ERROR(ParseRecords(LineFields(), v, path, &records));
    c->analytics.lines.clear();
    c->analytics_streams.lines.clear();
    for (LineRecord& r : records) {
      if (!r.stream.empty()) c->analytics_streams.lines[r.line.name] = r.stream;
      c->analytics.lines.push_back(std::move(r.line));
    }
    return Status::Ok();
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) {
    std::vector<LineRecord> records;
    for (const LineOptions& l : c.analytics.lines) {
      auto it = c.analytics_streams.lines.find(l.name);
      records.push_back({l, it == c.analytics_streams.lines.end() ? "" : it->second});
    }
    EmitRecords(LineFields(), records, out);
  };
  s.size = [](const AppConfig& c) { return c.analytics.lines.size(); };
  return s;
}

ListSpec AlarmRuleListSpec() {
  ListSpec s;
  s.name = "rules";
  s.type = "list of rules";
  s.help = "local alarm rules: which events fire which command or loopback HTTP call";
  s.keys = Docs(RuleFields());
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    return ParseRecords(RuleFields(), v, path, &c->alarm.rules);
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) {
    EmitRecords(RuleFields(), c.alarm.rules, out);
  };
  s.size = [](const AppConfig& c) { return c.alarm.rules.size(); };
  return s;
}

ListSpec PtzClassPriorityListSpec() {
  ListSpec s;
  s.name = "class_priority";
  s.type = "list of class names";
  s.help = "COCO class names (or motion), most wanted first; [] = any class";
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    return ReadClasses(v, path, &c->ptz.linkage.class_priority);
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) {
    EmitClasses(out, c.ptz.linkage.class_priority);
  };
  s.size = [](const AppConfig& c) { return c.ptz.linkage.class_priority.size(); };
  return s;
}

ListSpec PtzZoneListSpec() {
  ListSpec s;
  s.name = "zone";
  s.type = "list of points";
  s.help =
      "[[x, y], ...] wide-image pixels where targets are picked (ptz.zone_mode); "
      "[] = the whole view";
  s.parse = [](const YAML::Node& v, const std::string& path, AppConfig* c) {
    if (v.IsNull()) {
      c->ptz.linkage.zone.clear();
      return Status::Ok();
    }
    return ReadPolygon(v, path, &c->ptz.linkage.zone);
  };
  s.emit = [](YAML::Emitter& out, const AppConfig& c) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const Point2& p : c.ptz.linkage.zone) EmitPoint(out, p);
    out << YAML::EndSeq;
  };
  s.size = [](const AppConfig& c) { return c.ptz.linkage.zone.size(); };
  return s;
}

}  // namespace es
