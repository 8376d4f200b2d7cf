#include "track/mot_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "track/mot_test_util.h"

namespace es {
namespace {

using ::es::testing::PrepareMotText;

// Two people walking for 5 frames.
const char* kGt =
    "1,1,0,0,100,200,1\n1,2,300,0,100,200,1\n"
    "2,1,10,0,100,200,1\n2,2,290,0,100,200,1\n"
    "3,1,20,0,100,200,1\n3,2,280,0,100,200,1\n"
    "4,1,30,0,100,200,1\n4,2,270,0,100,200,1\n"
    "5,1,40,0,100,200,1\n5,2,260,0,100,200,1\n";

TEST(MotMetricsTest, PerfectTrackerScoresOneEverywhere) {
  // Same boxes, other ids, rows in another order.
  const MotEvalSequence seq = PrepareMotText(kGt,
                                             "5,8,40,0,100,200,1\n5,9,260,0,100,200,1\n"
                                             "1,9,300,0,100,200,1\n1,8,0,0,100,200,1\n"
                                             "2,8,10,0,100,200,1\n2,9,290,0,100,200,1\n"
                                             "3,8,20,0,100,200,1\n3,9,280,0,100,200,1\n"
                                             "4,8,30,0,100,200,1\n4,9,270,0,100,200,1\n");
  const ClearCounts c = EvaluateClear(seq);
  EXPECT_EQ(c.num_gt, 10);
  EXPECT_EQ(c.num_matches, 10);
  EXPECT_EQ(c.num_switches + c.num_false_positives + c.num_misses + c.num_fragmentations, 0);
  EXPECT_EQ(c.mostly_tracked, 2);
  EXPECT_EQ(c.partially_tracked + c.mostly_lost, 0);
  const ClearScores s = ScoreClear(c);
  EXPECT_DOUBLE_EQ(s.mota, 1.0);
  EXPECT_DOUBLE_EQ(s.motp_distance, 0.0);
  EXPECT_DOUBLE_EQ(s.motp_overlap, 1.0);
  const IdentityCounts id = EvaluateIdentity(seq);
  EXPECT_EQ(id.idtp, 10);
  EXPECT_DOUBLE_EQ(ScoreIdentity(id).idf1, 1.0);
}

TEST(MotMetricsTest, OneIdSwitch) {
  // Object 1 is tracked as 5 for three frames, then as 6.
  const MotEvalSequence seq = PrepareMotText(kGt,
                                             "1,5,0,0,100,200,1\n1,7,300,0,100,200,1\n"
                                             "2,5,10,0,100,200,1\n2,7,290,0,100,200,1\n"
                                             "3,5,20,0,100,200,1\n3,7,280,0,100,200,1\n"
                                             "4,6,30,0,100,200,1\n4,7,270,0,100,200,1\n"
                                             "5,6,40,0,100,200,1\n5,7,260,0,100,200,1\n");
  const ClearCounts c = EvaluateClear(seq);
  EXPECT_EQ(c.num_switches, 1);
  EXPECT_EQ(c.num_matches, 9);
  EXPECT_EQ(c.num_false_positives + c.num_misses, 0);
  EXPECT_DOUBLE_EQ(ScoreClear(c).mota, 1.0 - 1.0 / 10.0);
  const IdentityCounts id = EvaluateIdentity(seq);
  EXPECT_EQ(id.idtp, 8);  // 1<->5 for 3 frames, 2<->7 for 5
  EXPECT_EQ(id.idfp, 2);
  EXPECT_EQ(id.idfn, 2);
  const IdentityScores is = ScoreIdentity(id);
  EXPECT_DOUBLE_EQ(is.idf1, 0.8);
  EXPECT_DOUBLE_EQ(is.idp, 0.8);
  EXPECT_DOUBLE_EQ(is.idr, 0.8);
}

TEST(MotMetricsTest, OneFalsePositiveAndOneMiss) {
  // Frame 3: object 2 is missed; frame 4: a box where nobody is.
  const MotEvalSequence seq = PrepareMotText(kGt,
                                             "1,5,0,0,100,200,1\n1,7,300,0,100,200,1\n"
                                             "2,5,10,0,100,200,1\n2,7,290,0,100,200,1\n"
                                             "3,5,20,0,100,200,1\n"
                                             "4,5,30,0,100,200,1\n4,7,270,0,100,200,1\n"
                                             "4,9,500,300,50,50,1\n"
                                             "5,5,40,0,100,200,1\n5,7,260,0,100,200,1\n");
  const ClearCounts c = EvaluateClear(seq);
  EXPECT_EQ(c.num_misses, 1);
  EXPECT_EQ(c.num_false_positives, 1);
  EXPECT_EQ(c.num_switches, 0);
  EXPECT_EQ(c.num_fragmentations, 1);  // object 2: tracked, missed, tracked again
  EXPECT_EQ(c.mostly_tracked, 2);      // 4 of 5 frames is still >= 80%
  EXPECT_DOUBLE_EQ(ScoreClear(c).mota, 1.0 - 2.0 / 10.0);
  EXPECT_DOUBLE_EQ(ScoreClear(c).recall, 0.9);
  EXPECT_DOUBLE_EQ(ScoreClear(c).precision, 0.9);
  const IdentityCounts id = EvaluateIdentity(seq);
  EXPECT_EQ(id.idtp, 9);
  EXPECT_EQ(id.idfp, 1);
  EXPECT_EQ(id.idfn, 1);
}

TEST(MotMetricsTest, MotpIsMeanDistanceOverMatches) {
  // IoU 0.62 and 1.0: py-motmetrics MOTP = mean(0.38, 0) = 0.19; MOTChallenge 0.81.
  const MotEvalSequence seq = PrepareMotText("1,1,0,0,100,100,1\n2,1,0,0,100,100,1\n",
                                             "1,3,0,0,100,62,1\n2,3,0,0,100,100,1\n");
  const ClearScores s = ScoreClear(EvaluateClear(seq));
  EXPECT_NEAR(s.motp_distance, 0.19, 1e-12);
  EXPECT_NEAR(s.motp_overlap, 0.81, 1e-12);
}

TEST(MotMetricsTest, BelowThresholdIsMissPlusFalsePositive) {
  // IoU 0.4 < 0.5: no match.
  const MotEvalSequence seq = PrepareMotText("1,1,0,0,100,100,1\n", "1,3,0,0,100,40,1\n");
  const ClearCounts c = EvaluateClear(seq);
  EXPECT_EQ(c.num_matches, 0);
  EXPECT_EQ(c.num_misses, 1);
  EXPECT_EQ(c.num_false_positives, 1);
  EXPECT_EQ(c.mostly_lost, 1);
  EXPECT_DOUBLE_EQ(ScoreClear(c).mota, -1.0);
  EXPECT_EQ(EvaluateIdentity(seq).idtp, 0);
}

// py-motmetrics step 1: an established pair is kept while IoU >= 0.5 even when another
// hypothesis overlaps better, so no switch is counted.
TEST(MotMetricsTest, EstablishedMatchIsKeptWhileValid) {
  const MotEvalSequence seq = PrepareMotText("1,1,0,0,100,100,1\n2,1,0,0,100,100,1\n",
                                             "1,3,0,0,100,100,1\n"
                                             "2,3,0,0,100,60,1\n2,4,0,0,100,100,1\n");
  const ClearCounts c = EvaluateClear(seq);
  EXPECT_EQ(c.num_switches, 0);
  EXPECT_EQ(c.num_matches, 2);
  EXPECT_EQ(c.num_false_positives, 1);
  EXPECT_NEAR(c.sum_distance, 0.4, 1e-12);
}

// A switch is counted against the last matched id, also after frames without a match.
TEST(MotMetricsTest, SwitchAfterGapCountsOnce) {
  const MotEvalSequence seq =
      PrepareMotText("1,1,0,0,100,100,1\n2,1,0,0,100,100,1\n3,1,0,0,100,100,1\n4,1,0,0,100,100,1\n",
                     "1,3,0,0,100,100,1\n3,4,0,0,100,100,1\n4,4,0,0,100,100,1\n");
  const ClearCounts c = EvaluateClear(seq);
  EXPECT_EQ(c.num_switches, 1);
  EXPECT_EQ(c.num_matches, 2);
  EXPECT_EQ(c.num_misses, 1);
  EXPECT_EQ(c.num_fragmentations, 1);
}

TEST(MotMetricsTest, CombineSumsCounts) {
  ClearCounts a, b;
  a.num_gt = 10;
  a.num_misses = 2;
  a.num_matches = 8;
  a.sum_distance = 0.8;
  a.mostly_tracked = 1;
  b.num_gt = 30;
  b.num_false_positives = 3;
  b.num_switches = 1;
  b.num_matches = 29;
  b.sum_distance = 6;
  b.mostly_lost = 2;
  const ClearCounts s = CombineClear({a, b});
  EXPECT_EQ(s.num_gt, 40);
  EXPECT_EQ(s.mostly_tracked + s.mostly_lost, 3);
  EXPECT_DOUBLE_EQ(ScoreClear(s).mota, 1.0 - 6.0 / 40.0);
  EXPECT_DOUBLE_EQ(ScoreClear(s).motp_distance, 6.8 / 38.0);
  const IdentityCounts i = CombineIdentity({{5, 1, 2}, {10, 3, 4}});
  EXPECT_EQ(i.idtp, 15);
  EXPECT_DOUBLE_EQ(ScoreIdentity(i).idf1, 30.0 / 40.0);
}

// py-motmetrics README (comparison with the MOTChallenge devkit) for this tracker output.
struct Published {
  const char* seq;
  double mota, idf1, idp, idr;  // percent, one decimal
  double motp;                  // py-motmetrics MOTP (mean 1 - IoU), three decimals
  int fp, fn, idsw, frag, mt, pt, ml;
};

class MotChallengeReference : public ::testing::TestWithParam<Published> {};

TEST_P(MotChallengeReference, ReproducesPublishedMotaAndIdf1) {
  const std::string dir = std::string(ES_SOURCE_DIR) + "/tests/data/mot/" + GetParam().seq;
  auto gt = ReadMotFile(dir + "/gt/gt.txt");
  auto res = ReadMotFile(dir + "/reference/motmetrics_test.txt");
  ASSERT_TRUE(gt.ok()) << gt.status().ToString();
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  auto seq = PrepareMotSequence(*gt, *res, {}, GetParam().seq);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  const ClearCounts c = EvaluateClear(*seq);
  const ClearScores s = ScoreClear(c);
  const IdentityScores id = ScoreIdentity(EvaluateIdentity(*seq));
  EXPECT_DOUBLE_EQ(std::round(s.mota * 1000) / 10, GetParam().mota);
  EXPECT_DOUBLE_EQ(std::round(id.idf1 * 1000) / 10, GetParam().idf1);
  EXPECT_DOUBLE_EQ(std::round(id.idp * 1000) / 10, GetParam().idp);
  EXPECT_DOUBLE_EQ(std::round(id.idr * 1000) / 10, GetParam().idr);
  EXPECT_DOUBLE_EQ(std::round(s.motp_distance * 1000) / 1000, GetParam().motp);
  EXPECT_EQ(c.num_false_positives, GetParam().fp);
  EXPECT_EQ(c.num_misses, GetParam().fn);
  EXPECT_EQ(c.num_switches, GetParam().idsw);
  EXPECT_EQ(c.num_fragmentations, GetParam().frag);
  EXPECT_EQ(c.mostly_tracked, GetParam().mt);
  EXPECT_EQ(c.partially_tracked, GetParam().pt);
  EXPECT_EQ(c.mostly_lost, GetParam().ml);
  EXPECT_EQ(c.num_matches + c.num_switches + c.num_misses, c.num_gt);
  EXPECT_EQ(c.num_matches + c.num_switches + c.num_false_positives, c.num_predictions);
  EXPECT_EQ(c.mostly_tracked + c.partially_tracked + c.mostly_lost, c.num_gt_ids);
  std::printf(
      "%s: MOTA %.3f IDF1 %.3f IDP %.3f IDR %.3f MOTP(dist) %.4f FP %lld FN %lld IDSW %lld "
      "FRAG %lld MT %lld PT %lld ML %lld\n",
      GetParam().seq, 100 * s.mota, 100 * id.idf1, 100 * id.idp, 100 * id.idr, s.motp_distance,
      static_cast<long long>(c.num_false_positives), static_cast<long long>(c.num_misses),
      static_cast<long long>(c.num_switches), static_cast<long long>(c.num_fragmentations),
      static_cast<long long>(c.mostly_tracked), static_cast<long long>(c.partially_tracked),
      static_cast<long long>(c.mostly_lost));
}

INSTANTIATE_TEST_SUITE_P(Tud, MotChallengeReference,
                         ::testing::Values(Published{"TUD-Campus", 52.6, 55.8, 73.0, 45.1, 0.277,
                                                     13, 150, 7, 7, 1, 6, 1},
                                           Published{"TUD-Stadtmitte", 56.4, 64.5, 82.0, 53.1,
                                                     0.346, 45, 452, 7, 6, 5, 4, 1}));

}  // namespace
}  // namespace es
