#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "source/ffmpeg_source.h"
#include "source/source_test_util.h"

namespace es {
namespace {

using namespace testutil;  // NOLINT: test helpers

TEST(FfmpegRtspTest, PullFromClosedPortIsUnavailableAfterBoundedRetries) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1:" + std::to_string(port) + "/cam";
  o.reconnect_attempts = 2;
  o.reconnect_backoff_ms = 100;
  o.open_timeout_ms = 2000;
  FfmpegSource src(o);
  const auto t0 = std::chrono::steady_clock::now();
  const Status st = src.Open();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(st.message(), o.uri + ": connection refused after 3 attempts");
  EXPECT_GE(s, 0.3);  // backoff 100 + 200 ms was honoured
  EXPECT_LT(s, 10.0);
  EXPECT_TRUE(src.info().live || src.info().width == 0);
}

TEST(FfmpegRtspTest, ListenTimesOutWithoutPublisher) {
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1:" + std::to_string(FreePort()) + "/live";
  o.rtsp_listen = true;
  o.open_timeout_ms = 400;
  o.reconnect_attempts = 0;
  FfmpegSource src(o);
  const auto t0 = std::chrono::steady_clock::now();
  const Status st = src.Open();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("no publisher connected within 400 ms after 1 attempt"),
            std::string::npos)
      << st.message();
  EXPECT_LT(s, 3.0);
}

TEST(FfmpegRtspTest, InterruptUnblocksListeningOpen) {
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1:" + std::to_string(FreePort()) + "/live";
  o.rtsp_listen = true;
  o.open_timeout_ms = 60000;
  FfmpegSource src(o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    src.Interrupt();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const Status st = src.Open();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stopper.join();
  EXPECT_EQ(st.code(), StatusCode::kCancelled) << st.ToString();
  EXPECT_LT(s, 3.0);
}

TEST(FfmpegRtspTest, ListenModeReceivesPushedStreamAndReconnects) {
  REQUIRE_VTEST();
  if (!HaveFfmpegCli()) GTEST_SKIP() << "ffmpeg command line tool not installed";
  const int port = FreePort();
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1:" + std::to_string(port) + "/live";
  o.stream_id = "door";
  o.rtsp_listen = true;
  o.open_timeout_ms = 4000;  // also how long the end waits for a third publisher
  o.read_timeout_ms = 5000;
  o.reconnect_attempts = 1;  // one re-listen after the first publisher leaves, then give up
  o.reconnect_backoff_ms = 50;
  FfmpegSource src(o);
  const std::string codec = PushCodec();
  std::atomic<int> push1{-100}, push2{-100};
  std::thread pusher([&] {
    push1 = PushVtest(port, 2.0, codec);
    push2 = PushVtest(port, 2.0, codec);  // second publisher: exercises the reconnect
  });
  Status st = src.Open();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(src.info().live);
  EXPECT_EQ(src.info().width, 768);
  EXPECT_EQ(src.info().height, 576);
  EXPECT_EQ(src.info().frame_count, -1);
  EXPECT_EQ(src.info().codec, codec == "libx264" ? "h264" : "mpeg4");
  Frame f;
  int64_t n = 0, last_pts = INT64_MIN;
  while ((st = src.Read(&f)).ok()) {
    EXPECT_EQ(f.meta.seq, n);
    EXPECT_EQ(f.meta.stream_id, "door");
    EXPECT_GT(f.meta.pts_us, last_pts);
    EXPECT_EQ(f.image.cols, 768);
    last_pts = f.meta.pts_us;
    ++n;
  }
  pusher.join();
  // Two publishers of ~2 s at 10 fps; the ends of the stream then exhaust the reconnect budget.
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_GE(n, 10);
  EXPECT_EQ(src.reconnects(), 1);
  EXPECT_EQ(push1.load(), 0);
  EXPECT_EQ(push2.load(), 0);
}

// Pull mode against a real RTSP server (tests/rtsp_server.py, GStreamer). Needs the Debian
// packages python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
// gstreamer1.0-plugins-good; skipped without them.
TEST(FfmpegRtspTest, PullFromServerThenServerDiesIsUnavailable) {
  if (!HaveGstRtspServer()) {
    GTEST_SKIP() << "needs python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-{base,good}";
  }
  const int port = FreePort();
  const pid_t server =
      Spawn({"/usr/bin/python3", std::string(ES_SOURCE_DIR) + "/tests/rtsp_server.py",
             std::to_string(port), "--seconds", "60"});
  ASSERT_GT(server, 0);
  ASSERT_TRUE(WaitForListener(port, 15.0)) << "rtsp_server.py did not start";
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1:" + std::to_string(port) + "/test";
  o.reconnect_attempts = 1;
  o.reconnect_backoff_ms = 100;
  o.read_timeout_ms = 2000;
  FfmpegSource src(o);
  Status st = src.Open();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(src.info().live);
  EXPECT_EQ(src.info().codec, "mjpeg");
  EXPECT_EQ(src.info().width, 320);
  EXPECT_EQ(src.info().height, 240);
  Frame f;
  int64_t last_pts = INT64_MIN;
  for (int i = 0; i < 15; ++i) {
    st = src.Read(&f);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(f.meta.seq, i);
    EXPECT_GT(f.meta.pts_us, last_pts);
    last_pts = f.meta.pts_us;
  }
  kill(server, SIGKILL);  // the camera dies mid-stream
  WaitChild(server, 5.0);
  const auto t0 = std::chrono::steady_clock::now();
  while ((st = src.Read(&f)).ok()) {
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("connection refused after 1 attempt"), std::string::npos)
      << st.message();
  EXPECT_LT(s, 10.0);
}

}  // namespace
}  // namespace es
