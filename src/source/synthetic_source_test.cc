#include "source/synthetic_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
#include <thread>

namespace es {
namespace {

namespace fs = std::filesystem;

SourceOptions Synth(const std::string& scene, int seed = 7) {
  SourceOptions o;
  o.uri = "synthetic:" + scene;
  o.realtime = false;
  o.synthetic_seed = seed;
  return o;
}

std::unique_ptr<SyntheticSource> OpenScene(const SourceOptions& o) {
  auto r = SyntheticSource::Create(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return nullptr;
  auto src = std::move(r).value();
  const Status st = src->Open();
  EXPECT_TRUE(st.ok()) << st.ToString();
  return src;
}

TEST(SyntheticSourceTest, UnknownSceneListsKnownOnes) {
  auto r = SyntheticSource::Create(Synth("parade"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "unknown synthetic scene 'parade' (known: crowd, walk, empty)");
}

TEST(SyntheticSourceTest, RejectsBadGeometry) {
  SourceOptions o = Synth("crowd");
  o.synthetic_width = 10;
  EXPECT_EQ(SyntheticSource::Create(o).status().code(), StatusCode::kInvalidArgument);
  o = Synth("crowd");
  o.synthetic_fps = 0;
  EXPECT_EQ(SyntheticSource::Create(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(SyntheticSourceTest, SameSeedGivesIdenticalFramesAndGroundTruth) {
  auto a = OpenScene(Synth("crowd", 3));
  auto b = OpenScene(Synth("crowd", 3));
  auto c = OpenScene(Synth("crowd", 4));
  ASSERT_TRUE(a && b && c);
  bool any_difference_c = false;
  for (int i = 0; i < 60; ++i) {
    Frame fa, fb, fc;
    ASSERT_TRUE(a->Read(&fa).ok());
    ASSERT_TRUE(b->Read(&fb).ok());
    ASSERT_TRUE(c->Read(&fc).ok());
    ASSERT_EQ(cv::norm(fa.image, fb.image, cv::NORM_INF), 0.0) << "frame " << i;
    any_difference_c |= cv::norm(fa.image, fc.image, cv::NORM_INF) > 0;
    const auto ga = a->GroundTruth(), gb = b->GroundTruth();
    ASSERT_EQ(ga.size(), gb.size());
    for (size_t k = 0; k < ga.size(); ++k) {
      EXPECT_EQ(ga[k].id, gb[k].id);
      EXPECT_EQ(ga[k].box, gb[k].box);
    }
    EXPECT_EQ(fa.meta.pts_us, fb.meta.pts_us);
  }
  EXPECT_TRUE(any_difference_c) << "a different seed must give a different scene";
}

TEST(SyntheticSourceTest, CrowdHasPeopleInsideTheFrameAndTheyMove) {
  SourceOptions o = Synth("crowd");
  auto src = OpenScene(o);
  ASSERT_TRUE(src);
  const SourceInfo info = src->info();
  EXPECT_EQ(info.width, 640);
  EXPECT_EQ(info.height, 480);
  EXPECT_EQ(info.frame_count, -1);
  EXPECT_EQ(info.codec, "synthetic");
  std::set<int> ids;
  size_t min_visible = 1000, max_visible = 0;
  Frame f, first;
  std::map<int, BBox> first_box, last_box;
  const int kFrames = 750;  // 30 s: long enough for entries and exits at the borders
  for (int i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(src->Read(&f).ok());
    ASSERT_EQ(f.meta.seq, i);
    ASSERT_EQ(f.meta.pts_us, static_cast<int64_t>(i * 40000));  // 25 fps
    if (i == 0) first = f;
    const auto gt = src->GroundTruth();
    min_visible = std::min(min_visible, gt.size());
    max_visible = std::max(max_visible, gt.size());
    for (const auto& t : gt) {
      ids.insert(t.id);
      EXPECT_EQ(t.class_id, kClassPerson);
      EXPECT_EQ(t.score, 1.f);
      EXPECT_GE(t.box.x, 0.f);
      EXPECT_GE(t.box.y, 0.f);
      EXPECT_LE(t.box.x2(), 640.f + 1e-3f);
      EXPECT_LE(t.box.y2(), 480.f + 1e-3f);
      EXPECT_GT(t.box.w, 4.f);
      EXPECT_LE(t.box.h, SyntheticSource::kMaxHeightPx + 1e-3f);
      if (!first_box.count(t.id)) first_box[t.id] = t.box;
      last_box[t.id] = t.box;
    }
  }
  EXPECT_GE(max_visible, 8u);
  EXPECT_LE(max_visible, 13u);
  EXPECT_GE(min_visible, 3u);
  EXPECT_GT(ids.size(), max_visible) << "walkers must leave and new ones enter";
  int moved = 0;
  for (const auto& [id, b] : first_box) {
    if (std::abs(last_box[id].cx() - b.cx()) + std::abs(last_box[id].cy() - b.cy()) > 20) ++moved;
  }
  EXPECT_GE(moved, static_cast<int>(first_box.size()) / 2);
}

TEST(SyntheticSourceTest, TargetsAreDrawnWhereGroundTruthSaysTheyAre) {
  // Between two frames, pixels change far more than the sensor noise only where walkers are
  // now or were before: the drawing follows the ground truth.
  auto src = OpenScene(Synth("walk", 11));
  ASSERT_TRUE(src);
  Frame f0, f1;
  ASSERT_TRUE(src->Read(&f0).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(src->Read(&f1).ok());
  const auto gt = src->GroundTruth();
  ASSERT_FALSE(gt.empty());
  cv::Mat diff, grey;
  cv::absdiff(f0.image, f1.image, diff);
  cv::cvtColor(diff, grey, cv::COLOR_BGR2GRAY);
  cv::Mat moving = grey > 40;
  cv::Mat inside = cv::Mat::zeros(grey.size(), CV_8U);
  for (const auto& t : gt) {
    cv::rectangle(inside, cv::Rect(cv::Point(t.box.x, t.box.y), cv::Point(t.box.x2(), t.box.y2())),
                  255, cv::FILLED);
  }
  const int moving_inside = cv::countNonZero(moving & inside);
  const int moving_outside = cv::countNonZero(moving & ~inside);
  EXPECT_GT(moving_inside, 100) << "walkers must change pixels inside their boxes";
  // Pixels that change outside the current boxes are where the walkers were 10 frames ago.
  EXPECT_LT(moving_outside, moving_inside * 2);
}

TEST(SyntheticSourceTest, WalkEndsAfter300FramesAndEmptyHasNoTargets) {
  auto walk = OpenScene(Synth("walk"));
  ASSERT_TRUE(walk);
  Frame f;
  int n = 0;
  size_t max_targets = 0;
  Status st;
  while ((st = walk->Read(&f)).ok()) {
    ++n;
    max_targets = std::max(max_targets, walk->GroundTruth().size());
  }
  EXPECT_EQ(st.code(), StatusCode::kEndOfStream);
  EXPECT_EQ(n, 300);
  EXPECT_GE(max_targets, 2u);
  EXPECT_LE(max_targets, 3u);
  EXPECT_EQ(walk->Read(&f).code(), StatusCode::kEndOfStream);

  auto empty = OpenScene(Synth("empty"));
  n = 0;
  while ((st = empty->Read(&f)).ok()) {
    ++n;
    EXPECT_TRUE(empty->GroundTruth().empty());
  }
  EXPECT_EQ(st.code(), StatusCode::kEndOfStream);
  EXPECT_EQ(n, 100);
}

TEST(SyntheticSourceTest, WritesMotGroundTruthFile) {
  const fs::path gt_path =
      fs::temp_directory_path() / ("es_synth_gt_" + std::to_string(getpid()) + ".txt");
  SourceOptions o = Synth("walk");
  o.ground_truth_out = gt_path.string();
  size_t expected_rows = 0;
  std::vector<std::vector<TrackOutput>> per_frame;
  {
    auto src = OpenScene(o);
    ASSERT_TRUE(src);
    Frame f;
    while (src->Read(&f).ok()) {
      per_frame.push_back(src->GroundTruth());
      expected_rows += per_frame.back().size();
    }
  }  // destroyed: flushed and closed
  std::ifstream in(gt_path);
  ASSERT_TRUE(in.good());
  std::string line;
  size_t rows = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::vector<double> v;
    std::string cell;
    while (std::getline(ss, cell, ',')) v.push_back(std::stod(cell));
    ASSERT_EQ(v.size(), 9u) << line;
    const int frame = static_cast<int>(v[0]);
    ASSERT_GE(frame, 1);
    ASSERT_LE(frame, 300);
    const auto& gt = per_frame[frame - 1];
    const auto it = std::find_if(
        gt.begin(), gt.end(), [&](const TrackOutput& t) { return t.id == static_cast<int>(v[1]); });
    ASSERT_NE(it, gt.end()) << line;
    EXPECT_NEAR(v[2], it->box.x, 0.01);
    EXPECT_NEAR(v[5], it->box.h, 0.01);
    EXPECT_EQ(v[6], 1);
    EXPECT_EQ(v[7], 1);
    EXPECT_EQ(v[8], 1);
    ++rows;
  }
  EXPECT_EQ(rows, expected_rows);
  EXPECT_GT(rows, 300u);
  fs::remove(gt_path);
}

TEST(SyntheticSourceTest, UnwritableGroundTruthFailsOpen) {
  SourceOptions o = Synth("walk");
  o.ground_truth_out = "/nonexistent/dir/gt.txt";
  auto r = SyntheticSource::Create(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Open().code(), StatusCode::kInvalidArgument);
}

TEST(SyntheticSourceTest, RealtimePacesAndInterruptStops) {
  SourceOptions o = Synth("crowd");
  o.realtime = true;
  o.synthetic_fps = 20;
  auto src = OpenScene(o);
  ASSERT_TRUE(src);
  Frame f;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(src->Read(&f).ok());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(s, 0.19);  // frames 1..4 at 50 ms
  src->Interrupt();
  EXPECT_EQ(src->Read(&f).code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace es
