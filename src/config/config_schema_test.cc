#include "config/config_schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "config/did_you_mean.h"

namespace es {
namespace {

const void* Address(FieldRef ref) {
  if (const auto* e = std::get_if<EnumRef>(&ref)) return e->address;
  return std::visit(
      [](auto& p) -> const void* {
        if constexpr (std::is_pointer_v<std::decay_t<decltype(p)>>) {
          return static_cast<const void*>(p);
        } else {
          return nullptr;
        }
      },
      ref);
}

TEST(ConfigSchemaTest, SectionsInDocumentOrder) {
  EXPECT_EQ(SectionNames(),
            (std::vector<std::string>{"source", "detector", "gate", "tracker", "pipeline", "output",
                                      "analytics", "alarm", "recording", "uplink", "ptz", "http",
                                      "governor", "escalate", "fallback", "deep", "models"}));
}

TEST(ConfigSchemaTest, EveryFieldBindsItsOwnStorage) {
  // A copy-pasted row that binds the wrong member shows up as two keys sharing one address.
  AppConfig c;
  std::map<const void*, std::string> owner;
  size_t count = 0;
  for (const SectionSpec& s : ConfigSchema()) {
    std::set<std::string> names;
    for (const FieldSpec& f : s.fields) {
      EXPECT_TRUE(names.insert(f.name).second) << "duplicate key " << s.name << "." << f.name;
      const void* p = Address(f.bind(c));
      auto [it, fresh] = owner.emplace(p, s.name + "." + f.name);
      EXPECT_TRUE(fresh) << s.name << "." << f.name << " shares storage with " << it->second;
      EXPECT_FALSE(f.help.empty()) << f.name;
      ++count;
    }
  }
  // Every field of the option structs is configurable: scalars here, the record lists
  // (analytics.zones, analytics.lines, alarm.rules, ptz.class_priority, ptz.zone) as ListSpecs.
  // ptz: 7 driver keys + 21 PtzLinkageOptions scalars.
  // escalate: 8 scalars; score_band and classes are ListSpecs. fallback: 9, deep: 8, models: 15
  // keys.
  EXPECT_EQ(count, 14u + 13u + 5u + 30u + 9u + 3u + 4u + 2u + 18u + 12u + 28u + 14u + 12u + 8u +
                       9u + 8u + 15u);
  EXPECT_EQ(FindSection("analytics")->FieldNames(),
            (std::vector<std::string>{"anchor", "end_after_s", "loiter_update_s",
                                      "line_hysteresis_px", "zones", "lines"}));
  EXPECT_EQ(FindSection("alarm")->FieldNames(),
            (std::vector<std::string>{"queue_capacity", "stop_timeout_s", "rules"}));
  EXPECT_EQ(
      FindSection("analytics")->FindList("zones")->KeyNames(),
      (std::vector<std::string>{"name", "polygon", "classes", "loiter_s", "stream", "armed"}));
  EXPECT_EQ(FindSection("analytics")->FindList("lines")->KeyNames(),
            (std::vector<std::string>{"name", "a", "b", "classes", "stream"}));
  EXPECT_EQ(
      FindSection("alarm")->FindList("rules")->KeyNames(),
      (std::vector<std::string>{"name", "on", "zones", "lines", "command", "http", "min_interval_s",
                                "timeout_s", "when", "verify_deadline_s", "fallback"}));
}

TEST(ConfigSchemaTest, BindingsReachTheRightMembers) {
  AppConfig c;
  *std::get<float*>(FindSection("tracker")->Find("track_thresh")->bind(c)) = 0.25f;
  *std::get<int*>(FindSection("gate")->Find("width")->bind(c)) = 64;
  *std::get<std::string*>(FindSection("pipeline")->Find("queue_policy")->bind(c)) = "block";
  EXPECT_EQ(c.tracker.track_thresh, 0.25f);
  EXPECT_EQ(c.gate.width, 64);
  EXPECT_EQ(c.pipeline.queue_policy, "block");
  EnumRef anchor = std::get<EnumRef>(FindSection("analytics")->Find("anchor")->bind(c));
  EXPECT_EQ(anchor.get(), "bottom_center");
  EXPECT_TRUE(anchor.set("center"));
  EXPECT_EQ(c.analytics.anchor, AnchorPoint::kCenter);
  EXPECT_FALSE(anchor.set("middle"));
  EXPECT_EQ(c.analytics.anchor, AnchorPoint::kCenter);
  EXPECT_EQ(anchor.address, &c.analytics.anchor);
}

TEST(ConfigSchemaTest, DefaultsAreWithinTheirOwnConstraints) {
  const AppConfig defaults;
  for (const SectionSpec& s : ConfigSchema()) {
    for (const FieldSpec& f : s.fields) {
      Status st = CheckFieldValue(f, defaults);
      EXPECT_TRUE(st.ok()) << s.name << "." << f.name << ": " << st.message();
    }
  }
}

TEST(ConfigSchemaTest, CheckFieldValueMessages) {
  AppConfig c;
  c.gate.width = 8;
  c.detector.type = "yolo";
  c.tracker.track_thresh = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(CheckFieldValue(*FindSection("gate")->Find("width"), c).message(),
            "expected an integer in [32, 4096], got 8");
  EXPECT_EQ(CheckFieldValue(*FindSection("detector")->Find("type"), c).message(),
            "expected one of [nanodet, onnx, hog, motion], got \"yolo\"");
  EXPECT_FALSE(CheckFieldValue(*FindSection("tracker")->Find("track_thresh"), c).ok());
  c.analytics.anchor = static_cast<AnchorPoint>(7);  // not a declared enumerator
  EXPECT_EQ(CheckFieldValue(*FindSection("analytics")->Find("anchor"), c).message(),
            "expected one of [bottom_center, center], got \"?\"");
}

TEST(ConfigSchemaTest, Descriptions) {
  EXPECT_EQ(FormatNumber(0.35f), "0.35");
  EXPECT_EQ(FormatNumber(1.0), "1");
  EXPECT_EQ(FormatNumber(0.0015f), "0.0015");
  EXPECT_EQ(QuoteString("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\x01\"");
  EXPECT_EQ(ExpectedValue(*FindSection("tracker")->Find("min_box_area")), "a number >= 0");
  EXPECT_EQ(ExpectedValue(*FindSection("source")->Find("uri")), "a string");
}

// The format section of docs/configuration.md counts and lists the top-level sections.
TEST(ConfigSchemaTest, FormatDocListsEverySection) {
  std::ifstream in(std::string(ES_SOURCE_DIR) + "/docs/configuration.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), {});
  const size_t at = doc.find("top-level sections: ");
  ASSERT_NE(at, std::string::npos);
  const std::string list = doc.substr(at, doc.find(". ", at) - at);
  const char* kCounts[] = {"",         "One",      "Two",      "Three",   "Four",    "Five",
                           "Six",      "Seven",    "Eight",    "Nine",    "Ten",     "Eleven",
                           "Twelve",   "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen",
                           "Eighteen", "Nineteen", "Twenty"};
  const size_t n = SectionNames().size();
  ASSERT_LT(n, std::size(kCounts));
  EXPECT_EQ(doc.substr(doc.rfind("- ", at) + 2, at - doc.rfind("- ", at) - 3), kCounts[n])
      << "docs/configuration.md counts the sections wrongly";
  for (const std::string& name : SectionNames()) {
    EXPECT_NE(list.find("`" + name + "`"), std::string::npos)
        << "docs/configuration.md does not list section " << name;
  }
}

// docs/configuration.md is written by hand; this keeps its reference table equal to the schema.
// Rows look like: | `tracker.track_thresh` | float | `0.5` | `[0, 1]` | meaning |
// Record lists have a row for the list (`analytics.zones`) and one per record key
// (`analytics.zones[].polygon`), so every key a user can write is documented.
TEST(ConfigSchemaTest, ReferenceDocMatchesSchema) {
  const std::string path = std::string(ES_SOURCE_DIR) + "/docs/configuration.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  auto strip = [](std::string s) {
    const size_t b = s.find_first_not_of(' ');
    const size_t e = s.find_last_not_of(' ');
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
    return s;
  };
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  bool in_reference = false;  // rows of the "## Reference" section only
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_reference = line == "## Reference";
    if (!in_reference || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line.substr(1));
    std::string col;
    while (std::getline(ss, col, '|')) cols.push_back(strip(col));
    ASSERT_GE(cols.size(), 5u) << line;
    EXPECT_TRUE(rows.emplace(cols[0], cols).second) << "row twice: " << cols[0];
  }
  const std::vector<KeyDoc> keys = DescribeSchema();
  EXPECT_EQ(rows.size(), keys.size()) << "the doc has rows for keys the schema lacks, or "
                                         "misses some";
  for (const KeyDoc& k : keys) {
    auto it = rows.find(k.key);
    if (it == rows.end()) {
      ADD_FAILURE() << "docs/configuration.md has no row for " << k.key << ": | `" << k.key
                    << "` | " << k.type << " | `" << k.default_value << "` | `" << k.range << "` | "
                    << k.help << " |";
      continue;
    }
    EXPECT_EQ(it->second[1], k.type) << k.key;
    EXPECT_EQ(it->second[2], k.default_value) << k.key;
    EXPECT_EQ(it->second[3], k.range) << k.key;
  }
}

TEST(ConfigSchemaTest, DescribeSchemaCoversRecordKeys) {
  std::set<std::string> keys;
  for (const KeyDoc& k : DescribeSchema()) keys.insert(k.key);
  for (const char* key :
       {"analytics.anchor", "analytics.zones", "analytics.zones[].polygon",
        "analytics.zones[].loiter_s", "analytics.zones[].stream", "analytics.lines[].a",
        "analytics.lines[].b", "alarm.rules", "alarm.rules[].http", "alarm.rules[].command",
        "alarm.rules[].min_interval_s"}) {
    EXPECT_TRUE(keys.count(key)) << key;
  }
}

TEST(DidYouMeanTest, EditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("widht", "width"), 1u);  // a swap is one edit
  EXPECT_EQ(EditDistance("same", "same"), 0u);
}

TEST(DidYouMeanTest, Suggestions) {
  const std::vector<std::string> keys = {"track_thresh", "low_thresh", "match_thresh"};
  EXPECT_EQ(DidYouMean("trak_thresh", keys), "track_thresh");
  EXPECT_EQ(DidYouMean("Track_Thresh", keys), "track_thresh");
  EXPECT_EQ(DidYouMean("low_thres", keys), "low_thresh");
  EXPECT_EQ(DidYouMean("colour", keys), "");
  EXPECT_EQ(DidYouMean("x", {"y"}), "y");  // one edit is always allowed
  EXPECT_EQ(DidYouMean("xy", {"ab"}), "");
}

}  // namespace
}  // namespace es
