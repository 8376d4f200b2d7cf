#include "models/canary.h"

#include <gtest/gtest.h>

#include <memory>

namespace es {
namespace {

std::vector<Detection> Persons(int n, float shift = 0) {
  std::vector<Detection> d;
  for (int i = 0; i < n; ++i) d.push_back({{i * 100.f + shift, 50, 40, 100}, 0.8f, kClassPerson});
  return d;
}

CanaryOptions Options() {
  CanaryOptions o;
  o.shadow_frames = 10;
  o.watch_frames = 10;
  return o;
}

TEST(CanaryTest, AnAgreeingModelOfSimilarSpeedIsPromoted) {
  Canary c(Options());
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(c.ShadowDone());
    c.AddShadow(Persons(3), Persons(3, 2), Duration::Millis(50), Duration::Millis(40));
  }
  ASSERT_TRUE(c.ShadowDone());
  const CanaryVerdict v = c.Decide();
  EXPECT_TRUE(v.promote) << v.reason;
  EXPECT_DOUBLE_EQ(v.f1, 1.0);
  EXPECT_DOUBLE_EQ(c.ShadowDetectionsPerFrame(), 3.0);
}

TEST(CanaryTest, ABrokenModelThatDetectsNothingIsRejected) {
  Canary c(Options());
  for (int i = 0; i < 10; ++i)
    c.AddShadow(Persons(3), {}, Duration::Millis(50), Duration::Millis(40));
  const CanaryVerdict v = c.Decide();
  EXPECT_FALSE(v.promote);
  EXPECT_NE(v.reason.find("found none"), std::string::npos) << v.reason;
}

TEST(CanaryTest, LowAgreementSlownessAndErrorsAreRejectedWithTheReason) {
  Canary disagree(Options());
  for (int i = 0; i < 10; ++i) {
    disagree.AddShadow(Persons(4), Persons(1), Duration::Millis(50), Duration::Millis(50));
  }
  EXPECT_NE(disagree.Decide().reason.find("agreement F1 0.4"), std::string::npos)
      << disagree.Decide().reason;
  Canary slow(Options());
  for (int i = 0; i < 10; ++i) {
    slow.AddShadow(Persons(2), Persons(2), Duration::Millis(50), Duration::Millis(400));
  }
  EXPECT_NE(slow.Decide().reason.find("run p99 400 ms"), std::string::npos) << slow.Decide().reason;
  Canary failing(Options());
  for (int i = 0; i < 4; ++i) failing.AddShadowError();
  EXPECT_TRUE(failing.ShadowDone());
  EXPECT_NE(failing.Decide().reason.find("failed on 4"), std::string::npos);
}

TEST(CanaryTest, TheWatchRollsBackAModelWhoseDetectionsCollapse) {
  Canary c(Options());
  for (int i = 0; i < 10; ++i)
    c.AddShadow(Persons(3), Persons(3), Duration::Millis(50), Duration::Millis(50));
  c.StartWatch(c.ShadowDetectionsPerFrame());
  for (int i = 0; i < 9; ++i) c.AddWatch(1, Duration::Millis(50));
  EXPECT_FALSE(c.Regressed().has_value());  // not enough runs yet
  c.AddWatch(1, Duration::Millis(50));
  ASSERT_TRUE(c.Regressed().has_value());
  EXPECT_NE(c.Regressed()->find("fell to 1 from 3"), std::string::npos) << *c.Regressed();
  // Holding up: no rollback.
  c.StartWatch(3);
  for (int i = 0; i < 10; ++i) c.AddWatch(3, Duration::Millis(50));
  EXPECT_FALSE(c.Regressed().has_value());
  // A quiet scene proves nothing.
  c.StartWatch(0.2);
  for (int i = 0; i < 10; ++i) c.AddWatch(0, Duration::Millis(50));
  EXPECT_FALSE(c.Regressed().has_value());
}

// Backend verdicts (hybrid tier) as a second reference: a candidate that agrees with the active
// model but keeps the objects the backend rejected (and misses confirmed ones) is rejected; a
// promoted model whose escalations the backend rejects far more often is rolled back.
TEST(CanaryTest, BackendVerdictsRejectACandidateAndRollBackAPromotedModel) {
  const auto shadowed = [] {
    auto c = std::make_unique<Canary>(Options());
    for (int i = 0; i < 10; ++i) {
      c->AddShadow(Persons(3), Persons(3), Duration::Millis(50), Duration::Millis(50));
    }
    return c;
  };
  auto agrees = shadowed();
  for (int i = 0; i < 6; ++i) agrees->AddShadowVerdict(i % 2 == 0, i % 2 == 0);
  CanaryVerdict v = agrees->Decide();
  EXPECT_TRUE(v.promote) << v.reason;
  EXPECT_EQ(v.verdicts, 6);
  EXPECT_DOUBLE_EQ(v.verdict_agreement, 1.0);
  auto disagrees = shadowed();
  for (int i = 0; i < 6; ++i) disagrees->AddShadowVerdict(i < 3, i >= 2);  // agrees on 1
  v = disagrees->Decide();
  EXPECT_FALSE(v.promote);
  EXPECT_NE(v.reason.find("agrees with 1 of 6 backend verdicts"), std::string::npos) << v.reason;
  // Too few verdicts decide nothing.
  auto few = shadowed();
  for (int i = 0; i < 4; ++i) few->AddShadowVerdict(true, false);
  EXPECT_TRUE(few->Decide().promote) << few->Decide().reason;
  // The watch: 4 of 12 rejected in the shadow, 5 of 6 after the promotion.
  for (int i = 0; i < 6; ++i) agrees->AddShadowVerdict(i != 0, true);
  agrees->StartWatch(agrees->ShadowDetectionsPerFrame());
  for (int i = 0; i < 10; ++i) agrees->AddWatch(3, Duration::Millis(50));
  for (int i = 0; i < 4; ++i) agrees->AddWatchVerdict(false);
  EXPECT_FALSE(agrees->Regressed().has_value());  // 4 verdicts: too few
  agrees->AddWatchVerdict(false);
  agrees->AddWatchVerdict(true);
  ASSERT_TRUE(agrees->Regressed().has_value());
  EXPECT_NE(agrees->Regressed()->find("rejected 5 of 6"), std::string::npos)
      << *agrees->Regressed();
}

}  // namespace
}  // namespace es
