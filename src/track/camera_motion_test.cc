#include "track/camera_motion.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace es {
namespace {

// A textured scene (blurred noise with blocks), like pavement seen from a pole.
cv::Mat Scene(int w, int h, uint64_t seed) {
  cv::Mat img(h, w, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(img, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(img, img, cv::Size(0, 0), 2.0);
  for (int i = 0; i < 60; ++i) {
    const cv::Point p(rng.uniform(0, w), rng.uniform(0, h));
    cv::rectangle(img, p, p + cv::Point(rng.uniform(5, 40), rng.uniform(5, 40)),
                  cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)),
                  cv::FILLED);
  }
  return img;
}

cv::Mat Warp(const cv::Mat& img, double angle_deg, double scale, double tx, double ty) {
  cv::Mat m =
      cv::getRotationMatrix2D(cv::Point2f(img.cols / 2.f, img.rows / 2.f), angle_deg, scale);
  m.at<double>(0, 2) += tx;
  m.at<double>(1, 2) += ty;
  cv::Mat out;
  cv::warpAffine(img, out, m, img.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return out;
}

TEST(GlobalMotionTest, TheFirstFrameGivesTheIdentity) {
  GlobalMotionEstimator est;
  const CameraMotion m = est.Estimate(Scene(640, 360, 1), {});
  EXPECT_FALSE(m.ok);
  EXPECT_DOUBLE_EQ(m.m[0], 1);
  EXPECT_DOUBLE_EQ(m.m[2], 0);
}

TEST(GlobalMotionTest, APanIsMeasuredInFullSizePixels) {
  // 1280 wide: shrunk to 480 inside, the translation must come back in full-size pixels.
  const cv::Mat a = Scene(1280, 720, 2);
  GlobalMotionEstimator est;
  est.Estimate(a, {});
  const CameraMotion m = est.Estimate(Warp(a, 0, 1, 17, -9), {});
  ASSERT_TRUE(m.ok);
  EXPECT_NEAR(m.m[2], 17, 0.6);
  EXPECT_NEAR(m.m[5], -9, 0.6);
  EXPECT_NEAR(m.Scale(), 1, 0.003);
  EXPECT_GE(est.last_inliers(), 50);
}

TEST(GlobalMotionTest, RotationAndZoomAreMeasured) {
  const cv::Mat a = Scene(640, 360, 3);
  GlobalMotionEstimator est;
  est.Estimate(a, {});
  const CameraMotion m = est.Estimate(Warp(a, 1.0, 1.02, 3, 2), {});
  ASSERT_TRUE(m.ok);
  EXPECT_NEAR(m.Scale(), 1.02, 0.004);
  // A point maps where warpAffine moved it.
  cv::Mat ref = cv::getRotationMatrix2D(cv::Point2f(320, 180), 1.0, 1.02);
  const double ex =
      ref.at<double>(0, 0) * 100 + ref.at<double>(0, 1) * 50 + ref.at<double>(0, 2) + 3;
  const double ey =
      ref.at<double>(1, 0) * 100 + ref.at<double>(1, 1) * 50 + ref.at<double>(1, 2) + 2;
  double x = 0, y = 0;
  m.Map(100, 50, &x, &y);
  EXPECT_NEAR(x, ex, 0.8);
  EXPECT_NEAR(y, ey, 0.8);
}

TEST(GlobalMotionTest, ForegroundThatMovesOnItsOwnIsIgnored) {
  // A large object (a third of the frame) moves 30 px right while the camera moves 5 px left:
  // with its box given as foreground the camera's motion is measured, not the object's.
  const cv::Mat bg = Scene(640, 360, 4), obj = Scene(640, 360, 5);
  const cv::Rect r0(100, 60, 220, 240), r1 = r0 + cv::Point(30, 0);
  cv::Mat a = bg.clone();
  obj(r0).copyTo(a(r0));
  cv::Mat b = Warp(bg, 0, 1, -5, 0);
  obj(r0).copyTo(b(r1));
  GlobalMotionEstimator est;
  est.Estimate(a, {BBox{100, 60, 220, 240}});
  const CameraMotion m = est.Estimate(b, {BBox{130, 60, 220, 240}});
  ASSERT_TRUE(m.ok);
  EXPECT_NEAR(m.m[2], -5, 0.5);
  EXPECT_NEAR(m.m[5], 0, 0.5);
}

TEST(GlobalMotionTest, ABlankOrForeignFrameGivesTheIdentity) {
  GlobalMotionEstimator est;
  const cv::Mat blank(360, 640, CV_8UC3, cv::Scalar(90, 90, 90));
  est.Estimate(blank, {});
  EXPECT_FALSE(est.Estimate(blank, {}).ok);  // no corners on a blank wall
  EXPECT_FALSE(est.Estimate(cv::Mat(), {}).ok);
  EXPECT_FALSE(est.Estimate(cv::Mat(10, 10, CV_32FC1, cv::Scalar(0)), {}).ok);
  // After a foreign frame the next one starts over, and a size change does too.
  const cv::Mat a = Scene(640, 360, 6);
  EXPECT_FALSE(est.Estimate(a, {}).ok);
  EXPECT_FALSE(est.Estimate(Scene(320, 180, 6), {}).ok);
}

TEST(GlobalMotionTest, AFrameWhollyCoveredByForegroundGivesTheIdentity) {
  const cv::Mat a = Scene(640, 360, 7);
  GlobalMotionEstimator est;
  est.Estimate(a, {BBox{-10, -10, 700, 400}});
  EXPECT_FALSE(est.Estimate(Warp(a, 0, 1, 4, 0), {}).ok);
}

TEST(CameraMotionTest, MagnitudeIsTheLargestCornerDisplacement) {
  CameraMotion m;
  m.m[2] = 3;
  m.m[5] = 4;
  EXPECT_DOUBLE_EQ(m.Magnitude(100, 50), 5);
}

}  // namespace
}  // namespace es

namespace es {
namespace {

// A fixed camera (noise only) or a pan is a translation: no rotation or scale of noise.
TEST(GlobalMotionTest, WithoutRotationOrZoomTheMotionIsAPureTranslation) {
  const cv::Mat a = Scene(640, 360, 8);
  cv::Mat noisy_a = a.clone(), noisy_b;
  cv::Mat n1(a.size(), CV_16SC3), n2(a.size(), CV_16SC3);
  cv::RNG rng(3);
  rng.fill(n1, cv::RNG::NORMAL, 0, 4);
  rng.fill(n2, cv::RNG::NORMAL, 0, 4);
  cv::add(a, n1, noisy_a, cv::noArray(), CV_8UC3);
  cv::add(Warp(a, 0, 1, 6, 0), n2, noisy_b, cv::noArray(), CV_8UC3);
  GlobalMotionEstimator est;
  est.Estimate(noisy_a, {});
  const CameraMotion m = est.Estimate(noisy_b, {});
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.m[0], 1);
  EXPECT_EQ(m.m[1], 0);
  EXPECT_EQ(m.m[3], 0);
  EXPECT_EQ(m.m[4], 1);
  EXPECT_NEAR(m.m[2], 6, 0.3);
}

}  // namespace
}  // namespace es
