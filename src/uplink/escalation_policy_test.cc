#include "uplink/escalation_policy.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TrackOutput T(int id, float score, int cls = kClassPerson, bool predicted = false) {
  TrackOutput t;
  t.id = id;
  t.score = score;
  t.class_id = cls;
  t.box = BBox{10, 10, 40, 80};
  t.predicted = predicted;
  return t;
}

EscalateOptions On() {
  EscalateOptions o;
  o.enabled = true;
  o.audit_rate = 0;
  return o;
}

std::vector<int> Ids(const std::vector<EscalationChoice>& v) {
  std::vector<int> ids;
  for (const auto& c : v) ids.push_back(c.track.id);
  return ids;
}

TEST(EscalationPolicyTest, DisabledChoosesNothing) {
  EscalateOptions o;
  o.audit_rate = 1;
  EscalationPolicy p(o, "cam0");
  EXPECT_TRUE(p.Decide({T(1, 0.4f)}, {}, 0).empty());
}

TEST(EscalationPolicyTest, ScoreBandIsInclusiveAndPredictedTracksAreSkipped) {
  EscalationPolicy p(On(), "cam0");
  auto c =
      p.Decide({T(1, 0.3f), T(2, 0.6f), T(3, 0.29f), T(4, 0.61f), T(5, 0.45f, 0, true)}, {}, 0);
  EXPECT_EQ(Ids(c), (std::vector<int>{1, 2}));
  EXPECT_EQ(c[0].reason, "uncertain");
}

TEST(EscalationPolicyTest, ClassesAndZonesComeFirstWhateverTheScore) {
  EscalateOptions o = On();
  o.classes = {18};  // sheep
  o.zones = {"door"};
  EscalationPolicy p(o, "cam0");
  auto c = p.Decide({T(1, 0.95f, 18), T(2, 0.9f), T(3, 0.9f)}, {{2, {"door"}}, {3, {"yard"}}}, 0);
  ASSERT_EQ(Ids(c), (std::vector<int>{1, 2}));
  EXPECT_EQ(c[0].reason, "class");
  EXPECT_EQ(c[1].reason, "zone");
  EXPECT_EQ(c[1].zone, "door");
}

TEST(EscalationPolicyTest, PerTrackIntervalInMediaTime) {
  EscalateOptions o = On();
  o.min_interval_s = 10;
  EscalationPolicy p(o, "cam0");
  EXPECT_EQ(p.Decide({T(1, 0.4f)}, {}, 0.0).size(), 1u);
  EXPECT_TRUE(p.Decide({T(1, 0.4f)}, {}, 9.9).empty());
  EXPECT_EQ(p.stats().skipped_interval, 1);
  EXPECT_EQ(p.Decide({T(1, 0.4f)}, {}, 10.0).size(), 1u);
  p.Forget(1);  // a new track with a reused id starts afresh
  EXPECT_EQ(p.Decide({T(1, 0.4f)}, {}, 11.0).size(), 1u);
}

TEST(EscalationPolicyTest, HourlyBudgetIsASlidingWindow) {
  EscalateOptions o = On();
  o.max_per_hour = 2;
  o.min_interval_s = 0;
  EscalationPolicy p(o, "cam0");
  EXPECT_EQ(p.Decide({T(1, 0.4f), T(2, 0.4f), T(3, 0.4f)}, {}, 100).size(), 2u);
  EXPECT_EQ(p.stats().skipped_budget, 1);
  EXPECT_TRUE(p.Decide({T(3, 0.4f)}, {}, 3699).empty());
  // 3600 s after the first two, the window has room again.
  EXPECT_EQ(Ids(p.Decide({T(3, 0.4f)}, {}, 3700)), (std::vector<int>{3}));
  EXPECT_EQ(p.stats().chosen, 3);
}

TEST(EscalationPolicyTest, AuditIsDeterministicOncePerTrackAndNearTheRate) {
  int picked = 0;
  for (int id = 0; id < 10000; ++id) {
    const bool a = EscalationPolicy::AuditPicked("cam0", id, 0.02);
    EXPECT_EQ(a, EscalationPolicy::AuditPicked("cam0", id, 0.02));
    picked += a;
  }
  EXPECT_GT(picked, 150);
  EXPECT_LT(picked, 250);
  EXPECT_FALSE(EscalationPolicy::AuditPicked("cam0", 1, 0));
  EXPECT_TRUE(EscalationPolicy::AuditPicked("cam0", 1, 1));

  EscalateOptions o = On();
  o.audit_rate = 1;  // every confident track, once
  o.min_interval_s = 0;
  EscalationPolicy p(o, "cam0");
  auto c = p.Decide({T(7, 0.9f)}, {}, 0);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].reason, "audit");
  EXPECT_TRUE(p.Decide({T(7, 0.9f)}, {}, 50).empty());
  EXPECT_EQ(p.stats().by_reason.at("audit"), 1);
}

}  // namespace
}  // namespace es
