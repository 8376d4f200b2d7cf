#include "detect/letterbox.h"

#include <gtest/gtest.h>

namespace es {
namespace {

void ExpectBoxNear(const BBox& a, const BBox& b, float tol) {
  EXPECT_NEAR(a.x, b.x, tol);
  EXPECT_NEAR(a.y, b.y, tol);
  EXPECT_NEAR(a.w, b.w, tol);
  EXPECT_NEAR(a.h, b.h, tol);
}

TEST(LetterboxTest, WideFrameCenteredPadsTopAndBottom) {
  const LetterboxTransform t = ComputeLetterbox({1280, 720}, 416, 416, /*center=*/true);
  EXPECT_FLOAT_EQ(t.scale, 416.f / 1280.f);
  EXPECT_EQ(t.pad_x, 0.f);
  EXPECT_EQ(t.pad_y, 91.f);  // resized 416 x 234, (416 - 234) / 2
  EXPECT_EQ(t.src_width, 1280);
  EXPECT_EQ(t.src_height, 720);
}

TEST(LetterboxTest, TallFrameCenteredPadsLeftAndRight) {
  const LetterboxTransform t = ComputeLetterbox({720, 1280}, 416, 416, /*center=*/true);
  EXPECT_FLOAT_EQ(t.scale, 416.f / 1280.f);
  EXPECT_EQ(t.pad_x, 91.f);
  EXPECT_EQ(t.pad_y, 0.f);
}

TEST(LetterboxTest, NotCenteredPadsOnlyRightAndBottom) {
  const LetterboxTransform wide = ComputeLetterbox({1280, 720}, 416, 416, /*center=*/false);
  const LetterboxTransform tall = ComputeLetterbox({720, 1280}, 416, 416, /*center=*/false);
  EXPECT_EQ(wide.pad_x, 0.f);
  EXPECT_EQ(wide.pad_y, 0.f);
  EXPECT_EQ(tall.pad_x, 0.f);
  EXPECT_EQ(tall.pad_y, 0.f);
}

TEST(LetterboxTest, NonSquareDestinationUsesTheTighterSide) {
  const LetterboxTransform t = ComputeLetterbox({640, 480}, 320, 320, true);
  EXPECT_FLOAT_EQ(t.scale, 0.5f);
  EXPECT_EQ(t.pad_y, 40.f);
  const LetterboxTransform u = ComputeLetterbox({640, 480}, 640, 320, true);
  EXPECT_FLOAT_EQ(u.scale, 320.f / 480.f);
  EXPECT_EQ(u.pad_x, 106.f);  // resized 427 wide; integral pad floor((640 - 427) / 2)
}

TEST(LetterboxTest, RoundTripBoxesInsideTheFrame) {
  for (bool center : {true, false}) {
    for (cv::Size src : {cv::Size(1920, 1080), cv::Size(480, 640), cv::Size(416, 416)}) {
      const LetterboxTransform t = ComputeLetterbox(src, 416, 416, center);
      const BBox b{100.f, 50.f, 200.f, 300.f};
      ExpectBoxNear(t.ToSource(t.ToNet(b)), b, 1e-3f);
      // Network box -> source and back also round trips when it lies over the image.
      const BBox n = t.ToNet(b);
      ExpectBoxNear(t.ToNet(t.ToSource(n)), n, 1e-3f);
    }
  }
}

TEST(LetterboxTest, ToSourceUndoesPadAndScale) {
  const LetterboxTransform t = ComputeLetterbox({1280, 720}, 416, 416, true);
  // A network box at (0, 91) with size 416 x 234 is exactly the image area.
  ExpectBoxNear(t.ToSource({0.f, 91.f, 416.f, 234.f}), {0.f, 0.f, 1280.f, 720.f}, 0.5f);
  ExpectBoxNear(t.ToSource({104.f, 91.f + 52.f, 52.f, 26.f}),
                {320.f, 160.f, 160.f, 80.f}, 1e-3f);
}

TEST(LetterboxTest, ToSourceClipsToTheFrame) {
  const LetterboxTransform t = ComputeLetterbox({1280, 720}, 416, 416, true);
  // Extends into the top padding and past the right edge.
  const BBox s = t.ToSource({380.f, 60.f, 100.f, 100.f});
  EXPECT_FLOAT_EQ(s.y, 0.f);
  EXPECT_FLOAT_EQ(s.x2(), 1280.f);
  EXPECT_NEAR(s.x, 380.f / t.scale, 1e-2f);
  EXPECT_NEAR(s.y2(), (160.f - 91.f) / t.scale, 1e-2f);
  // Entirely inside the bottom padding: empty.
  const BBox gone = t.ToSource({10.f, 330.f, 50.f, 50.f});
  EXPECT_EQ(gone.area(), 0.f);
  EXPECT_GE(gone.w, 0.f);
  EXPECT_GE(gone.h, 0.f);
}

TEST(LetterboxTest, ApplyPlacesImageAndPadsWithValue) {
  // Left half red, right half blue, 200 x 100.
  cv::Mat src(100, 200, CV_8UC3, cv::Scalar(255, 0, 0));
  src(cv::Rect(0, 0, 100, 100)).setTo(cv::Scalar(0, 0, 255));
  const cv::Scalar pad(114, 114, 114);
  const LetterboxTransform t = ComputeLetterbox(src.size(), 64, 64, true);
  const cv::Mat out = ApplyLetterbox(src, t, 64, 64, pad);
  ASSERT_EQ(out.size(), cv::Size(64, 64));
  ASSERT_EQ(out.type(), CV_8UC3);
  EXPECT_EQ(t.pad_y, 16.f);  // resized 64 x 32
  EXPECT_EQ(out.at<cv::Vec3b>(5, 30), cv::Vec3b(114, 114, 114));   // top padding
  EXPECT_EQ(out.at<cv::Vec3b>(60, 30), cv::Vec3b(114, 114, 114));  // bottom padding
  EXPECT_EQ(out.at<cv::Vec3b>(32, 10), cv::Vec3b(0, 0, 255));      // left half: red
  EXPECT_EQ(out.at<cv::Vec3b>(32, 54), cv::Vec3b(255, 0, 0));      // right half: blue

  const LetterboxTransform tl = ComputeLetterbox(src.size(), 64, 64, false);
  const cv::Mat out2 = ApplyLetterbox(src, tl, 64, 64, pad);
  EXPECT_EQ(out2.at<cv::Vec3b>(10, 10), cv::Vec3b(0, 0, 255));     // image at the top
  EXPECT_EQ(out2.at<cv::Vec3b>(40, 10), cv::Vec3b(114, 114, 114));  // padding below
}

TEST(LetterboxTest, ApplyEnlargesSmallFrames) {
  cv::Mat src(20, 10, CV_8UC3, cv::Scalar(1, 2, 3));
  const LetterboxTransform t = ComputeLetterbox(src.size(), 40, 40, true);
  EXPECT_FLOAT_EQ(t.scale, 2.f);
  EXPECT_EQ(t.pad_x, 10.f);
  const cv::Mat out = ApplyLetterbox(src, t, 40, 40, cv::Scalar(0, 0, 0));
  EXPECT_EQ(cv::countNonZero(out.reshape(1)), 20 * 40 * 3);
}

TEST(LetterboxTest, EmptySourceIsHarmless) {
  const LetterboxTransform t = ComputeLetterbox({0, 0}, 416, 416, true);
  EXPECT_EQ(t.scale, 1.f);
  EXPECT_EQ(t.ToSource({1.f, 2.f, 3.f, 4.f}).area(), 0.f);
  const cv::Mat out = ApplyLetterbox(cv::Mat(), t, 8, 8, cv::Scalar(7, 7, 7));
  ASSERT_EQ(out.size(), cv::Size(8, 8));
  EXPECT_EQ(out.at<cv::Vec3b>(3, 3), cv::Vec3b(7, 7, 7));
}

}  // namespace
}  // namespace es
