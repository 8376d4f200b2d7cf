#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "config/config_schema.h"
#include "config/config_test_util.h"

namespace es {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kExample = std::string(ES_SOURCE_DIR) + "/examples/edgesight.yaml";

using config_test::LoadError;
using config_test::LoadOk;

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("es_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// ---- defaults and the example ----

TEST(ConfigLoaderTest, EmptyDocumentGivesDefaults) {
  const std::string defaults = ToYaml(AppConfig{});
  for (const char* yaml : {"", "\n", "# only a comment\n", "---\n", "gate:\ntracker: ~\n"}) {
    AppConfig c = LoadOk(yaml);
    EXPECT_EQ(ToYaml(c), defaults) << "input: " << yaml;
  }
  AppConfig c = LoadOk("");
  EXPECT_EQ(c.tracker.track_thresh, 0.5f);
  EXPECT_EQ(c.detector.type, "nanodet");
  EXPECT_EQ(c.pipeline.queue_policy, "auto");
  EXPECT_FALSE(c.source.realtime);  // files: every frame by default (--realtime paces them)
  EXPECT_EQ(c.source.stream_id, "cam0");
}

TEST(ConfigLoaderTest, PartialSectionKeepsOtherDefaults) {
  AppConfig c = LoadOk("tracker:\n  track_thresh: 0.6\n  track_buffer_s: 2.5\n");
  EXPECT_FLOAT_EQ(c.tracker.track_thresh, 0.6f);
  EXPECT_DOUBLE_EQ(c.tracker.track_buffer_s, 2.5);
  EXPECT_FLOAT_EQ(c.tracker.low_thresh, 0.1f);
  EXPECT_EQ(c.gate.width, 320);
}

TEST(ConfigLoaderTest, ExampleFileLoadsAndEqualsDefaultsExceptUri) {
  ASSERT_TRUE(std::filesystem::exists(kExample)) << kExample;
  Result<AppConfig> r = LoadConfigFile(kExample);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source.uri, "synthetic:crowd");
  // The example shows a zone with loitering, a line and alarm rules; those lists have no
  // defaults. Every scalar key is at its default; only the uri is noted.
  ASSERT_FALSE(r->analytics.zones.empty());
  ASSERT_FALSE(r->analytics.lines.empty());
  ASSERT_FALSE(r->alarm.rules.empty());
  bool loiters = false;
  for (const ZoneOptions& z : r->analytics.zones) loiters = loiters || z.loiter_s > 0;
  EXPECT_TRUE(loiters) << "the example should show loitering";
  AppConfig expected;
  expected.source.uri = "synthetic:crowd";
  expected.analytics.zones = r->analytics.zones;
  expected.analytics.lines = r->analytics.lines;
  expected.analytics_streams = r->analytics_streams;
  expected.alarm.rules = r->alarm.rules;
  ASSERT_FALSE(r->ptz.linkage.class_priority.empty());
  ASSERT_FALSE(r->ptz.linkage.zone.empty());
  expected.ptz.linkage.class_priority = r->ptz.linkage.class_priority;
  expected.ptz.linkage.zone = r->ptz.linkage.zone;
  ASSERT_FALSE(r->escalate.classes.empty());
  expected.escalate.classes = r->escalate.classes;
  EXPECT_EQ(ToYaml(*r), ToYaml(expected));
}

TEST(ConfigLoaderTest, ExampleFileSpellsOutEveryKey) {
  YAML::Node root = YAML::LoadFile(kExample);
  for (const SectionSpec& section : ConfigSchema()) {
    ASSERT_TRUE(root[section.name].IsMap()) << section.name;
    std::set<std::string> keys;
    for (const auto& kv : root[section.name]) keys.insert(kv.first.Scalar());
    for (const FieldSpec& field : section.fields) {
      EXPECT_TRUE(keys.count(field.name))
          << "examples/edgesight.yaml lacks " << section.name << "." << field.name;
    }
    // Record lists: present, non-empty, and every record key used by at least one record.
    for (const ListSpec& list : section.lists) {
      const YAML::Node items = root[section.name][list.name];
      ASSERT_TRUE(items.IsSequence() && items.size() > 0)
          << "examples/edgesight.yaml lacks " << section.name << "." << list.name;
      std::set<std::string> used;
      for (const auto& item : items) {
        if (!item.IsMap()) continue;  // plain lists (ptz.class_priority, ptz.zone) have no keys
        for (const auto& kv : item) used.insert(kv.first.Scalar());
      }
      for (const RecordKeyDoc& key : list.keys) {
        EXPECT_TRUE(used.count(key.name)) << "examples/edgesight.yaml: no " << section.name << "."
                                          << list.name << "[] uses " << key.name;
      }
    }
  }
}

TEST(ConfigLoaderTest, ToYamlRoundTripsNonDefaultValues) {
  AppConfig c;
  c.source.uri = "rtsp://10.0.0.2:554/main";
  c.source.stream_id = "gate-2";
  c.source.realtime = true;
  c.source.rtsp_transport = "udp";
  c.source.synthetic_fps = 12.5;
  c.detector.type = "onnx";
  c.detector.model = "/models/yolov8n.onnx";
  c.detector.format = "yolov8";
  c.detector.classes = {"person", "traffic light"};
  c.detector.score_threshold = 0.27f;
  c.detector.hog_hit_threshold = -0.3;
  c.tracker.track_buffer_s = 0.1;
  c.tracker.low_thresh = 0.05f;
  c.output.events_out = "out/\"events\".jsonl";
  c.pipeline.max_frames = 2000000000;
  const std::string yaml = ToYaml(c);
  AppConfig back = LoadOk(yaml);
  EXPECT_EQ(ToYaml(back), yaml);
  EXPECT_EQ(back.detector.classes, c.detector.classes);
  EXPECT_EQ(back.detector.score_threshold, 0.27f);
  EXPECT_EQ(back.output.events_out, c.output.events_out);
}

// ---- files ----

TEST(ConfigLoaderTest, MissingFileIsNotFound) {
  Result<AppConfig> r = LoadConfigFile("/nonexistent/edgesight/config.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("/nonexistent/edgesight/config.yaml"));
}

TEST(ConfigLoaderTest, DirectoryIsInvalidArgument) {
  Result<AppConfig> r = LoadConfigFile(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(ConfigLoaderTest, FileErrorsNameThePath) {
  TempFile file("pipeline:\n  detect_interval: 0\n");
  Result<AppConfig> r = LoadConfigFile(file.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            file.path() + ": pipeline.detect_interval: expected an integer in [1, 1000], got 0");
  TempFile good("pipeline:\n  detect_interval: 3\n");
  Result<AppConfig> ok = LoadConfigFile(good.path());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->pipeline.detect_interval, 3);
}

// ---- syntax ----

TEST(ConfigLoaderTest, SyntaxErrorReportsLineAndColumn) {
  // Line 3 opens a flow sequence that is never closed.
  std::string msg = LoadError("source:\n  uri: a.mp4\ndetector:\n  classes: [person, car\n");
  EXPECT_THAT(msg, StartsWith("config.yaml:"));
  EXPECT_THAT(msg, HasSubstr("invalid YAML"));
  // A mapping value where none is allowed, on line 2, column 8.
  msg = LoadError("tracker:\n  a: b: c\n");
  EXPECT_THAT(msg, StartsWith("config.yaml:2:7: invalid YAML: "));
}

TEST(ConfigLoaderTest, SyntaxErrorLineIsOneBased) {
  std::string msg = LoadError("gate:\n  width: 320\n\t enabled: true\n");
  EXPECT_THAT(msg, StartsWith("config.yaml:3:"));
}

TEST(ConfigLoaderTest, SeveralDocumentsAreRejected) {
  EXPECT_EQ(LoadError("gate:\n  width: 64\n---\ngate:\n  width: 96\n"),
            "config.yaml: expected one YAML document, got 2");
}

// ---- structure ----

TEST(ConfigLoaderTest, TopLevelMustBeAMapping) {
  EXPECT_EQ(LoadError("- source\n- detector\n"),
            "config.yaml: expected a mapping of sections (source, detector, gate, tracker, "
            "pipeline, output, analytics, alarm, recording, uplink, ptz, http, governor, escalate, "
            "fallback, deep, models) at the top level, got a list");
  EXPECT_THAT(LoadError("42\n"), HasSubstr("at the top level, got 42"));
}

TEST(ConfigLoaderTest, UnknownSectionWithSuggestion) {
  EXPECT_EQ(LoadError("detecter:\n  type: hog\n"),
            "config.yaml: detecter: unknown section (did you mean 'detector'?)");
}

TEST(ConfigLoaderTest, UnknownSectionWithoutSuggestionListsSections) {
  EXPECT_EQ(LoadError("mqtt:\n  url: tcp://x\n"),
            "config.yaml: mqtt: unknown section (expected one of [source, detector, gate, "
            "tracker, pipeline, output, analytics, alarm, recording, uplink, ptz, http, governor, "
            "escalate, fallback, deep, models])");
}

TEST(ConfigLoaderTest, UnknownKeyWithSuggestion) {
  EXPECT_EQ(LoadError("tracker:\n  trak_thresh: 0.5\n"),
            "config.yaml: tracker.trak_thresh: unknown key (did you mean 'track_thresh'?)");
  EXPECT_EQ(LoadError("gate:\n  Width: 320\n"),
            "config.yaml: gate.Width: unknown key (did you mean 'width'?)");
}

TEST(ConfigLoaderTest, UnknownKeyInEverySection) {
  for (const SectionSpec& section : ConfigSchema()) {
    const std::string msg = LoadError(section.name + ":\n  zzz_not_a_key: 1\n");
    EXPECT_THAT(msg, StartsWith("config.yaml: " + section.name +
                                ".zzz_not_a_key: unknown key (expected one of ["));
    EXPECT_THAT(msg, HasSubstr(section.fields.front().name));
  }
}

TEST(ConfigLoaderTest, NestingBelowAKeyIsATypeError) {
  EXPECT_EQ(LoadError("tracker:\n  track_thresh:\n    value: 0.5\n"),
            "config.yaml: tracker.track_thresh: expected a number, got a mapping");
}

TEST(ConfigLoaderTest, SectionMustBeAMapping) {
  EXPECT_EQ(LoadError("source: [a.mp4]\n"), "config.yaml: source: expected a mapping, got a list");
  EXPECT_EQ(LoadError("source: a.mp4\n"), "config.yaml: source: expected a mapping, got \"a.mp4\"");
}

TEST(ConfigLoaderTest, DuplicateKeysAreRejected) {
  EXPECT_EQ(LoadError("gate:\n  width: 320\n  width: 640\n"),
            "config.yaml: gate.width: duplicate key");
  EXPECT_EQ(LoadError("gate: {}\ngate: {}\n"), "config.yaml: gate: duplicate section");
}

TEST(ConfigLoaderTest, OddKeysStayOnOneLine) {
  EXPECT_EQ(LoadError("tracker:\n  \"a\\nb\": 1\n"),
            "config.yaml: tracker.\"a\\nb\": unknown key (expected one of [track_thresh, "
            "low_thresh, new_track_thresh, match_thresh, low_match_thresh, "
            "unconfirmed_match_thresh, track_buffer_s, fuse_score, min_box_area, reference_fps, "
            "max_aspect_ratio, duplicate_iou_dist, duplicate_only_respawn, class_aware, "
            "nsa_kalman, nsa_min_scale, adaptive_noise, center_dist_weight, confirm_hits, "
            "recover_buffer, "
            "recover_match_thresh, recover_from_last_obs, static_suppress_s, static_move_frac, "
            "height_iou, observation_reupdate, momentum_weight, appearance_weight, "
            "appearance_momentum, camera_motion])");
  EXPECT_EQ(LoadError("tracker:\n  [a, b]: 1\n"),
            "config.yaml: tracker: expected a key name, got a list");
}

// ---- types ----

TEST(ConfigLoaderTest, WrongTypes) {
  EXPECT_EQ(LoadError("pipeline:\n  detect_interval: two\n"),
            "config.yaml: pipeline.detect_interval: expected an integer, got \"two\"");
  EXPECT_EQ(LoadError("pipeline:\n  detect_interval: 2.5\n"),
            "config.yaml: pipeline.detect_interval: expected an integer, got 2.5");
  EXPECT_EQ(LoadError("detector:\n  score_threshold: high\n"),
            "config.yaml: detector.score_threshold: expected a number, got \"high\"");
  EXPECT_EQ(LoadError("detector:\n  score_threshold: .nan\n"),
            "config.yaml: detector.score_threshold: expected a number, got \".nan\"");
  EXPECT_EQ(LoadError("gate:\n  enabled: maybe\n"),
            "config.yaml: gate.enabled: expected a boolean (true or false), got \"maybe\"");
  EXPECT_EQ(LoadError("gate:\n  enabled: 1\n"),
            "config.yaml: gate.enabled: expected a boolean (true or false), got 1");
  EXPECT_EQ(LoadError("gate:\n  width:\n"),
            "config.yaml: gate.width: expected an integer, got an empty value");
  EXPECT_EQ(LoadError("source:\n  uri: [a, b]\n"),
            "config.yaml: source.uri: expected a string, got a list");
}

TEST(ConfigLoaderTest, ListTypes) {
  EXPECT_EQ(LoadError("detector:\n  classes: person\n"),
            "config.yaml: detector.classes: expected a list of strings, got \"person\"");
  EXPECT_EQ(LoadError("detector:\n  classes: [person, {a: 1}]\n"),
            "config.yaml: detector.classes[1]: expected a string, got a mapping");
  EXPECT_EQ(LoadError("detector:\n  classes: [person, \"\"]\n"),
            "config.yaml: detector.classes[1]: expected a non-empty string, got \"\"");
  AppConfig c = LoadOk("detector:\n  classes:\n    - person\n    - traffic light\n");
  EXPECT_EQ(c.detector.classes, (std::vector<std::string>{"person", "traffic light"}));
  EXPECT_TRUE(LoadOk("detector:\n  classes:\n").detector.classes.empty());
}

TEST(ConfigLoaderTest, ScalarSpellingsAccepted) {
  AppConfig c = LoadOk(
      "gate:\n  enabled: off\n  keepalive_s: 2\n  min_area: 1e-3\n"
      "tracker:\n  fuse_score: No\n  track_thresh: \"0.7\"\n  min_box_area: +25\n"
      "source:\n  stream_id: 123\n  synthetic_seed: 0\n");
  EXPECT_FALSE(c.gate.enabled);
  EXPECT_DOUBLE_EQ(c.gate.keepalive_s, 2.0);
  EXPECT_FLOAT_EQ(c.gate.min_area, 1e-3f);
  EXPECT_FALSE(c.tracker.fuse_score);
  EXPECT_FLOAT_EQ(c.tracker.track_thresh, 0.7f);
  EXPECT_FLOAT_EQ(c.tracker.min_box_area, 25.f);
  EXPECT_EQ(c.source.stream_id, "123");
}

TEST(ConfigLoaderTest, LongValuesAreShortenedInMessages) {
  const std::string msg = LoadError("gate:\n  width: " + std::string(200, 'x') + "\n");
  EXPECT_THAT(msg, HasSubstr("got \"" + std::string(60, 'x') + "\"..."));
}

// ---- ranges ----

TEST(ConfigLoaderTest, OutOfRange) {
  EXPECT_EQ(LoadError("detector:\n  score_threshold: 1.5\n"),
            "config.yaml: detector.score_threshold: expected a number in [0, 1], got 1.5");
  EXPECT_EQ(LoadError("gate:\n  width: 16\n"),
            "config.yaml: gate.width: expected an integer in [32, 4096], got 16");
  EXPECT_EQ(LoadError("source:\n  synthetic_fps: 0\n"),
            "config.yaml: source.synthetic_fps: expected a number in (0, 240], got 0");
  EXPECT_EQ(LoadError("pipeline:\n  max_frames: -1\n"),
            "config.yaml: pipeline.max_frames: expected an integer >= 0, got -1");
  EXPECT_EQ(LoadError("pipeline:\n  max_frames: 99999999999\n"),
            "config.yaml: pipeline.max_frames: expected an integer >= 0, got 99999999999 "
            "(too large)");
  EXPECT_EQ(LoadError("tracker:\n  min_box_area: 1e39\n"),
            "config.yaml: tracker.min_box_area: expected a number >= 0, got 1e39 (too large)");
  EXPECT_EQ(LoadError("detector:\n  hog_scale: 1\n"),
            "config.yaml: detector.hog_scale: expected a number in (1, 2], got 1");
}

TEST(ConfigLoaderTest, RangeBoundsAreInclusiveWhereDocumented) {
  AppConfig c = LoadOk("detector:\n  score_threshold: 1\n  nms_iou: 0\ngate:\n  width: 32\n");
  EXPECT_EQ(c.detector.score_threshold, 1.f);
  EXPECT_EQ(c.gate.width, 32);
}

// ---- enums ----

TEST(ConfigLoaderTest, EnumValues) {
  EXPECT_EQ(LoadError("detector:\n  type: yolo\n"),
            "config.yaml: detector.type: expected one of [nanodet, onnx, hog, motion], got "
            "\"yolo\"");
  EXPECT_EQ(LoadError("source:\n  rtsp_transport: http\n"),
            "config.yaml: source.rtsp_transport: expected one of [tcp, udp], got \"http\"");
  EXPECT_EQ(LoadError("pipeline:\n  queue_policy: drop_newest\n"),
            "config.yaml: pipeline.queue_policy: expected one of [auto, drop_oldest, block], got "
            "\"drop_newest\"");
  EXPECT_EQ(LoadError("detector:\n  format: yolov7\n"),
            "config.yaml: detector.format: expected one of [\"\", nanodet, yolov5, yolov8, "
            "yolo11], got \"yolov7\"");
}

TEST(ConfigLoaderTest, EnumsMatchCaseInsensitivelyAndStoreCanonicalSpelling) {
  AppConfig c = LoadOk(
      "detector:\n  type: ONNX\n  model: m.onnx\n  format: YOLOv8\n"
      "source:\n  rtsp_transport: UDP\n");
  EXPECT_EQ(c.detector.type, "onnx");
  EXPECT_EQ(c.detector.format, "yolov8");
  EXPECT_EQ(c.source.rtsp_transport, "udp");
}

// ---- cross-field ----

TEST(ConfigLoaderTest, CrossFieldChecks) {
  EXPECT_EQ(LoadError("tracker:\n  low_thresh: 0.6\n"),
            "config.yaml: tracker.low_thresh: must be below tracker.track_thresh (0.5), got 0.6");
  EXPECT_EQ(LoadError("tracker:\n  low_thresh: 0.5\n"),
            "config.yaml: tracker.low_thresh: must be below tracker.track_thresh (0.5), got 0.5");
  EXPECT_EQ(LoadError("detector:\n  type: onnx\n"),
            "config.yaml: detector.model: required when detector.type is onnx");
  EXPECT_EQ(LoadError("detector:\n  input_size: 100\n"),
            "config.yaml: detector.input_size: expected 0 or a multiple of 32, got 100");
  EXPECT_THAT(LoadError("detector:\n  format: yolov8\n"),
              StartsWith("config.yaml: detector.format: detector.type nanodet needs format"));
  EXPECT_EQ(LoadError("source:\n  stream_id: cam/0\n"),
            "config.yaml: source.stream_id: expected 1-64 characters of [A-Za-z0-9_-], got "
            "\"cam/0\"");
  EXPECT_THAT(LoadError("source:\n  stream_id: \"\"\n"), HasSubstr("source.stream_id"));
  EXPECT_EQ(LoadError("source:\n  uri: a.mp4\n  rtsp_listen: true\n"),
            "config.yaml: source.rtsp_listen: needs an rtsp:// source.uri, got \"a.mp4\"");
  EXPECT_THAT(LoadError("source:\n  uri: a.mp4\n  ground_truth_out: gt.txt\n"),
              StartsWith("config.yaml: source.ground_truth_out: only synthetic: sources"));
  EXPECT_THAT(LoadError("output:\n  events_out: x\n  annotate: x\n"),
              StartsWith("config.yaml: output.annotate: same file as output.events_out"));
}

TEST(ConfigLoaderTest, CrossFieldValidCombinations) {
  AppConfig c = LoadOk(
      "source:\n  uri: rtsp://0.0.0.0:8554/live\n  rtsp_listen: true\n"
      "detector:\n  type: onnx\n  model: y.onnx\n  input_size: 640\n"
      "tracker:\n  track_thresh: 0.3\n  low_thresh: 0.05\n");
  EXPECT_TRUE(c.source.rtsp_listen);
  EXPECT_EQ(c.detector.input_size, 640);
  // ground truth / listen are checked only once the uri is known (--source may supply it).
  LoadOk("source:\n  ground_truth_out: gt.txt\n  rtsp_listen: true\n");
  LoadOk("source:\n  uri: synthetic:crowd\n  ground_truth_out: gt.txt\n");
}

TEST(ConfigLoaderTest, ClassesAreNormalised) {
  AppConfig c = LoadOk("detector:\n  classes: [person, car, person, \" car \"]\n");
  EXPECT_EQ(c.detector.classes, (std::vector<std::string>{"person", "car"}));
}

// ---- overrides ----

TEST(ConfigOverrideTest, SetsAValueThroughTheSchema) {
  AppConfig c;
  ASSERT_TRUE(ApplyOverride(&c, "tracker.track_thresh", "0.6").ok());
  EXPECT_FLOAT_EQ(c.tracker.track_thresh, 0.6f);
  ASSERT_TRUE(ApplyOverride(&c, "gate.enabled", "false").ok());
  EXPECT_FALSE(c.gate.enabled);
  ASSERT_TRUE(ApplyOverride(&c, "pipeline.detect_interval", "3").ok());
  EXPECT_EQ(c.pipeline.detect_interval, 3);
  ASSERT_TRUE(ApplyOverride(&c, "detector.classes", "[person, car]").ok());
  EXPECT_EQ(c.detector.classes, (std::vector<std::string>{"person", "car"}));
  ASSERT_TRUE(ApplyOverride(&c, "detector.classes", "").ok());
  EXPECT_TRUE(c.detector.classes.empty());
  ASSERT_TRUE(ApplyOverride(&c, "source.rtsp_transport", "UDP").ok());
  EXPECT_EQ(c.source.rtsp_transport, "udp");
}

TEST(ConfigOverrideTest, StringsAreVerbatim) {
  AppConfig c;
  ASSERT_TRUE(ApplyOverride(&c, "output.annotate", "clips/run #1: [a].mp4").ok());
  EXPECT_EQ(c.output.annotate, "clips/run #1: [a].mp4");
  ASSERT_TRUE(ApplyOverride(&c, "output.annotate", "").ok());
  EXPECT_EQ(c.output.annotate, "");
}

TEST(ConfigOverrideTest, ErrorsNameTheKeyAndLeaveConfigUnchanged) {
  AppConfig c;
  c.tracker.track_thresh = 0.4f;
  const std::string before = ToYaml(c);
  Status s = ApplyOverride(&c, "tracker.track_thresh", "2");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--set tracker.track_thresh: expected a number in [0, 1], got 2");
  s = ApplyOverride(&c, "tracker.trak_thresh", "0.5");
  EXPECT_EQ(s.message(), "--set tracker.trak_thresh: unknown key (did you mean 'track_thresh'?)");
  s = ApplyOverride(&c, "trackr.track_thresh", "0.5");
  EXPECT_EQ(s.message(), "--set trackr: unknown section (did you mean 'tracker'?)");
  s = ApplyOverride(&c, "track_thresh", "0.5");
  EXPECT_THAT(s.message(), StartsWith("--set track_thresh: expected section.key"));
  s = ApplyOverride(&c, "pipeline.detect_interval", "two");
  EXPECT_EQ(s.message(), "--set pipeline.detect_interval: expected an integer, got \"two\"");
  s = ApplyOverride(&c, "detector.classes", "[person");
  EXPECT_THAT(s.message(), StartsWith("--set detector.classes: invalid YAML value"));
  s = ApplyOverride(&c, "detector.score_threshold", "");
  EXPECT_EQ(s.message(), "--set detector.score_threshold: expected a number, got \"\"");
  // Cross-field: low_thresh must stay below track_thresh (0.4).
  s = ApplyOverride(&c, "tracker.low_thresh", "0.45");
  EXPECT_EQ(s.message(),
            "--set tracker.low_thresh: must be below tracker.track_thresh (0.4), got 0.45");
  EXPECT_EQ(ToYaml(c), before);
}

TEST(ConfigOverrideTest, ApplyOverridesValidatesOnceAtTheEnd) {
  AppConfig c;
  // Alone, track_thresh 0.05 is below the default low_thresh 0.1 and fails...
  EXPECT_FALSE(ApplyOverride(&c, "tracker.track_thresh", "0.05").ok());
  // ...together with a lower low_thresh it is fine.
  Status s = ApplyOverrides(&c, {"tracker.track_thresh=0.05", "tracker.low_thresh=0.01"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FLOAT_EQ(c.tracker.track_thresh, 0.05f);
  EXPECT_FLOAT_EQ(c.tracker.low_thresh, 0.01f);
  // Value may contain '='; only the first one splits.
  ASSERT_TRUE(ApplyOverrides(&c, {"source.uri=rtsp://h/x?a=b"}).ok());
  EXPECT_EQ(c.source.uri, "rtsp://h/x?a=b");
  // All or nothing.
  const std::string before = ToYaml(c);
  s = ApplyOverrides(&c, {"gate.width=64", "gate.widht=64"});
  EXPECT_EQ(s.message(), "--set gate.widht: unknown key (did you mean 'width'?)");
  s = ApplyOverrides(&c, {"gate.width"});
  EXPECT_EQ(s.message(), "--set \"gate.width\": expected section.key=value");
  EXPECT_EQ(ToYaml(c), before);
}

TEST(ConfigOverrideTest, EveryKeyCanBeSetToItsOwnPrintedValue) {
  // For each key, print the current value of a non-default config and set it back.
  AppConfig c;
  c.detector.classes = {"person"};
  c.source.uri = "synthetic:crowd";
  for (const SectionSpec& section : ConfigSchema()) {
    for (const FieldSpec& field : section.fields) {
      std::string text = FormatFieldValue(field, c);
      if (field.type == FieldType::kString) text = text.substr(1, text.size() - 2);
      Status s = ApplyOverride(&c, section.name + "." + field.name, text);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  }
  EXPECT_EQ(c.detector.classes, std::vector<std::string>{"person"});
  EXPECT_EQ(c.source.uri, "synthetic:crowd");
}

}  // namespace
}  // namespace es
