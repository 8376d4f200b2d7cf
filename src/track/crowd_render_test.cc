#include "track/crowd_render.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/jpeg_codec.h"
#include "core/text_file.h"
#include "track/camera_motion.h"

namespace es {
namespace {

namespace fs = std::filesystem;

CrowdSceneOptions Moving() {
  CrowdSceneOptions o;
  o.width = 640;
  o.height = 360;
  o.frames = 40;
  o.people = 12;
  o.camera_pan_px = 60;
  o.camera_pan_period_s = 4;
  o.camera_shake_px = 6;
  o.keep_figures = true;
  return o;
}

// The camera's motion moves the ground truth, the detections and the drawn figures together,
// and a fixed camera changes nothing (its scene is the one made before cameras could move).
TEST(CrowdCameraTest, AMovingCameraShiftsEverythingAndAFixedOneNothing) {
  CrowdSceneOptions fixed = Moving();
  fixed.camera_pan_px = fixed.camera_shake_px = 0;
  fixed.keep_figures = false;
  const auto a = GenerateCrowdScene(fixed);
  const auto b = GenerateCrowdScene(Moving());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(b->frames.size(), 40u);
  EXPECT_TRUE(a->frames.empty());
  double moved = 0;
  for (const CrowdFrame& f : b->frames) moved = std::max(moved, std::abs(f.camera_x));
  EXPECT_GT(moved, 30);
  // What the camera takes out of the image is not detected (MOT files need positive sizes).
  for (const MotRow& d : b->det) ASSERT_TRUE(d.box.w >= 2 && d.box.h >= 2) << d.frame;
  // Frame 1 of both: the same people, shifted by the camera offset.
  const CrowdFrame& f1 = b->frames[0];
  int compared = 0;
  for (const MotRow& g : b->gt) {
    if (g.frame != 1) continue;
    for (const MotRow& h : a->gt) {
      if (h.frame != 1 || h.id != g.id || h.box.x <= 0 || g.box.x <= 0) continue;
      if (h.box.x + h.box.w >= fixed.width || g.box.x + g.box.w >= fixed.width) continue;
      EXPECT_NEAR(g.box.x, h.box.x - f1.camera_x, 1e-6);
      EXPECT_NEAR(g.box.y, h.box.y - f1.camera_y, 1e-6);
      ++compared;
    }
  }
  EXPECT_GT(compared, 3);
  // The same rows as a scene made without the camera options at all.
  CrowdSceneOptions plain;
  plain.width = 640;
  plain.height = 360;
  plain.frames = 40;
  plain.people = 12;
  const auto c = GenerateCrowdScene(plain);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->det.size(), a->det.size());
  for (size_t i = 0; i < a->det.size(); ++i) EXPECT_EQ(a->det[i].box.x, c->det[i].box.x);
}

// The drawn frames carry the camera's motion: the global-motion estimator measures, between
// two rendered frames, the offset the simulator applied (within a pixel), with the people's
// boxes as foreground.
TEST(CrowdRenderTest, GlobalMotionOfRenderedFramesIsTheCamerasOffset) {
  const CrowdSceneOptions o = Moving();
  const auto scene = GenerateCrowdScene(o);
  ASSERT_TRUE(scene.ok());
  const cv::Mat bg = RenderCrowdBackground(o);
  GlobalMotionEstimator est;
  int measured = 0;
  for (int i = 0; i < 10; ++i) {
    const CrowdFrame& f = scene->frames[static_cast<size_t>(i)];
    std::vector<BBox> people;
    for (const CrowdFigure& g : f.figures) {
      people.push_back({static_cast<float>(g.x), static_cast<float>(g.y), static_cast<float>(g.w),
                        static_cast<float>(g.h)});
    }
    const cv::Mat img = RenderCrowdFrame(f, i, bg, o);
    ASSERT_EQ(img.cols, 640);
    ASSERT_EQ(img.rows, 360);
    const CameraMotion m = est.Estimate(img, people);
    if (i == 0) continue;
    const CrowdFrame& prev = scene->frames[static_cast<size_t>(i - 1)];
    ASSERT_TRUE(m.ok) << "frame " << i;
    EXPECT_NEAR(m.m[2], -(f.camera_x - prev.camera_x), 1.0) << "frame " << i;
    EXPECT_NEAR(m.m[5], -(f.camera_y - prev.camera_y), 1.0) << "frame " << i;
    ++measured;
  }
  EXPECT_EQ(measured, 9);
}

TEST(CrowdRenderTest, PeopleAreDrawnInTheirClothes) {
  CrowdSceneOptions o = Moving();
  o.people = 6;
  o.camera_pan_px = o.camera_shake_px = 0;
  o.static_clutter = 0;
  const auto scene = GenerateCrowdScene(o);
  ASSERT_TRUE(scene.ok());
  const cv::Mat img = RenderCrowdFrame(scene->frames[0], 0, RenderCrowdBackground(o), o);
  // The nearest person is drawn last, so nobody covers their shirt.
  ASSERT_FALSE(scene->frames[0].figures.empty());
  const CrowdFigure& p = scene->frames[0].figures.back();
  const int cx = static_cast<int>(p.x + 0.5 * p.w), cy = static_cast<int>(p.y + 0.35 * p.h);
  ASSERT_GT(p.h, 20);
  ASSERT_TRUE(cx >= 0 && cx < img.cols && cy >= 0 && cy < img.rows) << cx << "," << cy;
  const cv::Vec3b px = img.at<cv::Vec3b>(cy, cx);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(px[c], p.shirt[c], 12);
}

TEST(CrowdRenderTest, WritesMotChallengeImagesAndRefusesWithoutFrames) {
  const fs::path dir = fs::temp_directory_path() / "es_crowd_render_test";
  fs::remove_all(dir);
  CrowdSceneOptions o = Moving();
  o.frames = 3;
  const auto scene = GenerateCrowdScene(o);
  ASSERT_TRUE(scene.ok());
  ASSERT_TRUE(WriteCrowdScene(*scene, o, dir.string(), "r").ok());
  ASSERT_TRUE(WriteCrowdImages(*scene, o, dir.string(), "r").ok());
  auto jpeg = ReadTextFile((dir / "r" / "img1" / "000003.jpg").string());
  ASSERT_TRUE(jpeg.ok());
  auto img = DecodeJpeg(*jpeg);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img->cols, 640);
  auto ini = ReadTextFile((dir / "r" / "seqinfo.ini").string());
  ASSERT_TRUE(ini.ok());
  EXPECT_NE(ini->find("imDir=img1"), std::string::npos);
  CrowdSceneOptions none = o;
  none.keep_figures = false;
  const auto bare = GenerateCrowdScene(none);
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(WriteCrowdImages(*bare, none, dir.string(), "s").ok());
  EXPECT_FALSE(WriteCrowdImages(*scene, o, "/proc/no_such_dir", "r").ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace es
