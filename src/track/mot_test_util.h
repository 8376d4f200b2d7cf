// Test helper shared by the MOT metric tests: MOTChallenge text in, prepared sequence out.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "track/mot_io.h"

namespace es::testing {

// Parses ground-truth and result text and prepares them for evaluation; a parse or
// preparation error fails the calling test.
inline MotEvalSequence PrepareMotText(const std::string& gt_text, const std::string& res_text) {
  auto gt = ParseMotText(gt_text, "gt.txt");
  auto res = ParseMotText(res_text, "res.txt");
  EXPECT_TRUE(gt.ok()) << gt.status().ToString();
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  auto seq = PrepareMotSequence(*gt, *res, {}, "test");
  EXPECT_TRUE(seq.ok()) << seq.status().ToString();
  return std::move(seq).value();
}

}  // namespace es::testing
