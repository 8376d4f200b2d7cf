#include "track/crowd_scene.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "track/mot_io.h"

namespace es {
namespace {

namespace fs = std::filesystem;

CrowdSceneOptions Small() {
  CrowdSceneOptions o;
  o.frames = 300;
  o.people = 30;
  return o;
}

TEST(CrowdSceneTest, SameOptionsSameRowsOtherSeedOtherRows) {
  auto a = GenerateCrowdScene(Small());
  auto b = GenerateCrowdScene(Small());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->det.size(), b->det.size());
  ASSERT_EQ(a->gt.size(), b->gt.size());
  for (size_t i = 0; i < a->det.size(); ++i) {
    EXPECT_EQ(FormatMotRow(a->det[i]), FormatMotRow(b->det[i]));
  }
  CrowdSceneOptions o = Small();
  o.seed = 2;
  auto c = GenerateCrowdScene(o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->det.size(), a->det.size());
}

// The scene is hard in the ways it promises: a crowd on screen, occluded people (visibility
// well below 1, some undetectable), people who stand still all along, static clutter that is
// detected but is no one, and misses of visible people near miss_rate.
TEST(CrowdSceneTest, CrowdHasOcclusionStandersClutterAndMisses) {
  CrowdSceneOptions o = Small();
  o.standing_fraction = 0.2;
  o.false_positives_per_frame = 0;
  auto s = GenerateCrowdScene(o);
  ASSERT_TRUE(s.ok());
  std::map<int, std::vector<const MotRow*>> by_id;
  std::map<int, int> gt_per_frame;
  int hidden = 0, detectable = 0;
  for (const MotRow& r : s->gt) {
    by_id[r.id].push_back(&r);
    ++gt_per_frame[r.frame];
    EXPECT_EQ(r.col8, 1);
    EXPECT_GE(r.col9, 0);
    EXPECT_LE(r.col9, 1);
    hidden += r.col9 < 0.5 ? 1 : 0;
    detectable += r.col9 >= o.min_visible ? 1 : 0;
  }
  EXPECT_EQ(static_cast<int>(by_id.size()), s->num_people);
  EXPECT_GT(s->num_people, o.people);  // people leave and others enter
  for (const auto& [frame, n] : gt_per_frame) EXPECT_GE(n, o.people / 2) << "frame " << frame;
  EXPECT_GT(hidden, static_cast<int>(s->gt.size()) / 20);
  // Standers: on screen all 300 frames with a box that never moves.
  int standers = 0;
  for (const auto& [id, rows] : by_id) {
    if (static_cast<int>(rows.size()) != o.frames) continue;
    bool still = true;
    for (const MotRow* r : rows) still = still && r->box.x == rows[0]->box.x;
    standers += still ? 1 : 0;
  }
  EXPECT_GE(standers, 2);
  // Detections: people detected at about (1 - miss_rate) of the detectable boxes, plus the
  // clutter (3 boxes, ~80 % of the frames).
  const double people_dets = static_cast<double>(s->det.size()) - 0.8 * 3 * o.frames;
  EXPECT_NEAR(people_dets / detectable, 1.0 - o.miss_rate, 0.05);
  std::set<double> scores;
  for (const MotRow& r : s->det) {
    EXPECT_EQ(r.id, -1);
    EXPECT_GE(r.score, 0.05);
    EXPECT_LE(r.score, 1.0);
    EXPECT_GE(r.box.x, 0);
    EXPECT_LE(r.box.x + r.box.w, o.width + 1e-6);
    scores.insert(r.score < 0.5 ? 0 : 1);
  }
  EXPECT_EQ(scores.size(), 2u) << "low-score detections exist for ByteTrack's second stage";
}

TEST(CrowdSceneTest, OptionsOutOfRangeNameTheOption) {
  CrowdSceneOptions o;
  o.miss_rate = 1.5;
  auto r = GenerateCrowdScene(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("miss_rate"), std::string::npos);
  o = CrowdSceneOptions{};
  o.fps = 0;
  EXPECT_FALSE(GenerateCrowdScene(o).ok());
  o = CrowdSceneOptions{};
  o.people = -1;
  EXPECT_FALSE(GenerateCrowdScene(o).ok());
  o = CrowdSceneOptions{};
  o.people = 500;
  o.frames = 100000;  // each within its range, together too much: refused, not run for hours
  r = GenerateCrowdScene(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("people x frames"), std::string::npos);
}

// Written in the MOTChallenge layout that `edgesight track` and `eval` read: the ground truth
// is recognised as MOT16 (9 columns) and the detections parse.
TEST(CrowdSceneTest, WritesAMotChallengeSequence) {
  const fs::path dir = fs::temp_directory_path() / "es_crowd_scene_test";
  fs::remove_all(dir);
  CrowdSceneOptions o = Small();
  o.frames = 20;
  auto s = GenerateCrowdScene(o);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(WriteCrowdScene(*s, o, dir.string(), "c").ok());
  auto gt = ReadMotFile((dir / "c" / "gt" / "gt.txt").string());
  ASSERT_TRUE(gt.ok()) << gt.status().ToString();
  EXPECT_EQ(DetectGtFormat(*gt), GtFormat::kMot16);
  EXPECT_EQ(gt->rows.size(), s->gt.size());
  auto det = ReadMotFile((dir / "c" / "det" / "det.txt").string());
  ASSERT_TRUE(det.ok()) << det.status().ToString();
  EXPECT_EQ(det->rows.size(), s->det.size());
  EXPECT_TRUE(fs::is_regular_file(dir / "c" / "seqinfo.ini"));
  // An unwritable place is an error, not a crash.
  EXPECT_FALSE(WriteCrowdScene(*s, o, "/proc/no_such_dir", "c").ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace es
