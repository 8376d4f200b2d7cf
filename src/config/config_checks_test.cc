#include "config/config_checks.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(ConfigChecksTest, DefaultsAreValid) {
  Status s = ValidateConfig(AppConfig{});
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(ConfigChecksTest, HandEditedConfigGetsSchemaErrorsWithPath) {
  // The app sets fields from flags (--max-frames) directly; ValidateConfig catches them.
  AppConfig c;
  c.pipeline.max_frames = -5;
  EXPECT_EQ(ValidateConfig(c).message(), "pipeline.max_frames: expected an integer >= 0, got -5");
  c = AppConfig{};
  c.pipeline.queue_policy = "drop_newest";
  EXPECT_EQ(ValidateConfig(c).message(),
            "pipeline.queue_policy: expected one of [auto, drop_oldest, block], got \"drop_newest\"");
  c = AppConfig{};
  c.gate.width = 31;
  EXPECT_EQ(ValidateConfig(c).code(), StatusCode::kInvalidArgument);
}

TEST(ConfigChecksTest, CrossFieldRules) {
  AppConfig c;
  c.tracker.track_thresh = 0.2f;
  c.tracker.low_thresh = 0.3f;
  EXPECT_EQ(ValidateConfig(c).message(),
            "tracker.low_thresh: must be below tracker.track_thresh (0.2), got 0.3");
  c = AppConfig{};
  c.detector.type = "onnx";
  EXPECT_EQ(ValidateConfig(c).message(), "detector.model: required when detector.type is onnx");
  c.detector.model = "m.onnx";
  c.detector.format = "yolov5";
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.detector.type = "nanodet";
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.detector.format = "nanodet";
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.detector.input_size = 416;
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.detector.input_size = 415;
  EXPECT_EQ(ValidateConfig(c).message(),
            "detector.input_size: expected 0 or a multiple of 32, got 415");
}

TEST(ConfigChecksTest, StreamIdIsATopicLevel) {
  AppConfig c;
  for (const char* ok : {"cam0", "Gate_2-north", "7"}) {
    c.source.stream_id = ok;
    EXPECT_TRUE(ValidateConfig(c).ok()) << ok;
  }
  for (const char* bad : {"", "a/b", "a+b", "#", "with space", "é"}) {
    c.source.stream_id = bad;
    EXPECT_FALSE(ValidateConfig(c).ok()) << bad;
  }
  c.source.stream_id = std::string(64, 'a');
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.source.stream_id = std::string(65, 'a');
  EXPECT_FALSE(ValidateConfig(c).ok());
}

TEST(ConfigChecksTest, NormaliseTrimsAndDedupesClassesAndIsIdempotent) {
  AppConfig c;
  c.detector.classes = {" person", "car", "person ", "\t", "bus"};
  NormaliseConfig(&c);
  const std::vector<std::string> expected = {"person", "car", "bus"};
  EXPECT_EQ(c.detector.classes, expected);
  NormaliseConfig(&c);
  EXPECT_EQ(c.detector.classes, expected);
}

}  // namespace
}  // namespace es
