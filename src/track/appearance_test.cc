#include "track/appearance.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace es {
namespace {

// A person-shaped figure: shirt over trousers, on a grey background.
cv::Mat Figure(cv::Scalar shirt, cv::Scalar trousers) {
  cv::Mat img(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::rectangle(img, cv::Rect(80, 40, 40, 60), shirt, cv::FILLED);
  cv::rectangle(img, cv::Rect(80, 100, 40, 60), trousers, cv::FILLED);
  return img;
}

const BBox kBox{80, 40, 40, 120};
const cv::Scalar kRed(30, 30, 220), kGreen(40, 200, 40), kBlue(200, 60, 30), kDark(30, 30, 30);

TEST(AppearanceTest, TheSameClothesAreSimilarOtherClothesAreNot) {
  const AppearanceFeature a = ComputeAppearance(Figure(kRed, kBlue), kBox);
  const AppearanceFeature b = ComputeAppearance(Figure(kRed, kBlue), BBox{79, 41, 42, 118});
  const AppearanceFeature c = ComputeAppearance(Figure(kGreen, kBlue), kBox);
  const AppearanceFeature d = ComputeAppearance(Figure(kGreen, kDark), kBox);
  EXPECT_GT(AppearanceSimilarity(a, b), 0.95);
  EXPECT_NEAR(AppearanceSimilarity(a, c), 0.5, 0.05);  // the legs match, the torso does not
  EXPECT_LT(AppearanceSimilarity(a, d), 0.05);
  EXPECT_NEAR(AppearanceSimilarity(a, a), 1.0, 1e-6);
}

TEST(AppearanceTest, EachPartIsAHistogram) {
  const AppearanceFeature a = ComputeAppearance(Figure(kRed, kBlue), kBox);
  for (int p = 0; p < kAppearanceParts; ++p) {
    float sum = 0;
    for (int i = 0; i < kAppearanceBins; ++i) sum += a[p * kAppearanceBins + i];
    EXPECT_NEAR(sum, 1.f, 1e-5);
  }
}

TEST(AppearanceTest, BoxesOutsideTheFrameOrEmptyGiveTheUniformFeature) {
  const cv::Mat img = Figure(kRed, kBlue);
  AppearanceFeature uniform;
  uniform.fill(1.f / kAppearanceBins);
  EXPECT_EQ(ComputeAppearance(img, BBox{500, 500, 40, 100}), uniform);
  EXPECT_EQ(ComputeAppearance(img, BBox{10, 10, 0, 100}), uniform);
  EXPECT_EQ(ComputeAppearance(img, BBox{10, 10, NAN, 100}), uniform);
  EXPECT_EQ(ComputeAppearance(cv::Mat(), kBox), uniform);
  EXPECT_EQ(ComputeAppearance(cv::Mat(100, 100, CV_8UC1, cv::Scalar(0)), kBox), uniform);
  // Half outside: only the inside counts.
  const AppearanceFeature half = ComputeAppearance(img, BBox{180, 40, 40, 120});
  EXPECT_NEAR(AppearanceSimilarity(half, ComputeAppearance(img, BBox{160, 40, 40, 120})), 1.0,
              0.01);
}

}  // namespace
}  // namespace es
