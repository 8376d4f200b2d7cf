// Accuracy guard of the tracker's defaults, end to end through `edgesight track` and
// `edgesight eval` (TrackMot, EvaluateMot) on the public sequences of tests/data/mot and on
// synthetic hard crowds (track/crowd_scene.h), also rendered with a shaking, panning camera
// for the frame-based cues (track/crowd_render.h, track/frame_tracker.h).
//
// The ByteTrack reference figures are the C++ port of ByteTrack (Vertical-Beach/ByteTrack-cpp
// @ d43805d with the upstream box refresh after predict, default thresholds, buffer 30 frames at
// the sequence's frame rate, detections >= 0.1) on the same detections, evaluated by the same
// `edgesight eval`; docs/tracking.md has the procedure and the per-sequence table.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/eval_command.h"
#include "app/track_command.h"
#include "track/crowd_render.h"
#include "track/crowd_scene.h"

namespace es {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(ES_SOURCE_DIR) + "/tests/data/mot";

struct Metrics {
  double hota = 0, idf1 = 0, mota = 0;
};

class TrackingAccuracy : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("es_accuracy_test_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Copies tests/data/mot/<seq>/{det,gt} into root_/set/<seq>/ with a seqinfo.ini (the given
  // frame rate, or the sequence's own file when fps is 0).
  fs::path CopySet(const std::vector<std::pair<std::string, double>>& seqs) {
    const fs::path set = root_ / "set";
    for (const auto& [seq, fps] : seqs) {
      for (const char* sub : {"det", "gt"}) {
        fs::create_directories(set / seq / sub);
        fs::copy_file(fs::path(kData) / seq / sub / (std::string(sub) + ".txt"),
                      set / seq / sub / (std::string(sub) + ".txt"));
      }
      if (fps > 0) {
        std::ofstream(set / seq / "seqinfo.ini") << "[Sequence]\nframeRate=" << fps << "\n";
      } else {
        fs::copy_file(fs::path(kData) / seq / "seqinfo.ini", set / seq / "seqinfo.ini");
      }
    }
    return set;
  }

  // Tracks every sequence of `set` (with --set flags) and returns the combined metrics.
  Metrics TrackAndEvaluate(const fs::path& set, const std::vector<std::string>& sets = {}) {
    TrackArgs t;
    t.mot_dir = set.string();
    t.out_dir = (root_ / "res").string();
    t.sets = sets;
    auto tracked = TrackMot(t);
    EXPECT_TRUE(tracked.ok()) << tracked.status().ToString();
    EvalArgs e;
    e.gt_dir = set.string();
    e.res_dir = t.out_dir;
    auto r = EvaluateMot(e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    const auto& combined = (*r)["sequences"].back();
    EXPECT_EQ(combined["name"], "COMBINED");
    return {combined["HOTA"].get<double>(), combined["IDF1"].get<double>(),
            combined["MOTA"].get<double>()};
  }

  fs::path root_;
};

// Plain ByteTrack through the same code and config schema.
const std::vector<std::string> kPlainByteTrack = {"tracker.height_iou=false",
                                                  "tracker.track_buffer_s=1",
                                                  "tracker.duplicate_only_respawn=false",
                                                  "tracker.adaptive_noise=false",
                                                  "tracker.camera_motion=false",
                                                  "tracker.appearance_weight=0"};

// MOT17-02, -04, -05, -09 (FRCNN detections, MOTChallenge evaluation: class 1, ignore regions):
// ByteTrack scores HOTA 47.78, IDF1 56.20, MOTA 48.42. Issue 13 asks for +1.5 HOTA and +2 IDF1
// without losing MOTA.
TEST_F(TrackingAccuracy, Mot17BeatsByteTrackByTheTargetMargins) {
  const fs::path set = CopySet({{"MOT17-02-FRCNN-boxmot", 0},
                                {"MOT17-04-FRCNN-boxmot", 0},
                                {"MOT17-05-FRCNN-boxmot", 0},
                                {"MOT17-09-FRCNN-boxmot", 0}});
  const Metrics m = TrackAndEvaluate(set);
  EXPECT_GE(m.hota, 47.78 + 1.5);
  EXPECT_GE(m.idf1, 56.20 + 2.0);
  EXPECT_GE(m.mota, 48.42);
}

// TUD-Campus, TUD-Stadtmitte (25 fps), KITTI-13, KITTI-17 (10 fps): ByteTrack HOTA 41.98,
// IDF1 59.00, MOTA 44.33. The defaults tie on HOTA (41.92: TUD-Stadtmitte loses 3.4, the others
// gain; docs/tracking.md) and win on IDF1 and MOTA; the guard allows the tie, not a real drop.
TEST_F(TrackingAccuracy, Mot15SetBeatsByteTrack) {
  const fs::path set =
      CopySet({{"TUD-Campus", 25}, {"TUD-Stadtmitte", 25}, {"KITTI-13", 10}, {"KITTI-17", 10}});
  const Metrics m = TrackAndEvaluate(set);
  EXPECT_GT(m.hota, 41.98 - 0.3);
  EXPECT_GT(m.idf1, 59.00);
  EXPECT_GT(m.mota, 44.33);
}

// Three synthetic hard crowds (40 people on screen at 25 fps, long occlusions, 12 % misses,
// score noise, static clutter, people standing still): the defaults beat plain ByteTrack
// settings on HOTA and IDF1 and do not lose MOTA. The two runs see the same detections.
TEST_F(TrackingAccuracy, HardCrowdsBeatPlainByteTrack) {
  const fs::path set = root_ / "crowd";
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    CrowdSceneOptions o;
    o.seed = seed;
    auto scene = GenerateCrowdScene(o);
    ASSERT_TRUE(scene.ok()) << scene.status().ToString();
    ASSERT_TRUE(WriteCrowdScene(*scene, o, set.string(), "crowd-" + std::to_string(seed)).ok());
  }
  const Metrics ours = TrackAndEvaluate(set);
  const Metrics plain = TrackAndEvaluate(set, kPlainByteTrack);
  EXPECT_GT(ours.hota, plain.hota + 1.0) << "plain " << plain.hota;
  EXPECT_GT(ours.idf1, plain.idf1 + 2.0) << "plain " << plain.idf1;
  EXPECT_GE(ours.mota, plain.mota) << "plain " << plain.mota;
}

// Two rendered crowds filmed by a camera on a pole in the wind (shake 8 px, a slow 80 px pan;
// 960 x 540, 30 people, 300 frames): with the frames, camera-motion compensation and the colour
// tie-breaker (the defaults) beat the same tracker without them, and plain ByteTrack, by wide
// margins (measured: HOTA 52 against 32 and 29 on 600-frame scenes, docs/tracking.md).
TEST_F(TrackingAccuracy, FrameCuesWinOnAShakingCamera) {
  const fs::path set = root_ / "shake";
  for (uint32_t seed = 1; seed <= 2; ++seed) {
    CrowdSceneOptions o;
    o.seed = seed;
    o.width = 960;
    o.height = 540;
    o.frames = 300;
    o.people = 30;
    o.camera_pan_px = 80;
    o.camera_shake_px = 8;
    o.keep_figures = true;
    auto scene = GenerateCrowdScene(o);
    ASSERT_TRUE(scene.ok()) << scene.status().ToString();
    const std::string name = "shake-" + std::to_string(seed);
    ASSERT_TRUE(WriteCrowdScene(*scene, o, set.string(), name).ok());
    ASSERT_TRUE(WriteCrowdImages(*scene, o, set.string(), name).ok());
  }
  const Metrics cues = TrackAndEvaluate(set);
  const Metrics motion_only =
      TrackAndEvaluate(set, {"tracker.camera_motion=false", "tracker.appearance_weight=0"});
  const Metrics plain = TrackAndEvaluate(set, kPlainByteTrack);
  EXPECT_GT(cues.hota, motion_only.hota + 8) << "without cues " << motion_only.hota;
  EXPECT_GT(cues.idf1, motion_only.idf1 + 10) << "without cues " << motion_only.idf1;
  EXPECT_GT(cues.mota, motion_only.mota) << "without cues " << motion_only.mota;
  EXPECT_GT(cues.hota, plain.hota + 8) << "plain " << plain.hota;
  EXPECT_GT(cues.mota, plain.mota) << "plain " << plain.mota;
}

}  // namespace
}  // namespace es
