#include "ops/live_view.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/jpeg_codec.h"

namespace es {
namespace {

FramePacket Packet(int seq, int width = 1280) {
  FramePacket p;
  p.frame.image = cv::Mat(width * 9 / 16, width, CV_8UC3, cv::Scalar(40, 80, 120));
  p.frame.meta.seq = seq;
  TrackOutput t;
  t.id = 7;
  t.box = {100, 100, 200, 300};
  p.tracks.push_back(t);
  return p;
}

TEST(LiveView, KeepsAtMostMaxFpsAndEncodesOncePerFrame) {
  ZoneOptions door;
  door.name = "door";
  door.polygon = {{0, 0}, {640, 0}, {640, 360}};
  LiveView view("cam0", /*max_fps=*/1000, /*max_width=*/640, {door});
  EXPECT_EQ(view.Latest().seq, 0u);  // nothing yet
  view.Offer(Packet(1));
  const LiveView::Jpeg a = view.Latest();
  ASSERT_EQ(a.seq, 1u);
  const Result<cv::Mat> jpg = DecodeJpeg(*a.bytes);
  ASSERT_TRUE(jpg.ok()) << jpg.status().ToString();
  const cv::Mat& decoded = *jpg;
  EXPECT_EQ(decoded.cols, 640);  // downscaled from 1280
  EXPECT_EQ(decoded.rows, 360);
  EXPECT_EQ(view.Latest().bytes.get(), a.bytes.get());  // the same frame is encoded once

  LiveView slow("cam1", /*max_fps=*/1, 1920, {});
  slow.Offer(Packet(1));
  slow.Offer(Packet(2));  // within the same second: skipped
  EXPECT_EQ(slow.Latest().seq, 1u);
}

TEST(LiveView, ViewersWaitForANewerFrameUntilClosed) {
  LiveView view("cam0", 1000, 1920, {});
  EXPECT_FALSE(view.WaitNewer(0, Duration::Millis(20)));  // timeout
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    view.Offer(Packet(1, 320));
  });
  EXPECT_TRUE(view.WaitNewer(0, Duration::Seconds(5)));
  producer.join();
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    view.Close();
  });
  EXPECT_FALSE(view.WaitNewer(1, Duration::Seconds(5)));  // woken by Close, not the timeout
  closer.join();
  EXPECT_TRUE(view.closed());
}

}  // namespace
}  // namespace es
