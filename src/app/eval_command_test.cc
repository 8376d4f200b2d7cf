#include "app/eval_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/exit_codes.h"

namespace es {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(ES_SOURCE_DIR) + "/tests/data/mot";

// A MOTChallenge layout in a temporary folder: gt/<seq>/gt/gt.txt and res/<seq>.txt.
class EvalFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("es_eval_test_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    for (const char* seq : {"TUD-Campus", "TUD-Stadtmitte"}) {
      fs::create_directories(root_ / "gt" / seq / "gt");
      fs::copy_file(kData + "/" + seq + "/gt/gt.txt", root_ / "gt" / seq / "gt" / "gt.txt");
      fs::create_directories(root_ / "res");
      fs::copy_file(kData + "/" + seq + "/reference/motmetrics_test.txt",
                    root_ / "res" / (std::string(seq) + ".txt"));
    }
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(EvalFolder, FolderModeReportsEachSequenceAndCombined) {
  // Plain files beside the sequences are skipped, not an error (many, so that one of them is
  // the last entry of the directory listing).
  for (int k = 0; k < 20; ++k) std::ofstream(root_ / "gt" / ("NOTES" + std::to_string(k)));
  EvalArgs a;
  a.gt_dir = (root_ / "gt").string();
  a.res_dir = (root_ / "res").string();
  auto r = EvaluateMot(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& rows = (*r)["sequences"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["name"], "TUD-Campus");
  EXPECT_EQ(rows[1]["name"], "TUD-Stadtmitte");
  EXPECT_EQ(rows[2]["name"], "COMBINED");
  EXPECT_NEAR(rows[0]["MOTA"].get<double>(), 52.6, 0.05);
  EXPECT_NEAR(rows[0]["IDF1"].get<double>(), 55.8, 0.05);
  EXPECT_NEAR(rows[0]["HOTA"].get<double>(), 39.1, 0.05);
  EXPECT_NEAR(rows[1]["MOTA"].get<double>(), 56.4, 0.05);
  EXPECT_EQ(rows[0]["FP"], 13);
  EXPECT_EQ(rows[0]["FN"], 150);
  EXPECT_EQ(rows[0]["IDSW"], 7);
  // COMBINED sums the counts and recomputes the ratios.
  EXPECT_EQ(rows[2]["FP"], 13 + 45);
  EXPECT_EQ(rows[2]["FN"], 150 + 452);
  EXPECT_EQ(rows[2]["IDSW"], 14);
  const double num_gt = rows[2]["num_gt_dets"].get<double>();
  EXPECT_EQ(num_gt, 359 + 1156);
  EXPECT_NEAR(rows[2]["MOTA"].get<double>(), 100.0 * (1.0 - (58 + 602 + 14) / num_gt), 1e-3);
  // DetA pools TP/FN/FP per alpha, so it lies between the sequences' values (HOTA and AssA need
  // not: they are TP-weighted per alpha before the square root and the mean over alphas).
  const double d0 = rows[0]["DetA"], d1 = rows[1]["DetA"], dc = rows[2]["DetA"];
  EXPECT_GT(dc, std::min(d0, d1));
  EXPECT_LT(dc, std::max(d0, d1));
  EXPECT_NEAR(rows[0]["MOTP_motmetrics_dist"].get<double>(), 0.277, 5e-4);
  EXPECT_NEAR(rows[0]["MOTP_motchallenge_pct"].get<double>(),
              100 * (1 - rows[0]["MOTP_motmetrics_dist"].get<double>()), 2e-3);
}

TEST_F(EvalFolder, SingleModeNamesSequenceAfterFolder) {
  EvalArgs a;
  a.gt = (root_ / "gt" / "TUD-Campus" / "gt" / "gt.txt").string();
  a.res = (root_ / "res" / "TUD-Campus.txt").string();
  auto r = EvaluateMot(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& rows = (*r)["sequences"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["name"], "TUD-Campus");
  EXPECT_EQ(rows[0]["gt_format"], "mot15");
  EXPECT_EQ(rows[0]["MOTA"], rows[1]["MOTA"]);
  EXPECT_EQ(rows[0]["HOTA"], rows[1]["HOTA"]);
  EXPECT_EQ(RunEval(a), kExitOk);
}

TEST_F(EvalFolder, MissingResultFileIsBadInput) {
  fs::remove(root_ / "res" / "TUD-Stadtmitte.txt");
  EvalArgs a;
  a.gt_dir = (root_ / "gt").string();
  a.res_dir = (root_ / "res").string();
  auto r = EvaluateMot(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("TUD-Stadtmitte.txt"), std::string::npos);
  EXPECT_EQ(RunEval(a), kExitBadInput);
}

TEST_F(EvalFolder, MalformedRowIsBadInputWithLine) {
  const fs::path bad = root_ / "res" / "TUD-Campus.txt";
  std::ofstream(bad, std::ios::app) << "5,3,1,2,nan,4,1,-1,-1,-1\n";
  EvalArgs a;
  a.gt = (root_ / "gt" / "TUD-Campus" / "gt" / "gt.txt").string();
  a.res = bad.string();
  auto r = EvaluateMot(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), bad.string() + ":223: column 5: 'nan' is not a finite number");
  EXPECT_EQ(RunEval(a), kExitBadInput);
}

TEST(EvalArgsTest, ModesMustNotMix) {
  EvalArgs none;
  EXPECT_EQ(EvaluateMot(none).status().code(), StatusCode::kInvalidArgument);
  EvalArgs both;
  both.gt = "a";
  both.res = "b";
  both.gt_dir = "c";
  EXPECT_EQ(EvaluateMot(both).status().code(), StatusCode::kInvalidArgument);
  EvalArgs half;
  half.gt = "a";
  EXPECT_EQ(EvaluateMot(half).status().code(), StatusCode::kInvalidArgument);
  EvalArgs fmt;
  fmt.gt = "a";
  fmt.res = "b";
  fmt.gt_format = "mot99";
  EXPECT_EQ(EvaluateMot(fmt).status().code(), StatusCode::kInvalidArgument);
  EvalArgs missing;
  missing.gt = "/nonexistent/gt.txt";
  missing.res = "/nonexistent/res.txt";
  EXPECT_EQ(EvaluateMot(missing).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace es
