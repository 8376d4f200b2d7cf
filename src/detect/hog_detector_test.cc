#include "detect/hog_detector.h"

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace es {
namespace {

constexpr const char* kVideo = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

// Frame 50 (0-based) of vtest.avi, 768x576.
cv::Mat Frame50() {
  cv::VideoCapture cap(kVideo);
  cv::Mat f;
  for (int i = 0; i <= 50 && cap.read(f); ++i) {
  }
  return f;
}

// People in frame 50, labelled by hand (source pixels, approximate).
const std::vector<BBox> kPeople = {
    {372, 178, 30, 82},   // dark jacket, left of the sign
    {408, 180, 24, 82},   // behind the sign
    {435, 174, 25, 73},   // right of the sign
    {505, 216, 38, 94},   // red jacket
    {552, 212, 36, 90},   // woman in black
    {668, 256, 48, 114},  // man on the right
};

TEST(HogDetectorTest, FindsPeopleInVtestFrame) {
  if (!std::filesystem::exists(kVideo)) GTEST_SKIP() << kVideo << " missing (opencv-doc)";
  const cv::Mat frame = Frame50();
  ASSERT_FALSE(frame.empty());
  auto made = MakeHogDetector(DetectorOptions{});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->name(), "hog");
  auto res = (*made)->Detect(frame);
  ASSERT_TRUE(res.ok()) << res.status().ToString();

  std::vector<bool> found(kPeople.size(), false);
  int plausible = 0;
  for (const auto& d : *res) {
    EXPECT_EQ(d.class_id, kClassPerson);
    EXPECT_GT(d.score, 0.f);
    EXPECT_LT(d.score, 1.f);
    plausible += d.box.h >= 60.f && d.box.h <= 300.f;
    // Every box sits on a labelled person: no false positives in this frame.
    bool on_person = false;
    for (size_t i = 0; i < kPeople.size(); ++i) {
      const BBox& p = kPeople[i];
      on_person |= d.box.cx() >= p.x - 15 && d.box.cx() <= p.x2() + 15 &&
                   d.box.cy() >= p.y - 15 && d.box.cy() <= p.y2() + 15;
      if (IoU(d.box, p) > 0.4f) found[i] = true;
    }
    EXPECT_TRUE(on_person) << "box " << d.box.x << "," << d.box.y << " " << d.box.w << "x"
                           << d.box.h;
  }
  EXPECT_GE(plausible, 2);
  EXPECT_GE(std::count(found.begin(), found.end(), true), 3);
}

TEST(HogDetectorTest, DownscaledProcessingMapsBoxesBack) {
  if (!std::filesystem::exists(kVideo)) GTEST_SKIP() << kVideo << " missing (opencv-doc)";
  // Upscale the frame 2x (1536 wide): processing at 960 still sees people >= 128 px and the
  // boxes must come back in the 2x frame's pixels.
  cv::Mat big;
  cv::resize(Frame50(), big, cv::Size(), 2.0, 2.0, cv::INTER_LINEAR);
  auto made = MakeHogDetector(DetectorOptions{});
  ASSERT_TRUE(made.ok());
  auto res = (*made)->Detect(big);
  ASSERT_TRUE(res.ok());
  int found = 0;
  for (const BBox& p : kPeople) {
    const BBox p2{2 * p.x, 2 * p.y, 2 * p.w, 2 * p.h};
    for (const auto& d : *res) {
      if (IoU(d.box, p2) > 0.4f) {
        ++found;
        break;
      }
    }
  }
  EXPECT_GE(found, 2);
  for (const auto& d : *res) {
    EXPECT_GE(d.box.x, 0.f);
    EXPECT_LE(d.box.x2(), 1536.f);
    EXPECT_LE(d.box.y2(), 1152.f);
  }
}

TEST(HogDetectorTest, EmptySceneHasNoPeople) {
  cv::Mat blank(480, 640, CV_8UC3, cv::Scalar(90, 120, 100));
  auto made = MakeHogDetector(DetectorOptions{});
  ASSERT_TRUE(made.ok());
  auto res = (*made)->Detect(blank);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->empty());
}

TEST(HogDetectorTest, WeightToScoreIsLogistic) {
  EXPECT_FLOAT_EQ(HogWeightToScore(0.0, 1.f), 0.5f);
  EXPECT_NEAR(HogWeightToScore(1.0, 1.f), 0.7310586f, 1e-6f);
  EXPECT_NEAR(HogWeightToScore(-1.0, 1.f), 0.2689414f, 1e-6f);
  EXPECT_GT(HogWeightToScore(2.0, 2.f), HogWeightToScore(2.0, 1.f));
}

TEST(HogDetectorTest, OptionsValidatedAndBadFramesRejected) {
  DetectorOptions o;
  o.hog_scale = 1.0;
  EXPECT_EQ(MakeHogDetector(o).status().code(), StatusCode::kInvalidArgument);
  o = DetectorOptions{};
  o.classes = {"car"};
  EXPECT_EQ(MakeHogDetector(o).status().code(), StatusCode::kInvalidArgument);
  o.classes = {"car", "person"};
  auto made = MakeHogDetector(o);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ((*made)->Detect(cv::Mat()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*made)->Detect(cv::Mat(200, 100, CV_8UC1)).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
