#include "detect/motion_detector.h"

#include <gtest/gtest.h>

namespace es {
namespace {

// Dark 640x480 background with sensor noise; a bright object drawn on request.
class DarkScene {
 public:
  cv::Mat Frame(const cv::Rect* object = nullptr) {
    cv::Mat f(480, 640, CV_8UC3);
    rng_.fill(f, cv::RNG::NORMAL, cv::Scalar::all(25), cv::Scalar::all(2));
    if (object) f(*object).setTo(cv::Scalar(220, 220, 220));
    return f;
  }

 private:
  cv::RNG rng_{4242};
};

float BestIoU(const std::vector<Detection>& dets, const BBox& truth) {
  float best = 0.f;
  for (const auto& d : dets) best = std::max(best, IoU(d.box, truth));
  return best;
}

TEST(MotionDetectorTest, MovingRectangleIsFoundInSourcePixels) {
  auto made = MakeMotionDetector(DetectorOptions{});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Detector& det = **made;
  EXPECT_EQ(det.name(), "motion");
  DarkScene scene;
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(det.Detect(scene.Frame()).ok());
  int matched = 0;
  for (int i = 0; i < 25; ++i) {
    const cv::Rect obj(60 + 16 * i, 150 + 4 * i, 60, 120);
    auto res = det.Detect(scene.Frame(&obj));
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    if (i < 3) continue;  // a few frames for the object to register
    const BBox truth{float(obj.x), float(obj.y), float(obj.width), float(obj.height)};
    const float iou = BestIoU(*res, truth);
    EXPECT_GT(iou, 0.5f) << "frame " << i;
    matched += iou > 0.5f;
    for (const auto& d : *res) {
      EXPECT_EQ(d.class_id, kClassMotion);
      EXPECT_GT(d.score, 0.f);
      EXPECT_LE(d.score, 1.f);
    }
    // No spurious blobs elsewhere in a clean scene.
    EXPECT_LE(res->size(), 1u) << "frame " << i;
  }
  EXPECT_EQ(matched, 22);
}

TEST(MotionDetectorTest, StaticSceneHasNoDetectionsAfterWarmUp) {
  auto made = MakeMotionDetector(DetectorOptions{});
  ASSERT_TRUE(made.ok());
  DarkScene scene;
  for (int i = 0; i < 60; ++i) {
    auto res = (*made)->Detect(scene.Frame());
    ASSERT_TRUE(res.ok());
    if (i >= 5) {
      EXPECT_TRUE(res->empty()) << "frame " << i;
    }
  }
}

TEST(MotionDetectorTest, BlobsSmallerThanMinAreaAreDropped) {
  DetectorOptions o;
  o.motion_min_area = 0.05f;  // 5% of the frame; the object covers ~2.3%
  auto made = MakeMotionDetector(o);
  ASSERT_TRUE(made.ok());
  DarkScene scene;
  for (int i = 0; i < 30; ++i) ASSERT_TRUE((*made)->Detect(scene.Frame()).ok());
  for (int i = 0; i < 10; ++i) {
    const cv::Rect obj(60 + 16 * i, 150, 60, 120);
    auto res = (*made)->Detect(scene.Frame(&obj));
    ASSERT_TRUE(res.ok());
    EXPECT_TRUE(res->empty()) << "frame " << i;
  }
}

TEST(MotionDetectorTest, LargerBlobScoresHigher) {
  DarkScene scene;
  auto run = [&](cv::Size size) {
    auto made = MakeMotionDetector(DetectorOptions{});
    EXPECT_TRUE(made.ok());
    for (int i = 0; i < 30; ++i) (void)(*made)->Detect(scene.Frame());
    const cv::Rect obj(cv::Point(100, 100), size);
    auto res = (*made)->Detect(scene.Frame(&obj));
    EXPECT_TRUE(res.ok());
    return res->empty() ? 0.f : (*res)[0].score;
  };
  const float small = run({30, 30}), large = run({200, 200});
  EXPECT_GE(small, 0.5f);
  EXPECT_GT(large, small);
  EXPECT_LT(large, 1.f);
}

TEST(MotionDetectorTest, BadInputAndOptions) {
  auto made = MakeMotionDetector(DetectorOptions{});
  ASSERT_TRUE(made.ok());
  EXPECT_EQ((*made)->Detect(cv::Mat()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*made)->Detect(cv::Mat(10, 10, CV_8UC1)).status().code(),
            StatusCode::kInvalidArgument);
  DetectorOptions o;
  o.motion_min_area = 1.5f;
  EXPECT_EQ(MakeMotionDetector(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
