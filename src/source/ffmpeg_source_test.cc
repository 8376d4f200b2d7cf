#include "source/ffmpeg_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#include "source/reconnect_policy.h"
#include "source/source_test_util.h"
#include "source/video_source.h"

namespace es {
namespace {

using namespace testutil;  // NOLINT: test helpers

TEST(ReconnectPolicyTest, DoublesAndCaps) {
  ReconnectPolicy p;
  p.first_delay_ms = 500;
  EXPECT_EQ(p.DelayMs(0), 0);
  EXPECT_EQ(p.DelayMs(1), 500);
  EXPECT_EQ(p.DelayMs(2), 1000);
  EXPECT_EQ(p.DelayMs(4), 4000);
  EXPECT_EQ(p.DelayMs(5), 8000);
  EXPECT_EQ(p.DelayMs(30), ReconnectPolicy::kMaxDelayMs);
  p.jitter_fraction = 0.2;
  p.seed = 42;
  const int64_t d = p.DelayMs(2);
  EXPECT_GE(d, 1000);
  EXPECT_LE(d, 1200);
  EXPECT_EQ(d, p.DelayMs(2));  // deterministic
}

TEST(FfmpegSourceTest, RedactsCredentials) {
  EXPECT_EQ(FfmpegSource::RedactUri("rtsp://admin:secret@10.0.0.5:554/stream1"),
            "rtsp://***@10.0.0.5:554/stream1");
  EXPECT_EQ(FfmpegSource::RedactUri("rtsp://10.0.0.5/a@b"), "rtsp://10.0.0.5/a@b");
  EXPECT_EQ(FfmpegSource::RedactUri("/tmp/x.avi"), "/tmp/x.avi");
}

TEST(FfmpegSourceTest, ReadsEveryFrameOfVtestThenEndOfStream) {
  REQUIRE_VTEST();
  SourceOptions o = FileOptions(kVtest);
  o.stream_id = "vt";
  FfmpegSource src(o);
  int64_t packets = 0;
  src.SetPacketCallback([&](const AVPacket& pkt, const AVStream& st) {
    EXPECT_EQ(pkt.stream_index, st.index);
    EXPECT_GT(pkt.size, 0);
    ++packets;
  });
  ASSERT_TRUE(src.Open().ok());
  const SourceInfo info = src.info();
  EXPECT_EQ(info.width, 768);
  EXPECT_EQ(info.height, 576);
  EXPECT_DOUBLE_EQ(info.fps, 10.0);
  EXPECT_EQ(info.frame_count, kVtestFrames);
  EXPECT_EQ(info.codec, "msmpeg4v3");
  EXPECT_FALSE(info.live);

  Frame f;
  int64_t n = 0, last_pts = -1;
  Timestamp last_capture;
  Status st;
  while ((st = src.Read(&f)).ok()) {
    ASSERT_EQ(f.meta.seq, n);
    ASSERT_EQ(f.meta.stream_id, "vt");
    ASSERT_GT(f.meta.pts_us, last_pts);
    ASSERT_GE(f.meta.capture, last_capture);
    ASSERT_EQ(f.image.type(), CV_8UC3);
    ASSERT_EQ(f.image.cols, 768);
    ASSERT_EQ(f.image.rows, 576);
    last_pts = f.meta.pts_us;
    last_capture = f.meta.capture;
    ++n;
  }
  EXPECT_EQ(st.code(), StatusCode::kEndOfStream) << st.ToString();
  EXPECT_EQ(n, kVtestFrames);
  EXPECT_EQ(last_pts, (kVtestFrames - 1) * 100000);  // 10 fps, starts at 0
  EXPECT_EQ(packets, kVtestFrames);
  EXPECT_EQ(src.Read(&f).code(), StatusCode::kEndOfStream);  // sticky
}

TEST(FfmpegSourceTest, FirstFrameIsNotBlank) {
  REQUIRE_VTEST();
  FfmpegSource src(FileOptions(kVtest));
  ASSERT_TRUE(src.Open().ok());
  Frame f;
  ASSERT_TRUE(src.Read(&f).ok());
  cv::Scalar mean, dev;
  cv::meanStdDev(f.image, mean, dev);
  EXPECT_GT(dev[0], 10.0);  // a real street scene, not a uniform buffer
  EXPECT_GT(mean[0], 30.0);
}

TEST(FfmpegSourceTest, RealtimePacesAtNativeRate) {
  REQUIRE_VTEST();
  SourceOptions o = FileOptions(kVtest);
  o.realtime = true;
  FfmpegSource src(o);
  ASSERT_TRUE(src.Open().ok());
  Frame f;
  ASSERT_TRUE(src.Read(&f).ok());
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(src.Read(&f).ok());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(s, 0.45);  // 5 frames at 10 fps
  EXPECT_LT(s, 2.0);
}

TEST(FfmpegSourceTest, MissingFileIsNotFound) {
  FfmpegSource src(FileOptions("/nonexistent/dir/clip.avi"));
  const Status st = src.Open();
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(),
            "cannot open video '/nonexistent/dir/clip.avi': No such file or directory");
}

TEST(FfmpegSourceTest, TextFileIsNotAVideo) {
  const fs::path txt = TempPath("notes.txt");
  {
    std::ofstream out(txt);
    for (int i = 0; i < 50; ++i) out << "person bicycle car motorcycle line " << i << "\n";
  }
  std::vector<std::string> paths = {txt.string()};
  if (fs::exists("/usr/share/darknet/data/coco.names")) {
    paths.push_back("/usr/share/darknet/data/coco.names");
  }
  for (const auto& p : paths) {
    FfmpegSource src(FileOptions(p));
    const Status st = src.Open();
    EXPECT_EQ(st.code(), StatusCode::kDataLoss) << p << ": " << st.ToString();
    EXPECT_EQ(st.message().rfind("'" + p + "' is not a video: ", 0), 0u) << st.message();
  }
}

TEST(FfmpegSourceTest, EmptyFileIsNotAVideo) {
  const fs::path empty = TempPath("empty.avi");
  std::ofstream(empty).close();
  FfmpegSource src(FileOptions(empty.string()));
  EXPECT_EQ(src.Open().code(), StatusCode::kDataLoss);
}

TEST(FfmpegSourceTest, TruncatedAviReturnsGoodFramesThenDataLoss) {
  REQUIRE_VTEST();
  const fs::path cut = TempPath("vtest_40.avi");
  CopyPrefix(kVtest, cut, 0.4);
  FfmpegSource src(FileOptions(cut.string()));
  ASSERT_TRUE(src.Open().ok());
  EXPECT_EQ(src.info().frame_count, kVtestFrames);  // the header still declares all of them
  Frame f;
  int64_t n = 0;
  Status st;
  while ((st = src.Read(&f)).ok()) ++n;
  EXPECT_GT(n, 200);
  EXPECT_LT(n, 400);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("video truncated: decoded " + std::to_string(n) + " of 795 frames"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(src.Read(&f).code(), StatusCode::kDataLoss);  // sticky
}

class FfmpegMp4Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing";
    if (!HaveFfmpegCli()) GTEST_SKIP() << "ffmpeg command line tool not installed";
  }
  fs::path Encode(const std::string& name, const std::string& extra) {
    const fs::path out = TempPath(name);
    const std::string cmd = std::string("ffmpeg -hide_banner -loglevel error -y -i ") + kVtest +
                            " -t 4 -an -c:v " + PushCodec() + " " + extra + " " + out.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return out;
  }
};

TEST_F(FfmpegMp4Test, CompleteMp4EndsCleanly) {
  const fs::path mp4 = Encode("full.mp4", "");
  FfmpegSource src(FileOptions(mp4.string()));
  ASSERT_TRUE(src.Open().ok());
  EXPECT_EQ(src.info().frame_count, 40);
  Frame f;
  int n = 0;
  Status st;
  while ((st = src.Read(&f)).ok()) ++n;
  EXPECT_EQ(st.code(), StatusCode::kEndOfStream) << st.ToString();
  EXPECT_EQ(n, 40);
}

TEST_F(FfmpegMp4Test, MoovlessTruncatedMp4FailsAtOpen) {
  const fs::path mp4 = Encode("moov_last.mp4", "");
  const fs::path cut = TempPath("moov_last_cut.mp4");
  CopyPrefix(mp4, cut, 0.5);
  FfmpegSource src(FileOptions(cut.string()));
  const Status st = src.Open();
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("is not a video"), std::string::npos) << st.message();
}

TEST_F(FfmpegMp4Test, FaststartTruncatedMp4ReturnsFramesThenDataLoss) {
  const fs::path mp4 = Encode("faststart.mp4", "-movflags +faststart");
  const fs::path cut = TempPath("faststart_cut.mp4");
  CopyPrefix(mp4, cut, 0.5);
  FfmpegSource src(FileOptions(cut.string()));
  ASSERT_TRUE(src.Open().ok());
  Frame f;
  int n = 0;
  Status st;
  while ((st = src.Read(&f)).ok()) ++n;
  EXPECT_GT(n, 0);
  EXPECT_LT(n, 40);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("video truncated"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace es
