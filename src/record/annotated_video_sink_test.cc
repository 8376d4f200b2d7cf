#include "record/annotated_video_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/temp_dir_test_util.h"
#include "record/record_test_util.h"

namespace es {
namespace {

using namespace rectest;  // NOLINT: test helpers

// 50 frames at 10 fps of a moving track on grey.
Status WriteFrames(FrameSink& sink, int frames = 50, int64_t step_us = 100000) {
  SourceInfo info;
  info.width = 320;
  info.height = 240;
  info.fps = 10;
  ES_RETURN_IF_ERROR(sink.Start(info));
  for (int i = 0; i < frames; ++i) {
    FramePacket p;
    p.frame.image = cv::Mat(240, 320, CV_8UC3, cv::Scalar(90, 90, 90));
    p.frame.meta.stream_id = "cam0";
    p.frame.meta.seq = i;
    p.frame.meta.pts_us = i * step_us;
    TrackOutput t;
    t.id = 3;
    t.box = {10.f + 4.f * i, 50, 40, 100};
    p.tracks.push_back(t);
    ES_RETURN_IF_ERROR(sink.Consume(p));
  }
  return sink.Close();
}

TEST(AnnotatedVideoSink, WritesEveryFrameToAPlayableFileInTheContainerOfItsExtension) {
  REQUIRE_FFMPEG();
  TempDir d;
  for (const char* name : {"a.mp4", "a.mkv", "a.ts"}) {
    const std::string path = d / name;
    Result<std::unique_ptr<FrameSink>> sink = MakeAnnotatedVideoSink(path, 10);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE(WriteFrames(**sink).ok()) << name;
    const nlohmann::json p = Probe(path);
    ASSERT_TRUE(p.is_object()) << name;
    EXPECT_EQ(p["streams"][0]["codec_name"], HaveLibx264() ? "h264" : "mpeg4") << name;
    EXPECT_EQ(p["streams"][0]["width"], 320);
    int frames = 0;
    EXPECT_EQ(DecodeErrors(path, &frames), "") << name;
    EXPECT_EQ(frames, 50) << name;
  }
}

TEST(AnnotatedVideoSink, RepeatedTimestampsKeepEveryFrame) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string path = d / "same.mp4";
  Result<std::unique_ptr<FrameSink>> sink = MakeAnnotatedVideoSink(path, 10);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE(WriteFrames(**sink, 20, /*step_us=*/0).ok());
  int frames = 0;
  EXPECT_EQ(DecodeErrors(path, &frames), "");
  EXPECT_EQ(frames, 20);
}

TEST(AnnotatedVideoSink, BadPathsAndExtensionsAreRefusedBeforeTheRun) {
  TempDir d;
  const Result<std::unique_ptr<FrameSink>> avi = MakeAnnotatedVideoSink(d / "a.avi", 10);
  EXPECT_EQ(avi.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(avi.status().message().find(".mkv"), std::string::npos);
  EXPECT_FALSE(MakeAnnotatedVideoSink(d / "noext", 10).ok());
  EXPECT_FALSE(MakeAnnotatedVideoSink(d / "dir.mp4/x", 10).ok());
  const Result<std::unique_ptr<FrameSink>> gone = MakeAnnotatedVideoSink("/nonexistent/a.mp4", 10);
  EXPECT_EQ(gone.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(gone.status().message().find("/nonexistent/a.mp4"), std::string::npos);
}

// The output's folder vanishes between the start and the first frame: each frame is an error
// naming the file, and Close() neither crashes nor pretends it wrote anything.
TEST(AnnotatedVideoSink, AnOutputThatCannotBeOpenedAtTheFirstFrameIsAnErrorNotACrash) {
  TempDir d;
  const std::string dir = d / "gone";
  std::filesystem::create_directories(dir);
  Result<std::unique_ptr<FrameSink>> sink = MakeAnnotatedVideoSink(dir + "/a.mp4", 10);
  ASSERT_TRUE(sink.ok());
  std::filesystem::remove_all(dir);
  const Status s = WriteFrames(**sink, 3);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("annotated video '" + dir + "/a.mp4'"), std::string::npos)
      << s.ToString();
  FramePacket p;
  p.frame.image = cv::Mat(240, 320, CV_8UC3, cv::Scalar::all(0));
  EXPECT_FALSE((*sink)->Consume(p).ok());  // tries again, fails again
  EXPECT_TRUE((*sink)->Close().ok());
}

TEST(AnnotatedVideoSink, ASinkThatSawNoFrameClosesCleanly) {
  TempDir d;
  Result<std::unique_ptr<FrameSink>> sink = MakeAnnotatedVideoSink(d / "none.mp4", 10);
  ASSERT_TRUE(sink.ok());
  EXPECT_TRUE((*sink)->Close().ok());
}

}  // namespace
}  // namespace es
