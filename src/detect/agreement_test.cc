#include "detect/agreement.h"

#include <gtest/gtest.h>

namespace es {
namespace {

constexpr int kPerson = 0;
constexpr int kCar = 2;

Detection D(float x, float y, float w, float h, float score, int cls = kPerson) {
  return {{x, y, w, h}, score, cls};
}

TEST(AgreementTest, IdenticalOutputsAgreeFully) {
  const std::vector<Detection> dets = {D(0, 0, 10, 10, 0.9f), D(50, 50, 20, 10, 0.6f, kCar)};
  AgreementCounter counter;
  counter.AddFrame(dets, dets);
  EXPECT_EQ(counter.overall().matched, 2);
  EXPECT_DOUBLE_EQ(counter.overall().f1(), 1.0);
  EXPECT_DOUBLE_EQ(counter.per_class().at(kPerson).f1(), 1.0);
  EXPECT_DOUBLE_EQ(counter.per_class().at(kCar).f1(), 1.0);
}

TEST(AgreementTest, IoUExactlyHalfMatchesBelowDoesNot) {
  // (0,0,10,20) against (0,0,10,10): intersection 100, union 200 -> IoU 0.5, a match.
  EXPECT_EQ(MatchDetections({D(0, 0, 10, 10, 1)}, {D(0, 0, 10, 20, 1)}).size(), 1u);
  // (0,0,10,21): union 210 -> IoU 0.476, no match.
  EXPECT_TRUE(MatchDetections({D(0, 0, 10, 10, 1)}, {D(0, 0, 10, 21, 1)}).empty());
}

TEST(AgreementTest, DifferentClassNeverMatches) {
  AgreementCounter counter;
  counter.AddFrame({D(0, 0, 10, 10, 0.9f, kPerson)}, {D(0, 0, 10, 10, 0.9f, kCar)});
  const AgreementCounts& person = counter.per_class().at(kPerson);
  EXPECT_EQ(person.reference, 1);
  EXPECT_EQ(person.candidate, 0);
  EXPECT_DOUBLE_EQ(person.precision(), 1.0);  // nothing extra
  EXPECT_DOUBLE_EQ(person.recall(), 0.0);
  EXPECT_DOUBLE_EQ(person.f1(), 0.0);
  const AgreementCounts& car = counter.per_class().at(kCar);
  EXPECT_DOUBLE_EQ(car.precision(), 0.0);
  EXPECT_DOUBLE_EQ(car.recall(), 1.0);  // nothing to miss
  EXPECT_DOUBLE_EQ(car.f1(), 0.0);
  EXPECT_EQ(counter.overall().matched, 0);
  EXPECT_DOUBLE_EQ(counter.overall().f1(), 0.0);
}

TEST(AgreementTest, GreedyByScoreNotOptimal) {
  // References R0 (0,0,10,10) and R1 (4,0,10,10). The higher-scored candidate (3,0,10,10) has
  // IoU 70/130 = 0.54 with R0 and 90/110 = 0.82 with R1, so it takes R1. The lower one
  // (4,0,10,10) would have IoU 1 with R1 but R1 is used, and 60/140 = 0.43 with R0: unmatched.
  // (An optimal assignment would match both.)
  const std::vector<Detection> ref = {D(0, 0, 10, 10, 0.8f), D(4, 0, 10, 10, 0.8f)};
  const std::vector<Detection> cand = {D(4, 0, 10, 10, 0.5f), D(3, 0, 10, 10, 0.9f)};
  const auto pairs = MatchDetections(ref, cand);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], std::make_pair(1, 1));  // R1 with the 0.9 candidate (index 1)
}

TEST(AgreementTest, OneToOne) {
  // Two candidates on one reference box: one matches, the other is an extra detection.
  AgreementCounter counter;
  counter.AddFrame({D(0, 0, 10, 10, 0.9f)}, {D(0, 0, 10, 10, 0.9f), D(1, 0, 10, 10, 0.7f)});
  EXPECT_EQ(counter.overall().matched, 1);
  EXPECT_DOUBLE_EQ(counter.overall().precision(), 0.5);
  EXPECT_DOUBLE_EQ(counter.overall().recall(), 1.0);
  EXPECT_NEAR(counter.overall().f1(), 2.0 / 3.0, 1e-12);
}

TEST(AgreementTest, CountsAccumulateOverFramesPerClassAndOverall) {
  AgreementCounter counter;
  // Frame 1: two people in the reference, the candidate finds one of them.
  counter.AddFrame({D(0, 0, 10, 10, 0.9f), D(100, 0, 10, 10, 0.4f)}, {D(0, 0, 10, 10, 0.8f)});
  // Frame 2: one car in the reference, the candidate finds it and one more far away.
  counter.AddFrame({D(0, 0, 40, 20, 0.9f, kCar)},
                   {D(1, 1, 40, 20, 0.9f, kCar), D(200, 200, 40, 20, 0.5f, kCar)});
  // Frame 3: both empty.
  counter.AddFrame({}, {});
  EXPECT_EQ(counter.frames(), 3);
  const AgreementCounts& person = counter.per_class().at(kPerson);
  EXPECT_EQ(person.reference, 2);
  EXPECT_EQ(person.candidate, 1);
  EXPECT_EQ(person.matched, 1);
  EXPECT_DOUBLE_EQ(person.precision(), 1.0);
  EXPECT_DOUBLE_EQ(person.recall(), 0.5);
  EXPECT_NEAR(person.f1(), 2.0 / 3.0, 1e-12);  // 2 * 1 * 0.5 / 1.5
  const AgreementCounts& car = counter.per_class().at(kCar);
  EXPECT_DOUBLE_EQ(car.precision(), 0.5);
  EXPECT_DOUBLE_EQ(car.recall(), 1.0);
  EXPECT_NEAR(car.f1(), 2.0 / 3.0, 1e-12);
  // Overall: 3 reference, 3 candidate, 2 matched.
  EXPECT_EQ(counter.overall().reference, 3);
  EXPECT_EQ(counter.overall().candidate, 3);
  EXPECT_EQ(counter.overall().matched, 2);
  EXPECT_NEAR(counter.overall().f1(), 2.0 / 3.0, 1e-12);
}

TEST(AgreementTest, BothEmptyAgreeFully) {
  AgreementCounter counter;
  counter.AddFrame({}, {});
  EXPECT_TRUE(counter.per_class().empty());
  EXPECT_DOUBLE_EQ(counter.overall().f1(), 1.0);
}

}  // namespace
}  // namespace es
