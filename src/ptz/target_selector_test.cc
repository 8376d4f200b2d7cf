#include "ptz/target_selector.h"

#include <gtest/gtest.h>

#include "ptz/ptz_sim.h"

namespace es {
namespace {

constexpr int kCar = 2;

TrackOutput Track(int id, int cls, float x, float y, float w, float h) {
  return TrackOutput{id, cls, 0.9f, {x, y, w, h}, false};
}

Timestamp T(double s) { return Timestamp::Seconds(s); }

TEST(TargetSelectorTest, ClassPriorityBeatsSize) {
  TargetSelectorOptions o;
  o.class_priority = {kClassPerson, kCar};
  TargetSelector sel(TrueWideCalibration(), o);
  const auto car = Track(1, kCar, 100, 400, 300, 150);         // much bigger
  const auto person = Track(2, kClassPerson, 900, 400, 40, 100);
  const auto dog = Track(3, 16, 1200, 400, 400, 400);           // not listed: never chosen
  const Selection s = sel.Update({car, person, dog}, T(0));
  EXPECT_EQ(s.state, SelectorState::kTracking);
  EXPECT_TRUE(s.entered);
  ASSERT_TRUE(s.target.has_value());
  EXPECT_EQ(s.target->track_id, 2);
  // Only an unlisted class: nothing to follow.
  TargetSelector sel2(TrueWideCalibration(), o);
  EXPECT_FALSE(sel2.Update({dog}, T(0)).target.has_value());
  EXPECT_EQ(sel2.state(), SelectorState::kIdle);
}

TEST(TargetSelectorTest, EmptyPriorityTakesLargestOrLongestLived) {
  const auto a = Track(1, kClassPerson, 100, 400, 40, 100);
  const auto b = Track(2, kCar, 900, 400, 200, 100);
  TargetSelector fresh(TrueWideCalibration());
  EXPECT_EQ(fresh.Update({a, b}, T(0)).track_id, 2);  // largest of one tier

  TargetSelectorOptions only_car;
  only_car.class_priority = {kCar};
  only_car.rank = TargetRank::kLongestLived;
  TargetSelector s(TrueWideCalibration(), only_car);
  only_car.rank = TargetRank::kLargest;
  TargetSelector big(TrueWideCalibration(), only_car);
  const auto c1 = Track(5, kCar, 100, 400, 100, 50);
  const auto c2 = Track(6, kCar, 900, 400, 300, 150);
  EXPECT_EQ(s.Update({c1}, T(0)).track_id, 5);
  EXPECT_EQ(big.Update({c1}, T(0)).track_id, 5);
  EXPECT_EQ(big.Update({c1, c2}, T(0.1)).track_id, 5);  // sticky for switch_after_s
  EXPECT_EQ(big.Update({c1, c2}, T(1.2)).track_id, 6);  // 9x the area: switches
  // c2 is bigger but younger; longest-lived keeps c1.
  for (double t = 0.1; t < 3; t += 0.1) EXPECT_EQ(s.Update({c1, c2}, T(t)).track_id, 5);
}

TEST(TargetSelectorTest, ZoneOnlyAndPreferred) {
  const Polygon right_half = {{960, 0}, {1920, 0}, {1920, 1080}, {960, 1080}};
  const auto left_big = Track(1, kClassPerson, 100, 400, 80, 200);
  const auto right_small = Track(2, kClassPerson, 1200, 400, 40, 100);
  TargetSelectorOptions only;
  only.zone = right_half;
  TargetSelector s_only(TrueWideCalibration(), only);
  EXPECT_EQ(s_only.Update({left_big, right_small}, T(0)).track_id, 2);
  TargetSelector s_only2(TrueWideCalibration(), only);
  EXPECT_FALSE(s_only2.Update({left_big}, T(0)).target.has_value());

  TargetSelectorOptions prefer = only;
  prefer.zone_mode = ZoneMode::kPrefer;
  TargetSelector s_pref(TrueWideCalibration(), prefer);
  EXPECT_EQ(s_pref.Update({left_big, right_small}, T(0)).track_id, 2);  // inside first
  TargetSelector s_pref2(TrueWideCalibration(), prefer);
  EXPECT_EQ(s_pref2.Update({left_big}, T(0)).track_id, 1);  // outside is still a target
}

TEST(TargetSelectorTest, HandsOffWhenTargetLeavesTheZone) {
  TargetSelectorOptions o;
  o.zone = {{960, 0}, {1920, 0}, {1920, 1080}, {960, 1080}};
  TargetSelector sel(TrueWideCalibration(), o);
  auto a = Track(1, kClassPerson, 1000, 400, 80, 200);
  const auto b = Track(2, kClassPerson, 1500, 400, 40, 100);
  EXPECT_EQ(sel.Update({a, b}, T(0)).track_id, 1);
  a.box.x = 500;  // walks out of the zone (foot point left of x = 960)
  const Selection s = sel.Update({a, b}, T(0.04));
  EXPECT_EQ(s.track_id, 2);  // at once, no hold
  EXPECT_EQ(sel.handoffs(), 1);
  // Leaving with nobody else in the zone: search right away.
  TargetSelector lone(TrueWideCalibration(), o);
  a.box.x = 1000;
  lone.Update({a}, T(0));
  a.box.x = 500;
  const Selection s2 = lone.Update({a}, T(0.04));
  EXPECT_EQ(s2.state, SelectorState::kSearching);
  EXPECT_TRUE(s2.entered);
}

TEST(TargetSelectorTest, StickyAgainstMarginallyBetterSwitchesForClearlyBetter) {
  TargetSelectorOptions o;
  o.switch_margin = 0.5;
  o.switch_after_s = 1.0;
  TargetSelector sel(TrueWideCalibration(), o);
  const auto cur = Track(1, kClassPerson, 100, 400, 40, 100);
  const auto slightly = Track(2, kClassPerson, 900, 400, 44, 110);  // 1.21x the area
  const auto much = Track(3, kClassPerson, 1500, 400, 60, 150);     // 2.25x the area
  EXPECT_EQ(sel.Update({cur}, T(0)).track_id, 1);
  for (double t = 0.04; t < 3.0; t += 0.04) {
    EXPECT_EQ(sel.Update({cur, slightly}, T(t)).track_id, 1);
  }
  // Clearly better, but only after switch_after_s of being better.
  double switched_at = -1;
  for (double t = 3.0; t < 5.0; t += 0.04) {
    if (sel.Update({cur, slightly, much}, T(t)).track_id == 3 && switched_at < 0) switched_at = t;
  }
  EXPECT_GE(switched_at, 3.0 + 1.0 - 1e-6);
  EXPECT_LT(switched_at, 3.0 + 1.1);
  // A higher-priority class also waits switch_after_s (a spurious detection does not steal).
  TargetSelectorOptions p = o;
  p.class_priority = {kClassPerson, kCar};
  TargetSelector sel2(TrueWideCalibration(), p);
  const auto car = Track(7, kCar, 100, 400, 200, 100);
  const auto person = Track(8, kClassPerson, 900, 400, 40, 100);
  EXPECT_EQ(sel2.Update({car}, T(0)).track_id, 7);
  EXPECT_EQ(sel2.Update({car, person}, T(0.1)).track_id, 7);
  EXPECT_EQ(sel2.Update({car}, T(0.2)).track_id, 7);  // the blip is gone: timer restarts
  EXPECT_EQ(sel2.Update({car, person}, T(0.3)).track_id, 7);
  EXPECT_EQ(sel2.Update({car, person}, T(1.35)).track_id, 8);
}

TEST(TargetSelectorTest, LostTargetHoldsSearchesThenGoesHome) {
  TargetSelectorOptions o;
  o.hold_s = 0.5;
  o.search_s = 2.0;
  TargetSelector sel(TrueWideCalibration(), o);
  auto a = Track(1, kClassPerson, 1200, 400, 40, 100);
  Selection s;
  for (double t = 0; t < 1.0; t += 0.04) {
    a.box.x += 4;
    s = sel.Update({a}, T(t));
  }
  ASSERT_EQ(s.state, SelectorState::kTracking);
  const PanTilt seen = s.last_known;
  EXPECT_GT(s.target->pan_rate_dps, 1.0);  // moving right
  std::vector<std::pair<double, Selection>> log;
  for (double t = 1.0; t < 4.0; t += 0.04) log.emplace_back(t, sel.Update({}, T(t)));
  int searching_entered = 0, home_entered = 0;
  for (const auto& [t, sel_t] : log) {
    EXPECT_FALSE(sel_t.target.has_value());
    if (t < 0.96 + 0.5 - 1e-6) EXPECT_EQ(sel_t.state, SelectorState::kHolding) << t;
    if (sel_t.state == SelectorState::kSearching && sel_t.entered) {
      ++searching_entered;
      EXPECT_NEAR(t, 0.96 + 0.5, 0.05);
      EXPECT_NEAR(sel_t.last_known.pan_deg, seen.pan_deg, 1e-9);
    }
    if (sel_t.state == SelectorState::kHome && sel_t.entered) {
      ++home_entered;
      EXPECT_NEAR(t, 0.96 + 0.5 + 2.0, 0.1);
    }
  }
  EXPECT_EQ(searching_entered, 1);
  EXPECT_EQ(home_entered, 1);
  EXPECT_EQ(log.back().second.state, SelectorState::kHome);
  // A new target ends the search / home state at once.
  const auto b = Track(9, kClassPerson, 300, 400, 40, 100);
  const Selection r = sel.Update({b}, T(4.0));
  EXPECT_EQ(r.state, SelectorState::kTracking);
  EXPECT_EQ(r.track_id, 9);
  EXPECT_TRUE(r.entered);
}

TEST(TargetSelectorTest, ReacquiresTheSameTrackDuringSearch) {
  TargetSelectorOptions o;
  o.hold_s = 0.2;
  TargetSelector sel(TrueWideCalibration(), o);
  const auto a = Track(4, kClassPerson, 1200, 400, 40, 100);
  sel.Update({a}, T(0));
  sel.Update({}, T(0.1));
  EXPECT_EQ(sel.Update({}, T(0.4)).state, SelectorState::kSearching);
  const Selection s = sel.Update({a}, T(0.5));
  EXPECT_EQ(s.state, SelectorState::kTracking);
  EXPECT_EQ(s.track_id, 4);
  EXPECT_EQ(sel.handoffs(), 0);
}

}  // namespace
}  // namespace es
