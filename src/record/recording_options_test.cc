#include "record/recording_options.h"

#include <gtest/gtest.h>

#include <functional>

namespace es {
namespace {

RecordingOptions Valid() {
  RecordingOptions o;
  o.dir = "/tmp/x";
  return o;
}

TEST(RecordingOptionsTest, DefaultsWithADirAreValid) {
  EXPECT_TRUE(ValidateRecordingOptions(Valid()).ok());
}

TEST(RecordingOptionsTest, EachBadFieldIsNamed) {
  struct Case {
    std::function<void(RecordingOptions&)> edit;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {[](RecordingOptions& o) { o.dir.clear(); }, "recording.dir: must not be empty"},
      {[](RecordingOptions& o) { o.pre_event_s = 90; },
       "recording.pre_event_s: expected a number in [0, 60], got 90"},
      {[](RecordingOptions& o) { o.post_event_s = -1; }, "recording.post_event_s"},
      {[](RecordingOptions& o) { o.max_clip_s = 8; },
       "recording.max_clip_s: must be >= recording.pre_event_s + recording.post_event_s (10), got "
       "8"},
      {[](RecordingOptions& o) { o.quota_bytes = 0; },
       "recording.quota_bytes: expected an integer >= 1"},
      {[](RecordingOptions& o) { o.max_age_s = -5; }, "recording.max_age_s"},
      {[](RecordingOptions& o) { o.container = "avi"; },
       "recording.container: expected one of [mp4, mkv, ts], got \"avi\""},
      {[](RecordingOptions& o) { o.ring_max_bytes = 1000; }, "recording.ring_max_bytes"},
      {[](RecordingOptions& o) { o.reencode_crf = 60; }, "recording.reencode_crf"},
      {[](RecordingOptions& o) { o.keyframe_interval_s = 0; }, "recording.keyframe_interval_s"},
      {[](RecordingOptions& o) { o.retry_s = 0; }, "recording.retry_s"},
  };
  for (const Case& c : cases) {
    RecordingOptions o = Valid();
    c.edit(o);
    const Status s = ValidateRecordingOptions(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.expect;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace es
