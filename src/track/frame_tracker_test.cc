#include "track/frame_tracker.h"

#include <gtest/gtest.h>

#include "track/crowd_render.h"

namespace es {
namespace {

std::vector<Detection> Detections(const CrowdScene& scene, int frame) {
  std::vector<Detection> out;
  for (const MotRow& r : scene.det) {
    if (r.frame == frame) out.push_back(DetectionFromMotRow(r));
  }
  return out;
}

// Without frames it is exactly ByteTracker, and no cue counts as run.
TEST(FrameTrackerTest, WithoutFramesItIsTheByteTracker) {
  CrowdSceneOptions o;
  o.frames = 80;
  o.people = 15;
  const auto scene = GenerateCrowdScene(o);
  ASSERT_TRUE(scene.ok());
  FrameTracker with;
  ByteTracker plain;
  for (int f = 1; f <= o.frames; ++f) {
    const Timestamp t = Timestamp::Micros(f * 40000);
    const auto a = with.Update(cv::Mat(), Detections(*scene, f), t);
    const auto b = plain.Update(Detections(*scene, f), t);
    ASSERT_EQ(a.size(), b.size()) << "frame " << f;
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].box, b[i].box);
  }
  EXPECT_EQ(with.stats().frames, 0);
  EXPECT_TRUE(with.uses_frames());
}

// On rendered frames of a shaking camera every frame after the first has its motion measured,
// also on frames without detections (Predict), and the largest motion is the shake's size.
TEST(FrameTrackerTest, MeasuresTheCameraOnEveryFrame) {
  CrowdSceneOptions o;
  o.width = 640;
  o.height = 360;
  o.frames = 30;
  o.people = 10;
  o.camera_shake_px = 6;
  o.keep_figures = true;
  const auto scene = GenerateCrowdScene(o);
  ASSERT_TRUE(scene.ok());
  const cv::Mat bg = RenderCrowdBackground(o);
  FrameTracker tracker;
  for (int f = 1; f <= o.frames; ++f) {
    const cv::Mat img = RenderCrowdFrame(scene->frames[static_cast<size_t>(f - 1)], f - 1, bg, o);
    const Timestamp t = Timestamp::Micros(f * 40000);
    if (f % 3 == 0) {
      tracker.Predict(img, t);
    } else {
      tracker.Update(img, Detections(*scene, f), t);
    }
  }
  EXPECT_EQ(tracker.stats().frames, 30);
  EXPECT_EQ(tracker.stats().motion_measured, 29);
  EXPECT_GT(tracker.stats().max_motion_px, 2.0);
  EXPECT_LT(tracker.stats().max_motion_px, 60.0);
  ByteTrackOptions off;
  off.camera_motion = false;
  off.appearance_weight = 0;
  EXPECT_FALSE(FrameTracker(off).uses_frames());
}

}  // namespace
}  // namespace es
