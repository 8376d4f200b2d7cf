#include "detect/motion_gate.h"

#include <gtest/gtest.h>

namespace es {
namespace {

// A 640x480 textured static scene plus sensor noise; optionally a bright moving rectangle.
class Scene {
 public:
  Scene() : rng_(12345), background_(480, 640, CV_8UC3) {
    cv::RNG tex(7);
    tex.fill(background_, cv::RNG::UNIFORM, cv::Scalar::all(30), cv::Scalar::all(90));
  }
  cv::Mat Frame(const cv::Rect* object = nullptr) {
    cv::Mat noise(background_.size(), CV_16SC3);
    rng_.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(2));
    cv::Mat f;
    background_.convertTo(f, CV_16SC3);
    f += noise;
    f.convertTo(f, CV_8UC3);
    if (object) f(*object).setTo(cv::Scalar(230, 230, 230));
    return f;
  }

 private:
  cv::RNG rng_;
  cv::Mat background_;
};

GateOptions Opts(double keepalive_s = 1000.0) {
  GateOptions o;
  o.keepalive_s = keepalive_s;
  return o;
}

Timestamp At(double s) { return Timestamp::Seconds(s); }

TEST(MotionGateTest, FirstFrameRunsThenStaticSceneDoesNot) {
  Scene scene;
  MotionGate gate(Opts());
  EXPECT_TRUE(gate.ShouldDetect(scene.Frame(), At(0)));
  int runs = 0;
  for (int i = 1; i < 60; ++i) {
    const bool run = gate.ShouldDetect(scene.Frame(), At(i / 30.0));
    if (i >= 10) {  // after warm-up
      runs += run;
      EXPECT_LT(gate.last_motion_fraction(), 0.0005f) << "frame " << i;
    }
  }
  EXPECT_EQ(runs, 0);
}

TEST(MotionGateTest, MovingRectangleIsMotion) {
  Scene scene;
  MotionGate gate(Opts());
  for (int i = 0; i < 30; ++i) (void)gate.ShouldDetect(scene.Frame(), At(i / 30.0));
  int runs = 0;
  for (int i = 0; i < 20; ++i) {
    const cv::Rect obj(100 + 12 * i, 200, 40, 80);  // ~1% of the frame
    runs += gate.ShouldDetect(scene.Frame(&obj), At(1.0 + i / 30.0));
    EXPECT_GT(gate.last_motion_fraction(), 0.005f) << "frame " << i;
  }
  EXPECT_EQ(runs, 20);
}

TEST(MotionGateTest, SmallChangeBelowMinAreaIsNotMotion) {
  Scene scene;
  GateOptions o = Opts();
  o.min_area = 0.05f;  // 5% of the frame
  MotionGate gate(o);
  for (int i = 0; i < 30; ++i) (void)gate.ShouldDetect(scene.Frame(), At(i / 30.0));
  const cv::Rect obj(100, 200, 40, 80);  // ~1%
  EXPECT_FALSE(gate.ShouldDetect(scene.Frame(&obj), At(1.0)));
  EXPECT_GT(gate.last_motion_fraction(), 0.005f);
  EXPECT_LT(gate.last_motion_fraction(), 0.05f);
}

TEST(MotionGateTest, KeepaliveFollowsTimeNotFrameCount) {
  Scene scene;
  MotionGate gate(Opts(/*keepalive_s=*/1.0));
  std::vector<double> fired;
  // 10 fps for 3.05 s: fires at 0 (first frame), 1.0, 2.0, 3.0.
  for (int i = 0; i <= 30; ++i) {
    if (gate.ShouldDetect(scene.Frame(), At(i * 0.1))) fired.push_back(i * 0.1);
  }
  ASSERT_EQ(fired.size(), 4u);
  EXPECT_NEAR(fired[1], 1.0, 1e-9);
  EXPECT_NEAR(fired[2], 2.0, 1e-9);
  EXPECT_NEAR(fired[3], 3.0, 1e-9);

  // Same scene at 2 fps: every other frame fires; the gap in frames halves, not the time.
  MotionGate slow(Opts(/*keepalive_s=*/1.0));
  int n = 0;
  for (int i = 0; i < 8; ++i) n += slow.ShouldDetect(scene.Frame(), At(i * 0.5));
  EXPECT_EQ(n, 4);  // t = 0, 1, 2, 3
}

TEST(MotionGateTest, DisabledAlwaysRuns) {
  Scene scene;
  GateOptions o = Opts();
  o.enabled = false;
  MotionGate gate(o);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(gate.ShouldDetect(scene.Frame(), At(i / 30.0)));
}

TEST(MotionGateTest, ClockGoingBackwardsRuns) {
  Scene scene;
  MotionGate gate(Opts());
  for (int i = 0; i < 20; ++i) (void)gate.ShouldDetect(scene.Frame(), At(100 + i / 30.0));
  EXPECT_FALSE(gate.ShouldDetect(scene.Frame(), At(101)));
  EXPECT_TRUE(gate.ShouldDetect(scene.Frame(), At(5)));   // new source, new clock
  EXPECT_FALSE(gate.ShouldDetect(scene.Frame(), At(5.1)));
}

TEST(MotionGateTest, EmptyFrameIsIgnoredAndSizeChangeIsSafe) {
  Scene scene;
  MotionGate gate(Opts());
  EXPECT_FALSE(gate.ShouldDetect(cv::Mat(), At(0)));
  EXPECT_TRUE(gate.ShouldDetect(scene.Frame(), At(0.1)));  // still the first real frame
  cv::Mat other(240, 320, CV_8UC3, cv::Scalar(10, 10, 10));
  // A different frame size restarts the background model; no exception escapes.
  (void)gate.ShouldDetect(other, At(0.2));
  for (int i = 0; i < 20; ++i) (void)gate.ShouldDetect(other, At(0.3 + i / 30.0));
  EXPECT_FALSE(gate.ShouldDetect(other, At(1.0)));
}

}  // namespace
}  // namespace es
