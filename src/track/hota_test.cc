#include "track/hota.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "track/mot_test_util.h"

namespace es {
namespace {

using ::es::testing::PrepareMotText;

std::string Track(int id, int frames, double h) {
  std::string s;
  for (int f = 1; f <= frames; ++f) {
    s += std::to_string(f) + "," + std::to_string(id) + ",0,0,100," + std::to_string(h) + ",1\n";
  }
  return s;
}

TEST(HotaTest, AlphasAreNumpyArange) {
  EXPECT_DOUBLE_EQ(HotaAlpha(0), 0.05);
  EXPECT_DOUBLE_EQ(HotaAlpha(18), 0.95);
  EXPECT_EQ(HotaAlpha(2), 0.05 + 2 * 0.05);  // 0.15000000000000002, as numpy has it
}

TEST(HotaTest, PerfectTrackerIsOne) {
  const HotaResult r = EvaluateHota(PrepareMotText(Track(1, 6, 100), Track(4, 6, 100)));
  EXPECT_DOUBLE_EQ(r.Hota(), 1.0);
  EXPECT_DOUBLE_EQ(r.DetA(), 1.0);
  EXPECT_DOUBLE_EQ(r.AssA(), 1.0);
  EXPECT_DOUBLE_EQ(r.LocA(), 1.0);
  EXPECT_DOUBLE_EQ(r.DetRe(), 1.0);
  EXPECT_DOUBLE_EQ(r.AssPr(), 1.0);
}

// IoU 0.62 in every frame: a true positive for the 12 alphas 0.05..0.60 only. For the other 7,
// TP = 0 and LocA = max(1e-10, 0) / max(1e-10, 0) = 1 (TrackEval's convention).
TEST(HotaTest, PartialOverlapCountsOnlyBelowItsIou) {
  const HotaResult r = EvaluateHota(PrepareMotText(Track(1, 4, 100), Track(2, 4, 62)));
  for (int a = 0; a < kHotaNumAlphas; ++a) {
    EXPECT_EQ(r.tp[a], a < 12 ? 4 : 0) << a;
    EXPECT_EQ(r.fn[a], a < 12 ? 0 : 4) << a;
  }
  EXPECT_NEAR(r.DetA(), 12.0 / 19.0, 1e-12);
  EXPECT_NEAR(r.AssA(), 12.0 / 19.0, 1e-12);
  EXPECT_NEAR(r.Hota(), 12.0 / 19.0, 1e-12);
  EXPECT_NEAR(r.LocA(), (12 * 0.62 + 7) / 19.0, 1e-12);
}

// One id switch half way: every detection is matched (DetA 1); each matched pair covers 2 of
// the gt's 4 frames and all of its tracker's 2 frames: Jaccard 2 / (4 + 2 - 2) = 0.5.
TEST(HotaTest, IdSwitchHalvesAssociation) {
  const HotaResult r = EvaluateHota(PrepareMotText(
      Track(1, 4, 100),
      "1,7,0,0,100,100,1\n2,7,0,0,100,100,1\n3,8,0,0,100,100,1\n4,8,0,0,100,100,1\n"));
  EXPECT_DOUBLE_EQ(r.DetA(), 1.0);
  EXPECT_DOUBLE_EQ(r.AssA(), 0.5);
  EXPECT_DOUBLE_EQ(r.AssRe(), 0.5);
  EXPECT_DOUBLE_EQ(r.AssPr(), 1.0);
  EXPECT_NEAR(r.Hota(), std::sqrt(0.5), 1e-12);
}

TEST(HotaTest, FalsePositiveAndMissLowerDetA) {
  // 4 gt boxes; tracker misses frame 4 and adds a stray box in frame 1.
  const HotaResult r =
      EvaluateHota(PrepareMotText(Track(1, 4, 100), Track(3, 3, 100) + "1,9,500,500,20,20,1\n"));
  EXPECT_DOUBLE_EQ(r.DetA(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.DetRe(), 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(r.DetPr(), 3.0 / 4.0);
  // Pair (1, 3): 3 matches, gt 4 frames, tracker 3 frames -> 3 / 4.
  EXPECT_DOUBLE_EQ(r.AssA(), 0.75);
}

TEST(HotaTest, EmptyTrackerGivesZero) {
  auto gt = ParseMotText(Track(1, 3, 100), "gt.txt");
  auto res = ParseMotText("", "res.txt");
  ASSERT_TRUE(gt.ok() && res.ok());
  auto seq = PrepareMotSequence(*gt, *res, {}, "s");
  ASSERT_TRUE(seq.ok());
  const HotaResult r = EvaluateHota(*seq);
  EXPECT_EQ(r.fn[0], 3);
  EXPECT_DOUBLE_EQ(r.Hota(), 0.0);
  EXPECT_DOUBLE_EQ(r.LocA(), 1.0);
}

// The global alignment score prefers the tracker id that follows the object for longer, even
// in a frame where another box overlaps it better.
TEST(HotaTest, GlobalAlignmentDrivesPerFrameMatching) {
  const std::string res = Track(5, 4, 90) + "4,6,0,0,100,100,1\n";
  const HotaResult r = EvaluateHota(PrepareMotText(Track(1, 4, 100), res));
  // Frame 4: id 5 (IoU 0.9, aligned 4 frames) wins over id 6 (IoU 1.0, one frame).
  EXPECT_EQ(r.tp[0], 4);
  EXPECT_EQ(r.fp[0], 1);
  // At alpha 0.95 the chosen pair (IoU 0.9) does not count.
  EXPECT_EQ(r.tp[18], 0);
}

TEST(HotaTest, CombineWeightsAssociationByTruePositives) {
  const HotaResult a = EvaluateHota(PrepareMotText(Track(1, 6, 100), Track(4, 6, 100)));  // AssA 1
  const HotaResult b = EvaluateHota(
      PrepareMotText(Track(1, 2, 100), "1,7,0,0,100,100,1\n2,8,0,0,100,100,1\n"));  // AssA 0.5
  const HotaResult c = CombineHota({a, b});
  EXPECT_DOUBLE_EQ(c.tp[0], 8);
  EXPECT_DOUBLE_EQ(c.AssA(), (6 * 1.0 + 2 * 0.5) / 8);
  EXPECT_DOUBLE_EQ(c.DetA(), 1.0);
  EXPECT_NEAR(c.Hota(), std::sqrt(7.0 / 8.0), 1e-12);
}

struct Published {
  const char* seq;
  double hota, det_a, ass_a;  // percent, one decimal (TrackEval)
};

class HotaReference : public ::testing::TestWithParam<Published> {};

HotaResult EvalReference(const std::string& name) {
  const std::string dir = std::string(ES_SOURCE_DIR) + "/tests/data/mot/" + name;
  auto gt = ReadMotFile(dir + "/gt/gt.txt");
  auto res = ReadMotFile(dir + "/reference/motmetrics_test.txt");
  EXPECT_TRUE(gt.ok()) << gt.status().ToString();
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  auto seq = PrepareMotSequence(*gt, *res, {}, name);
  EXPECT_TRUE(seq.ok()) << seq.status().ToString();
  return EvaluateHota(*seq);
}

double Pct1(double v) { return std::round(v * 1000) / 10; }

TEST_P(HotaReference, ReproducesPublishedValues) {
  const HotaResult r = EvalReference(GetParam().seq);
  EXPECT_DOUBLE_EQ(Pct1(r.Hota()), GetParam().hota);
  EXPECT_DOUBLE_EQ(Pct1(r.DetA()), GetParam().det_a);
  EXPECT_DOUBLE_EQ(Pct1(r.AssA()), GetParam().ass_a);
  std::printf(
      "%s: HOTA %.3f DetA %.3f AssA %.3f DetRe %.3f DetPr %.3f AssRe %.3f AssPr %.3f "
      "LocA %.3f\n",
      GetParam().seq, 100 * r.Hota(), 100 * r.DetA(), 100 * r.AssA(), 100 * r.DetRe(),
      100 * r.DetPr(), 100 * r.AssRe(), 100 * r.AssPr(), 100 * r.LocA());
}

INSTANTIATE_TEST_SUITE_P(Tud, HotaReference,
                         ::testing::Values(Published{"TUD-Campus", 39.1, 41.8, 36.9},
                                           Published{"TUD-Stadtmitte", 39.8, 39.2, 40.9}));

TEST(HotaReferenceCombined, CombinesBothSequences) {
  const HotaResult a = EvalReference("TUD-Campus");
  const HotaResult b = EvalReference("TUD-Stadtmitte");
  const HotaResult c = CombineHota({a, b});
  // Lies between the two and equals the TP-weighted association.
  EXPECT_GT(c.DetA(), std::min(a.DetA(), b.DetA()));
  EXPECT_LT(c.DetA(), std::max(a.DetA(), b.DetA()));
  for (int k = 0; k < kHotaNumAlphas; ++k) {
    EXPECT_DOUBLE_EQ(c.tp[k], a.tp[k] + b.tp[k]);
    EXPECT_NEAR(c.ass_a[k] * c.tp[k], a.ass_a[k] * a.tp[k] + b.ass_a[k] * b.tp[k], 1e-9);
  }
  std::printf("COMBINED: HOTA %.3f DetA %.3f AssA %.3f\n", 100 * c.Hota(), 100 * c.DetA(),
              100 * c.AssA());
}

}  // namespace
}  // namespace es
