#include "track/byte_tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

namespace es {
namespace {

Detection Det(float x, float y, float w, float h, float score = 0.9f, int cls = kClassPerson) {
  return {{x, y, w, h}, score, cls};
}

Timestamp At(int frame, double fps) {
  return Timestamp::Micros(static_cast<int64_t>(std::llround(frame * 1e6 / fps)));
}

// A target moving with constant velocity (px per second), 40 x 100 px.
struct Target {
  float x0, y0, vx, vy;
  BBox BoxAt(double t_s) const {
    return {x0 + vx * static_cast<float>(t_s), y0 + vy * static_cast<float>(t_s), 40, 100};
  }
};

TEST(ByteTrackerTest, SingleLinearTargetKeepsOneIdFor100Frames) {
  ByteTracker tracker;
  const Target tg{100, 200, 90, 30};  // 3 px / 1 px per frame at 30 fps
  for (int f = 0; f < 100; ++f) {
    const BBox truth = tg.BoxAt(f / 30.0);
    const auto out = tracker.Update({Det(truth.x, truth.y, truth.w, truth.h)}, At(f, 30));
    ASSERT_EQ(out.size(), 1u) << "frame " << f;
    EXPECT_EQ(out[0].id, 1);
    EXPECT_FALSE(out[0].predicted);
    EXPECT_FLOAT_EQ(out[0].score, 0.9f);
    EXPECT_NEAR(out[0].box.x, truth.x, 2.0) << "frame " << f;
    EXPECT_NEAR(out[0].box.y, truth.y, 2.0);
    EXPECT_NEAR(out[0].box.w, truth.w, 1.0);
    EXPECT_NEAR(out[0].box.h, truth.h, 1.0);
  }
}

TEST(ByteTrackerTest, TwoCrossingTargetsKeepTheirIds) {
  ByteTracker tracker;
  const Target a{100, 200, 120, 0};   // left to right
  const Target b{500, 215, -120, 0};  // right to left, slightly lower: boxes overlap
  int id_a = 0, id_b = 0;
  float max_iou = 0.f;
  for (int f = 0; f < 120; ++f) {
    const BBox ba = a.BoxAt(f / 30.0), bb = b.BoxAt(f / 30.0);
    max_iou = std::max(max_iou, IoU(ba, bb));
    // Order of detections alternates so the assignment cannot rely on it.
    std::vector<Detection> dets = {Det(ba.x, ba.y, ba.w, ba.h), Det(bb.x, bb.y, bb.w, bb.h)};
    if (f % 2) std::swap(dets[0], dets[1]);
    const auto out = tracker.Update(dets, At(f, 30));
    ASSERT_EQ(out.size(), 2u) << "frame " << f;
    for (const auto& o : out) {
      const bool is_a = std::abs(o.box.cx() - ba.cx()) + std::abs(o.box.cy() - ba.cy()) <
                        std::abs(o.box.cx() - bb.cx()) + std::abs(o.box.cy() - bb.cy());
      if (std::abs(ba.cx() - bb.cx()) < 1.f) continue;  // indistinguishable by position
      int& id = is_a ? id_a : id_b;
      if (id == 0) id = o.id;
      EXPECT_EQ(o.id, id) << "frame " << f << (is_a ? " target a" : " target b");
    }
  }
  EXPECT_GT(max_iou, 0.7f);  // the scene really overlaps
  EXPECT_NE(id_a, id_b);
  EXPECT_EQ(std::set<int>({id_a, id_b}), std::set<int>({1, 2}));
}

class ByteTrackerFpsTest : public ::testing::TestWithParam<double> {};

TEST_P(ByteTrackerFpsTest, OccludedHalfASecondKeepsId) {
  const double fps = GetParam();
  ByteTracker tracker;  // default track_buffer_s (2 s)
  const Target tg{100, 200, 60, 15};
  const int n = static_cast<int>(3 * fps);
  const int gap_start = static_cast<int>(fps), gap_end = gap_start + static_cast<int>(0.5 * fps);
  for (int f = 0; f < n; ++f) {
    const BBox truth = tg.BoxAt(f / fps);
    std::vector<Detection> dets;
    if (f < gap_start || f >= gap_end) dets.push_back(Det(truth.x, truth.y, truth.w, truth.h));
    const auto out = tracker.Update(dets, At(f, fps));
    if (dets.empty()) {
      EXPECT_TRUE(out.empty()) << "frame " << f;
    } else {
      ASSERT_EQ(out.size(), 1u) << "frame " << f;
      EXPECT_EQ(out[0].id, 1) << "frame " << f;
    }
  }
}

TEST_P(ByteTrackerFpsTest, AbsentLongerThanBufferGetsNewId) {
  const double fps = GetParam();
  ByteTrackOptions opt;
  opt.track_buffer_s = 1.0;
  ByteTracker tracker(opt);
  const Target tg{100, 200, 30, 0};
  const int gap_start = static_cast<int>(fps), gap_end = gap_start + static_cast<int>(1.5 * fps);
  std::set<int> ids_after;
  for (int f = 0; f < gap_end + static_cast<int>(fps); ++f) {
    const BBox truth = tg.BoxAt(f / fps);
    std::vector<Detection> dets;
    if (f < gap_start || f >= gap_end) dets.push_back(Det(truth.x, truth.y, truth.w, truth.h));
    const auto out = tracker.Update(dets, At(f, fps));
    if (f < gap_start) {
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0].id, 1);
    }
    if (f >= gap_end) {
      for (const auto& o : out) ids_after.insert(o.id);
      if (f > gap_end) {
        EXPECT_EQ(out.size(), 1u) << "frame " << f;  // confirmed on the second match
      } else {
        EXPECT_TRUE(out.empty()) << "a new track needs a second match";
      }
    }
  }
  EXPECT_EQ(ids_after, std::set<int>{2});
}

INSTANTIATE_TEST_SUITE_P(Fps, ByteTrackerFpsTest, ::testing::Values(30.0, 10.0));

TEST(ByteTrackerTest, LowScoreDetectionKeepsTrackAliveButNeverStartsOne) {
  ByteTracker tracker;
  const Target tg{100, 200, 60, 0};
  for (int f = 0; f < 60; ++f) {
    const BBox truth = tg.BoxAt(f / 30.0);
    const float score = f < 10 ? 0.9f : 0.3f;  // high first, then only low-score detections
    std::vector<Detection> dets = {Det(truth.x, truth.y, truth.w, truth.h, score)};
    dets.push_back(Det(600, 50 + f, 40, 100, 0.3f));  // a low-score object with no track
    const auto out = tracker.Update(dets, At(f, 30));
    ASSERT_EQ(out.size(), 1u) << "frame " << f;
    EXPECT_EQ(out[0].id, 1);
    EXPECT_FLOAT_EQ(out[0].score, score);
    EXPECT_NEAR(out[0].box.cx(), truth.cx(), 3.0);
  }
  // Low-score detections alone, from the first frame on, never create a track.
  ByteTracker fresh;
  for (int f = 0; f < 30; ++f) {
    EXPECT_TRUE(fresh.Update({Det(100 + f, 200, 40, 100, 0.3f)}, At(f, 30)).empty());
  }
  // Below low_thresh is ignored even for an existing track: it becomes lost.
  ByteTracker t2;
  t2.Update({Det(100, 200, 40, 100)}, At(0, 30));
  EXPECT_TRUE(t2.Update({Det(100, 200, 40, 100, 0.05f)}, At(1, 30)).empty());
  const auto back = t2.Update({Det(100, 200, 40, 100)}, At(2, 30));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].id, 1);
}

TEST(ByteTrackerTest, OneFrameFalsePositiveNeverConfirmed) {
  ByteTracker tracker;
  const Target tg{100, 200, 60, 0};
  std::set<int> ids;
  for (int f = 0; f < 40; ++f) {
    const BBox truth = tg.BoxAt(f / 30.0);
    std::vector<Detection> dets = {Det(truth.x, truth.y, truth.w, truth.h)};
    if (f == 10 || f == 20) dets.push_back(Det(500, 300, 50, 120, 0.95f));  // isolated blips
    for (const auto& o : tracker.Update(dets, At(f, 30))) ids.insert(o.id);
  }
  EXPECT_EQ(ids, std::set<int>{1});
  // A real second object later gets the next id: unconfirmed blips consume none.
  tracker.Update({Det(500, 300, 50, 120)}, At(40, 30));
  const auto out = tracker.Update({Det(500, 300, 50, 120)}, At(41, 30));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 2);
}

TEST(ByteTrackerTest, PredictBetweenUpdatesMovesWithTarget) {
  ByteTracker tracker;
  const Target tg{100, 200, 150, -30};  // 5 px / frame right, 1 up
  float last_cx = -1;
  int predicted_frames = 0;
  for (int f = 0; f < 60; ++f) {
    const BBox truth = tg.BoxAt(f / 30.0);
    std::vector<TrackOutput> out;
    if (f % 3 == 0) {  // detector every third frame
      out = tracker.Update({Det(truth.x, truth.y, truth.w, truth.h)}, At(f, 30));
      for (const auto& o : out) EXPECT_FALSE(o.predicted);
    } else {
      out = tracker.Predict(At(f, 30));
      ++predicted_frames;
      for (const auto& o : out) EXPECT_TRUE(o.predicted);
    }
    ASSERT_EQ(out.size(), 1u) << "frame " << f;
    EXPECT_EQ(out[0].id, 1);
    if (f >= 9) {  // velocity has converged
      EXPECT_NEAR(out[0].box.cx(), truth.cx(), 3.0) << "frame " << f;
      EXPECT_NEAR(out[0].box.cy(), truth.cy(), 3.0) << "frame " << f;
      EXPECT_GT(out[0].box.cx(), last_cx + 3.0f) << "frame " << f;
    }
    last_cx = out[0].box.cx();
  }
  EXPECT_EQ(predicted_frames, 40);
}

TEST(ByteTrackerTest, PredictThenUpdateAtSameTimeDoesNotPredictTwice) {
  ByteTracker a, b;
  const Target tg{100, 200, 150, 20};
  for (int f = 0; f < 30; ++f) {
    const BBox truth = tg.BoxAt(f / 30.0);
    const std::vector<Detection> dets = {Det(truth.x, truth.y, truth.w, truth.h)};
    if (f % 2 == 0) a.Predict(At(f, 30));  // extra Predict at the very same time
    const auto oa = a.Update(dets, At(f, 30));
    const auto ob = b.Update(dets, At(f, 30));
    ASSERT_EQ(oa.size(), ob.size());
    for (size_t i = 0; i < oa.size(); ++i) {
      EXPECT_EQ(oa[i].id, ob[i].id);
      EXPECT_EQ(oa[i].box, ob[i].box) << "frame " << f;
    }
  }
}

TEST(ByteTrackerTest, PredictAtIntermediateTimeKeepsTimeAccounting) {
  // Predict(t1) then Update(t2) must advance the state by t2 - t1, not by a frame: the result
  // stays close to an Update(t2) without the intermediate Predict.
  ByteTracker a, b;
  const Target tg{100, 200, 240, 0};
  for (int f = 0; f < 45; ++f) {
    if (f % 3 != 0) {
      a.Predict(At(f, 30));
      continue;
    }
    const BBox truth = tg.BoxAt(f / 30.0);
    const std::vector<Detection> dets = {Det(truth.x, truth.y, truth.w, truth.h)};
    const auto oa = a.Update(dets, At(f, 30));
    const auto ob = b.Update(dets, At(f, 30));
    ASSERT_EQ(oa.size(), 1u);
    ASSERT_EQ(ob.size(), 1u);
    EXPECT_EQ(oa[0].id, ob[0].id);
    EXPECT_NEAR(oa[0].box.x, ob[0].box.x, 0.5) << "frame " << f;
    EXPECT_NEAR(oa[0].box.x, truth.x, 3.0) << "frame " << f;
  }
}

TEST(ByteTrackerTest, ReportsClassOfLastDetectionAndFiltersSmallOrWideBoxes) {
  ByteTrackOptions opt;
  opt.min_box_area = 500.f;
  opt.max_aspect_ratio = 1.6f;
  ByteTracker tracker(opt);
  std::vector<Detection> dets = {Det(10, 10, 40, 100, 0.9f, 2), Det(200, 10, 10, 10),
                                 Det(400, 10, 200, 100)};
  auto out = tracker.Update(dets, At(0, 30));
  ASSERT_EQ(out.size(), 1u);  // 10x10 is too small, 200x100 too wide
  EXPECT_EQ(out[0].class_id, 2);
  dets[0].class_id = 3;
  out = tracker.Update(dets, At(1, 30));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].class_id, 3);
}

TEST(ByteTrackerTest, ClassAwareDoesNotMatchAcrossClasses) {
  ByteTrackOptions opt;
  opt.class_aware = true;
  ByteTracker tracker(opt);
  tracker.Update({Det(100, 100, 40, 100, 0.9f, 0)}, At(0, 30));
  tracker.Update({Det(100, 100, 40, 100, 0.9f, 2)}, At(1, 30));
  const auto out = tracker.Update({Det(100, 100, 40, 100, 0.9f, 2)}, At(2, 30));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].class_id, 2);
  EXPECT_NE(out[0].id, 1);  // the person track did not take the car detection
}

std::vector<std::vector<TrackOutput>> RunNoisyScene(ByteTracker& tracker, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.f, 2.f);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<Target> targets;
  for (int i = 0; i < 12; ++i) {
    targets.push_back(
        {50.f + 60 * i, 100.f + 25 * (i % 5), (u(rng) - 0.5f) * 200, (u(rng) - 0.5f) * 100});
  }
  std::vector<std::vector<TrackOutput>> all;
  for (int f = 0; f < 150; ++f) {
    std::vector<Detection> dets;
    for (const auto& tg : targets) {
      if (u(rng) < 0.1f) continue;  // missed detection
      const BBox b = tg.BoxAt(f / 30.0);
      dets.push_back(Det(b.x + noise(rng), b.y + noise(rng), b.w, b.h, 0.2f + 0.8f * u(rng)));
    }
    if (u(rng) < 0.3f) dets.push_back(Det(u(rng) * 800, u(rng) * 400, 40, 90, u(rng)));
    all.push_back(f % 4 == 3 ? tracker.Predict(At(f, 30)) : tracker.Update(dets, At(f, 30)));
  }
  return all;
}

void ExpectSame(const std::vector<std::vector<TrackOutput>>& a,
                const std::vector<std::vector<TrackOutput>>& b) {
  ASSERT_EQ(a.size(), b.size());
  size_t total = 0;
  for (size_t f = 0; f < a.size(); ++f) {
    ASSERT_EQ(a[f].size(), b[f].size()) << "frame " << f;
    for (size_t i = 0; i < a[f].size(); ++i) {
      EXPECT_EQ(a[f][i].id, b[f][i].id);
      EXPECT_EQ(a[f][i].class_id, b[f][i].class_id);
      EXPECT_EQ(a[f][i].score, b[f][i].score);
      EXPECT_EQ(a[f][i].box, b[f][i].box);
      EXPECT_EQ(a[f][i].predicted, b[f][i].predicted);
      if (i > 0) {
        EXPECT_LT(a[f][i - 1].id, a[f][i].id);  // ascending ids
      }
    }
    total += a[f].size();
  }
  EXPECT_GT(total, 1000u);  // the scene produced real output
}

TEST(ByteTrackerTest, DeterministicAcrossRunsAndReset) {
  ByteTracker t1, t2;
  const auto r1 = RunNoisyScene(t1, 42);
  const auto r2 = RunNoisyScene(t2, 42);
  ExpectSame(r1, r2);
  t1.Reset();  // a reset tracker behaves like a fresh one (ids restart at 1)
  ExpectSame(RunNoisyScene(t1, 42), r1);
  ByteTracker moved = std::move(t2);
  moved.Reset();
  ExpectSame(RunNoisyScene(moved, 42), r1);
}

TEST(ByteTrackerTest, LostTracksAreForgottenNotAccumulated) {
  // Many short-lived objects: ids keep increasing but the tracker only reports live ones and,
  // once everything has left for longer than the buffer, reports nothing.
  ByteTracker tracker;
  int f = 0;
  for (int k = 0; k < 200; ++k) {
    const float x = static_cast<float>((k * 37) % 700);
    for (int j = 0; j < 3; ++j, ++f) tracker.Update({Det(x, 100, 40, 100)}, At(f, 30));
  }
  // 200 objects were seen, but only those lost within the buffer (one every 0.1 s) and the
  // live one are held.
  EXPECT_LE(tracker.num_live_tracks(), 2 + static_cast<int>(10 * tracker.options().track_buffer_s));
  EXPECT_TRUE(tracker.Update({}, At(f, 30)).empty());  // the last object leaves
  EXPECT_GE(tracker.num_live_tracks(), 1);
  f += static_cast<int>(30 * tracker.options().track_buffer_s) + 10;  // > buffer later
  EXPECT_TRUE(tracker.Predict(At(f, 30)).empty());
  EXPECT_EQ(tracker.num_live_tracks(), 0);
  tracker.Update({Det(10, 10, 40, 100)}, At(f + 1, 30));
  const auto out = tracker.Update({Det(10, 10, 40, 100)}, At(f + 2, 30));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GT(out[0].id, 1);
}

// Height-modulated IoU breaks ties: of two detections near a track, the one below it overlaps
// more (IoU 0.5) but the one beside it has the same vertical extent (IoU 1/3, height IoU 1).
// Plain IoU takes the one below, height-modulated IoU the one beside.
TEST(ByteTrackerTest, HeightIouPrefersTheBoxAtTheSameHeight) {
  for (bool hiou : {false, true}) {
    ByteTrackOptions o;
    o.height_iou = hiou;
    ByteTracker tracker(o);
    for (int f = 0; f < 5; ++f) tracker.Update({Det(100, 100, 50, 120)}, At(f, 10));
    const auto out = tracker.Update({Det(100, 140, 50, 120), Det(125, 100, 50, 120)}, At(5, 10));
    ASSERT_EQ(out.size(), 1u) << "height_iou " << hiou;
    if (hiou) {
      EXPECT_GT(out[0].box.x, 110.f);
      EXPECT_LT(out[0].box.y, 110.f);
    } else {
      EXPECT_LT(out[0].box.x, 110.f);
      EXPECT_GT(out[0].box.y, 115.f);
    }
  }
}

// ... but never loses a match: a lone detection at another height (IoU 1/3, height IoU 1/3)
// still continues the track, through the plain-cost stage 1b.
TEST(ByteTrackerTest, HeightIouNeverLosesAMatchPlainIouMakes) {
  ByteTrackOptions o;
  o.height_iou = true;
  ByteTracker tracker(o);
  for (int f = 0; f < 5; ++f) tracker.Update({Det(100, 100, 50, 120)}, At(f, 10));
  const auto out = tracker.Update({Det(100, 160, 50, 120)}, At(5, 10));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 1);
}

// Observation-centric re-update: a walker (60 px/s) stops behind an obstacle for the 0.9 s it
// is hidden and reappears where it was last seen. Re-run through the interpolated observations,
// the filter knows it stands; without, it keeps much of the old velocity and runs ahead.
TEST(ByteTrackerTest, ObservationReupdateForgetsTheVelocityOfAStoppedTarget) {
  double err[2] = {0, 0};
  for (int oru = 0; oru < 2; ++oru) {
    ByteTrackOptions o;
    o.observation_reupdate = oru == 1;
    ByteTracker tracker(o);
    const double fps = 10;
    int f = 0;
    for (; f < 30; ++f) tracker.Update({Det(100 + 6.f * f, 200, 100, 200)}, At(f, fps));
    const float stop_x = 100 + 6.f * (f - 1);
    for (int k = 0; k < 8; ++k, ++f) tracker.Update({}, At(f, fps));
    for (int k = 0; k < 2; ++k, ++f) {
      const auto out = tracker.Update({Det(stop_x, 200, 100, 200)}, At(f, fps));
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0].id, 1);
    }
    const auto pred = tracker.Predict(At(f + 5, fps));  // 0.5 s later; it still stands
    ASSERT_EQ(pred.size(), 1u);
    err[oru] = std::fabs(pred[0].box.x - stop_x);
  }
  EXPECT_LT(err[1], 0.5 * err[0]) << "without " << err[0] << " with " << err[1];
}

// Observation-centric momentum: of two detections near a walker's prediction, the one slightly
// closer lies behind its last observation (against its direction). Plain IoU takes it; with the
// momentum term the track takes the one ahead.
TEST(ByteTrackerTest, MomentumPrefersTheDetectionAlongTheTrackDirection) {
  for (bool momentum : {false, true}) {
    ByteTrackOptions o;
    o.momentum_weight = momentum ? 0.2f : 0.f;
    ByteTracker tracker(o);
    int f = 0;
    float last_x = 0;
    for (; f < 20; ++f) {
      last_x = 100 + 6.f * f;
      tracker.Update({Det(last_x, 200, 40, 100)}, At(f, 10));
    }
    const auto pred = tracker.Predict(At(f, 10));
    ASSERT_EQ(pred.size(), 1u);
    const float px = pred[0].box.x;  // about last_x + 6
    const float behind = last_x - 0.5f, ahead = px + (px - behind) + 1.f;
    const auto out =
        tracker.Update({Det(behind, 200, 40, 100), Det(ahead, 200, 40, 100)}, At(f, 10));
    ASSERT_EQ(out.size(), 1u);
    if (momentum) {
      EXPECT_GT(out[0].box.x, px) << "took the detection behind";
    } else {
      EXPECT_LT(out[0].box.x, px) << "plain IoU should take the closer detection";
    }
  }
}

// Adaptive noise: a walker at constant speed seen by a jittery detector (8 px per box edge at
// 10 fps). The fixed model follows more of the jitter into its velocity; the adapted filter
// learns that the motion is smoother than the default model says, so its 1 s prediction (an
// occlusion) is closer (about 10 % here: the process-noise scale stops at its lower bound).
TEST(ByteTrackerTest, AdaptiveNoisePredictsASmoothWalkerBetterThroughJitter) {
  double err[2] = {0, 0};
  for (int adaptive = 0; adaptive < 2; ++adaptive) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
      ByteTrackOptions o;
      o.adaptive_noise = adaptive == 1;
      ByteTracker tracker(o);
      std::mt19937 rng(seed);
      std::normal_distribution<float> n(0.f, 8.f);
      const Target tg{100, 300, 60, 0};
      int f = 0;
      for (; f < 300; ++f) {
        const BBox b = tg.BoxAt(f / 10.0);
        tracker.Update({Det(b.x + n(rng), b.y + n(rng), 100 + n(rng), 200 + n(rng))}, At(f, 10));
      }
      const auto pred = tracker.Predict(At(f + 9, 10));
      ASSERT_EQ(pred.size(), 1u);
      err[adaptive] += std::fabs(pred[0].box.cx() - (tg.BoxAt((f + 9) / 10.0).x + 50));
    }
  }
  EXPECT_LT(err[1], 0.95 * err[0]) << "fixed " << err[0] / 5 << " px, adaptive " << err[1] / 5;
}

}  // namespace
}  // namespace es

namespace es {
namespace {

// A person standing still while the camera shakes (a pole in the wind): the image jumps 25 px
// left and right, more than the box's width between frames. With the measured camera motion
// applied the track keeps its id; without it the track is lost again and again.
TEST(ByteTrackerCameraMotionTest, AShakingCameraKeepsAStandingPersonsId) {
  auto shake = [](int f) { return 30.f * static_cast<float>(std::sin(2.7 * f)); };
  for (const bool compensate : {false, true}) {
    ByteTracker tracker;
    std::set<int> ids;
    int reported = 0;
    for (int f = 0; f < 20; ++f) {
      if (compensate && f > 0) {
        CameraMotion m;
        m.m[2] = shake(f) - shake(f - 1);
        m.ok = true;
        tracker.ApplyCameraMotion(m);
      }
      const float x = 700.f + shake(f);
      for (const TrackOutput& o : tracker.Update({Det(x, 200, 25, 70)}, At(f, 25))) {
        ids.insert(o.id);
        ++reported;
      }
    }
    if (compensate) {
      EXPECT_EQ(ids, std::set<int>{1});
      EXPECT_EQ(reported, 20);
    } else {
      EXPECT_TRUE(ids.size() > 2 || reported < 15) << ids.size() << " ids, " << reported;
    }
  }
}

TEST(ByteTrackerCameraMotionTest, ZoomScalesTheTrackedBoxAndAnUnmeasuredMotionIsIgnored) {
  ByteTracker tracker;
  for (int f = 0; f < 3; ++f) tracker.Update({Det(100, 100, 40, 100)}, At(f, 25));
  CameraMotion zoom;  // 10 % zoom about the origin
  zoom.m[0] = zoom.m[4] = 1.1;
  zoom.ok = true;
  tracker.ApplyCameraMotion(zoom);
  auto out = tracker.Predict(At(3, 25));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].box.cx(), 132, 1.0);
  EXPECT_NEAR(out[0].box.h, 110, 1.0);
  CameraMotion unmeasured = zoom;
  unmeasured.ok = false;
  tracker.ApplyCameraMotion(unmeasured);
  out = tracker.Predict(At(4, 25));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].box.h, 110, 1.0);
}

// Two people side by side; in the next frame their detections are closer to the other one's
// track than to their own (a jump of the detector). Motion alone swaps them; the colours keep
// them, because both pairings are allowed and appearance only decides between them.
TEST(ByteTrackerAppearanceTest, ColoursBreakATieMotionGetsWrong) {
  const AppearanceFeature red = [] {
    AppearanceFeature f{};
    f[0] = f[kAppearanceBins] = 1.f;
    return f;
  }();
  const AppearanceFeature blue = [] {
    AppearanceFeature f{};
    f[8] = f[kAppearanceBins + 8] = 1.f;
    return f;
  }();
  for (const float weight : {0.f, 0.3f}) {
    ByteTrackOptions o;
    o.appearance_weight = weight;
    ByteTracker tracker(o);
    int red_id = 0;
    for (int f = 0; f < 5; ++f) {
      const auto out =
          tracker.Update({Det(100, 100, 40, 100), Det(130, 100, 40, 100)}, At(f, 25), {red, blue});
      ASSERT_EQ(out.size(), 2u);
      red_id = out[0].box.x < out[1].box.x ? out[0].id : out[1].id;
    }
    // The red person is now detected at 118, the blue one at 112: by IoU, each is closer to
    // the other's track (costs 0.66 against 0.52).
    // They stay there a few frames so the filtered boxes settle on the detections.
    std::vector<TrackOutput> out;
    for (int f = 5; f < 12; ++f) {
      out =
          tracker.Update({Det(118, 100, 40, 100), Det(112, 100, 40, 100)}, At(f, 25), {red, blue});
    }
    ASSERT_EQ(out.size(), 2u);
    const TrackOutput& right = out[0].box.x > out[1].box.x ? out[0] : out[1];
    if (weight > 0) {
      EXPECT_EQ(right.id, red_id) << "appearance keeps the red person's id";
    } else {
      EXPECT_NE(right.id, red_id) << "motion alone swaps them";
    }
  }
}

TEST(ByteTrackerAppearanceTest, FeaturesOfAnotherCountAreIgnored) {
  ByteTrackOptions o;
  o.appearance_weight = 0.5f;
  ByteTracker with(o), without(o);
  for (int f = 0; f < 10; ++f) {
    const std::vector<Detection> dets = {Det(100 + 3.f * f, 100, 40, 100)};
    const auto a = with.Update(dets, At(f, 25), std::vector<AppearanceFeature>(3));
    const auto b = without.Update(dets, At(f, 25));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].box, b[i].box);
  }
}

}  // namespace
}  // namespace es

namespace es {
namespace {

// A measured motion of zero is no motion: the same outputs as without compensation, on a
// crowd with occlusions and misses.
TEST(ByteTrackerCameraMotionTest, AnIdentityMotionChangesNothing) {
  std::mt19937 rng(5);
  std::normal_distribution<float> jitter(0.f, 2.f);
  ByteTracker a, b;
  CameraMotion identity;
  identity.ok = true;
  for (int f = 0; f < 200; ++f) {
    std::vector<Detection> dets;
    for (int k = 0; k < 15; ++k) {
      if ((f + 3 * k) % 11 == 0) continue;  // misses
      dets.push_back(Det(40.f * k + 2.f * f * (k % 3 - 1) + jitter(rng), 100 + 10.f * (k % 4), 35,
                         90, 0.3f + 0.05f * (k % 12)));
    }
    b.ApplyCameraMotion(identity);
    const auto oa = a.Update(dets, At(f, 25));
    const auto ob = b.Update(dets, At(f, 25));
    ASSERT_EQ(oa.size(), ob.size()) << "frame " << f;
    for (size_t i = 0; i < oa.size(); ++i) {
      EXPECT_EQ(oa[i].id, ob[i].id);
      EXPECT_NEAR(oa[i].box.x, ob[i].box.x, 1e-3);
    }
  }
}

}  // namespace
}  // namespace es
