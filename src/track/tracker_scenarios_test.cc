// Field scenarios for the tracker, each a scripted scene with known ground truth:
//   static clutter (a cone the detector keeps reporting), a 1 s occlusion at 10 and 30 fps,
//   and a crowd walking through itself in two directions with missed detections.
// The scenes are deterministic (a fixed LCG for jitter and misses); the tracker runs with its
// default options (track/byte_track_options.h), as `edgesight run` and `track` do.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "track/byte_tracker.h"

namespace es {
namespace {

// Deterministic jitter in [-a, a].
class Jitter {
 public:
  explicit Jitter(uint32_t seed) : s_(seed) {}
  float operator()(float a) {
    s_ = s_ * 1664525u + 1013904223u;
    return a * (static_cast<float>(s_ >> 8) / static_cast<float>(1u << 24) * 2.f - 1.f);
  }
  bool Chance(float p) { return ((*this)(0.5f) + 0.5f) < p; }

 private:
  uint32_t s_;
};

Timestamp At(int frame, double fps) { return Timestamp::Micros(std::llround(frame * 1e6 / fps)); }

Detection Det(float cx, float cy, float w, float h, float score = 0.9f) {
  return {{cx - w / 2, cy - h / 2, w, h}, score, kClassPerson};
}

// ---- (a) static clutter ------------------------------------------------------------------

ByteTrackOptions WithStaticSuppression() {
  ByteTrackOptions o;
  o.static_suppress_s = 10;
  return o;
}

// With the (opt-in) static rule, a cone detected in every frame for 60 s (with detector jitter
// of +-2 px) is reported at most for static_suppress_s, then never again.
TEST(TrackerScenario, StaticClutterIsNotALongLivedReportedTrackWithTheStaticRule) {
  const double fps = 10;
  ByteTracker tracker(WithStaticSuppression());
  Jitter j(7);
  std::set<int> ids;
  double last_reported_s = -1;
  for (int f = 0; f < static_cast<int>(60 * fps); ++f) {
    const auto out = tracker.Update({Det(300 + j(2), 400 + j(2), 30, 60 + j(1), 0.7f)}, At(f, fps));
    for (const TrackOutput& o : out) {
      ids.insert(o.id);
      last_reported_s = f / fps;
    }
  }
  EXPECT_LE(ids.size(), 1u);
  EXPECT_LE(last_reported_s, tracker.options().static_suppress_s + 0.2);
  EXPECT_EQ(tracker.num_live_tracks(), 1) << "still tracked, so it cannot respawn as new tracks";
}

// The rule is off by default: the tracker cannot tell a cone from a person who stands still
// (next test), and losing the person is worse than reporting the cone.
TEST(TrackerScenario, StaticClutterIsReportedByDefault) {
  const double fps = 10;
  ByteTracker tracker;
  Jitter j(7);
  int reported = 0;
  for (int f = 0; f < static_cast<int>(60 * fps); ++f) {
    reported += static_cast<int>(
        tracker.Update({Det(300 + j(2), 400 + j(2), 30, 60 + j(1), 0.7f)}, At(f, fps)).size());
  }
  EXPECT_GE(reported, static_cast<int>(60 * fps) - 1);
}

// By default a person who stands still from the start (a guard, a queue) is reported all along.
TEST(TrackerScenario, PersonStandingFromTheStartStaysReportedByDefault) {
  const double fps = 10;
  ByteTracker tracker;
  Jitter j(5);
  std::set<int> ids;
  int reported = 0;
  for (int f = 0; f < static_cast<int>(60 * fps); ++f) {
    const auto out = tracker.Update({Det(200 + j(1), 300 + j(1), 50, 120 + j(1))}, At(f, fps));
    reported += static_cast<int>(out.size());
    for (const TrackOutput& o : out) ids.insert(o.id);
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_GE(reported, static_cast<int>(60 * fps) - 1);
}

// With the static rule, a person who stands still for 20 s and then walks: reported for the
// first 10 s, withheld while still standing, reported again (same id) within 1 s of walking.
TEST(TrackerScenario, StandingPersonIsReportedAgainOnceItMovesWithTheStaticRule) {
  const double fps = 10;
  ByteTracker tracker(WithStaticSuppression());
  Jitter j(11);
  std::set<int> ids;
  bool reported_while_standing_late = false;
  double first_report_after_walk = -1;
  for (int f = 0; f < static_cast<int>(30 * fps); ++f) {
    const double t = f / fps;
    const float walk = t < 20 ? 0.f : static_cast<float>((t - 20) * 80.0);  // 80 px/s
    const auto out =
        tracker.Update({Det(200 + walk + j(2), 300 + j(2), 50, 120 + j(1))}, At(f, fps));
    for (const TrackOutput& o : out) {
      ids.insert(o.id);
      if (t > 10.5 && t < 20) reported_while_standing_late = true;
      if (t >= 20 && first_report_after_walk < 0) first_report_after_walk = t;
    }
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_FALSE(reported_while_standing_late);
  ASSERT_GE(first_report_after_walk, 20.0);
  EXPECT_LE(first_report_after_walk, 21.0);
}

// Even with the static rule, a person who walks in and then stands still (loitering) stays
// reported: it moved once.
TEST(TrackerScenario, PersonWhoWalkedInStaysReportedWhileStandingWithTheStaticRule) {
  const double fps = 10;
  ByteTracker tracker(WithStaticSuppression());
  int reported_late = 0;
  for (int f = 0; f < static_cast<int>(40 * fps); ++f) {
    const double t = f / fps;
    const float x = static_cast<float>(100 + 80.0 * std::min(t, 5.0));
    const auto out = tracker.Update({Det(x, 300, 50, 120)}, At(f, fps));
    if (t > 30) reported_late += static_cast<int>(out.size());
  }
  EXPECT_EQ(reported_late, static_cast<int>(10 * fps) - 1);
}

// ---- (b) occlusion -----------------------------------------------------------------------

// Walks right at 60 px/s, box 50x120; detections missing for exactly 1 s from t = 3 s.
void OcclusionKeepsId(double fps) {
  ByteTracker tracker;
  Jitter j(3);
  std::set<int> before, after;
  for (int f = 0; f < static_cast<int>(6 * fps); ++f) {
    const double t = f / fps;
    std::vector<Detection> dets;
    const bool occluded = t > 3.0 + 1e-9 && t <= 4.0 + 1e-9;
    if (!occluded) {
      dets.push_back(Det(static_cast<float>(100 + 60 * t) + j(1.5f), 300 + j(1.5f), 50, 120));
    }
    for (const TrackOutput& o : tracker.Update(dets, At(f, fps))) {
      (t <= 3.0 + 1e-9 ? before : after).insert(o.id);
    }
  }
  ASSERT_EQ(before.size(), 1u);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after, before) << "fps " << fps;
}

TEST(TrackerScenario, OneSecondOcclusionKeepsIdAt10Fps) { OcclusionKeepsId(10); }
TEST(TrackerScenario, OneSecondOcclusionKeepsIdAt30Fps) { OcclusionKeepsId(30); }

// The same scene behind a passer-by walking the other way in front: the occluded person's
// detection is missing while the occluder covers it, and the ids must still come back right.
void OcclusionBehindPasserByKeepsIds(double fps) {
  ByteTracker tracker;
  std::map<int, std::set<int>> ids;  // person -> reported ids
  for (int f = 0; f < static_cast<int>(6 * fps); ++f) {
    const double t = f / fps;
    const float xa = static_cast<float>(100 + 60 * t), xb = static_cast<float>(500 - 60 * t);
    std::vector<Detection> dets = {Det(xb, 310, 56, 130)};  // B in front
    if (std::fabs(xa - xb) > 45) dets.push_back(Det(xa, 300, 50, 120));
    for (const TrackOutput& o : tracker.Update(dets, At(f, fps))) {
      const int who = std::fabs(o.box.cx() - xa) < std::fabs(o.box.cx() - xb) ? 0 : 1;
      ids[who].insert(o.id);
    }
  }
  EXPECT_EQ(ids[0].size(), 1u) << "fps " << fps;
  EXPECT_EQ(ids[1].size(), 1u) << "fps " << fps;
  EXPECT_NE(*ids[0].begin(), *ids[1].begin());
}

TEST(TrackerScenario, OcclusionBehindPasserByKeepsIdsAt10Fps) {
  OcclusionBehindPasserByKeepsIds(10);
}
TEST(TrackerScenario, OcclusionBehindPasserByKeepsIdsAt30Fps) {
  OcclusionBehindPasserByKeepsIds(30);
}

// ---- (c) crowd ---------------------------------------------------------------------------

struct Walker {
  float x0, y, vx, w, h;
  BBox BoxAt(double t) const {
    const float cx = x0 + static_cast<float>(vx * t);
    return {cx - w / 2, y - h / 2, w, h};
  }
};

// Three people walk right and four walk left (70 px/s, 160 px apart) on lines 10-30 px apart,
// so every right-walker passes every left-walker with partial overlaps; 8% of detections are missed
// at random and the person behind is missed while an overlap covers more than half of its box.
// Every person must keep exactly one id, and no id may jump from one person to another.
struct CrowdResult {
  int reported = 0;  // reported boxes matched to a person
  int frames = 0;
  int persons_seen = 0;  // persons with at least one reported box
  int extra_ids = 0;     // sum over persons of (ids - 1): fragmentations and swaps
  int shared_ids = 0;    // sum over ids of (persons - 1): an id that jumped
};

CrowdResult RunCrowd(double fps, const ByteTrackOptions& options) {
  const std::vector<Walker> people = {{100, 300, 70, 48, 120},  {-60, 306, 72, 52, 124},
                                      {-220, 296, 68, 46, 118}, {700, 320, -70, 50, 122},
                                      {860, 314, -72, 51, 126}, {1020, 326, -68, 47, 116},
                                      {1180, 318, -70, 49, 120}};
  const double duration_s = 18;
  ByteTracker tracker(options);
  Jitter j(42);
  std::map<int, std::set<int>> ids_of_person;
  std::map<int, std::set<int>> persons_of_id;
  int reported = 0;
  for (int f = 0; f < static_cast<int>(duration_s * fps); ++f) {
    const double t = f / fps;
    std::vector<BBox> gt;
    for (const Walker& p : people) gt.push_back(p.BoxAt(t));
    std::vector<Detection> dets;
    for (size_t i = 0; i < gt.size(); ++i) {
      if (gt[i].x + gt[i].w < 0 || gt[i].x > 800) continue;  // outside the 800 px frame
      bool hidden = false;  // a larger (closer) box in front covers more than half of it
      for (size_t k = 0; k < gt.size(); ++k) {
        if (k == i || gt[k].h <= gt[i].h) continue;
        const float ix = std::max(
            0.f, std::min(gt[i].x + gt[i].w, gt[k].x + gt[k].w) - std::max(gt[i].x, gt[k].x));
        const float iy = std::max(
            0.f, std::min(gt[i].y + gt[i].h, gt[k].y + gt[k].h) - std::max(gt[i].y, gt[k].y));
        if (ix * iy > 0.5f * gt[i].w * gt[i].h) hidden = true;
      }
      if (hidden || j.Chance(0.08f)) continue;
      BBox b = gt[i];
      b.x += j(2);
      b.y += j(2);
      b.h += j(2);
      dets.push_back({b, 0.6f + (j(0.2f) + 0.2f), kClassPerson});
    }
    for (const TrackOutput& o : tracker.Update(dets, At(f, fps))) {
      int best = -1;
      float best_iou = 0.5f;
      for (size_t i = 0; i < gt.size(); ++i) {
        const float v = IoU(o.box, gt[i]);
        if (v > best_iou) best_iou = v, best = static_cast<int>(i);
      }
      if (best < 0) continue;  // a predicted box far off would show up as a missing person
      ids_of_person[best].insert(o.id);
      persons_of_id[o.id].insert(best);
      ++reported;
    }
  }
  CrowdResult r;
  r.reported = reported;
  r.frames = static_cast<int>(duration_s * fps);
  r.persons_seen = static_cast<int>(ids_of_person.size());
  for (const auto& [person, ids] : ids_of_person) r.extra_ids += static_cast<int>(ids.size()) - 1;
  for (const auto& [id, persons] : persons_of_id) {
    r.shared_ids += static_cast<int>(persons.size()) - 1;
  }
  return r;
}

void CrowdDoesNotSwap(double fps) {
  const CrowdResult r = RunCrowd(fps, ByteTrackOptions{});
  EXPECT_GT(r.reported, 3 * r.frames);
  EXPECT_EQ(r.persons_seen, 7);
  EXPECT_EQ(r.extra_ids, 0) << fps << " fps";
  EXPECT_EQ(r.shared_ids, 0) << fps << " fps";
}

TEST(TrackerScenario, CrowdCrossingInTwoDirectionsDoesNotSwapIdsAt10Fps) { CrowdDoesNotSwap(10); }
TEST(TrackerScenario, CrowdCrossingInTwoDirectionsDoesNotSwapIdsAt25Fps) { CrowdDoesNotSwap(25); }

}  // namespace
}  // namespace es

namespace es {
namespace {

// Why duplicate_only_respawn exists: ByteTrack's duplicate removal (any tracked/lost pair with
// IoU > 0.85) deletes the lost track of the person hidden behind a passer-by, who then comes
// back with a new id in this scene.
TEST(TrackerScenario, ByteTrackDuplicateRemovalLosesTheHiddenPersonInTheCrowd) {
  ByteTrackOptions o;
  o.duplicate_only_respawn = false;
  const CrowdResult r = RunCrowd(10, o);
  EXPECT_GT(r.extra_ids + r.shared_ids, 0);
}

// The other side of the buffer: an occlusion well beyond track_buffer_s (2 s) ends the
// track, and the person comes back with a new id (a 1 s occlusion keeps it, above).
TEST(TrackerScenario, OcclusionBeyondTheBufferGetsANewId) {
  ByteTracker tracker;
  std::set<int> ids;
  const double fps = 10;
  for (int f = 0; f < static_cast<int>(8 * fps); ++f) {
    const double t = f / fps;
    std::vector<Detection> dets;
    if (!(t > 3.0 + 1e-9 && t <= 6.0 + 1e-9)) {
      dets.push_back(Det(static_cast<float>(100 + 60 * t), 300, 50, 120));
    }
    for (const TrackOutput& out : tracker.Update(dets, At(f, fps))) ids.insert(out.id);
  }
  EXPECT_EQ(ids.size(), 2u);
}

}  // namespace
}  // namespace es
