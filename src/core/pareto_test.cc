#include "core/pareto.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(ParetoTest, DominatedPointsAreOffTheFrontier) {
  // {p50 ms, -F1, J/inference}: all minimised.
  const std::vector<std::vector<double>> points = {
      {60, -1.00, 0.9},   // reference: best F1
      {70, -1.00, 1.2},   // slower and costlier at the same F1: dominated by 0
      {45, -0.96, 0.6},   // faster, cheaper, lower F1: on the frontier
      {45, -0.96, 0.7},   // same as 2 but costlier: dominated by 2
      {25, -0.80, 0.3},   // fastest and cheapest
      {30, -0.80, 0.25},  // slower than 4 but cheaper: on the frontier
  };
  EXPECT_EQ(ParetoFrontier(points), (std::vector<bool>{true, false, true, false, true, true}));
}

TEST(ParetoTest, EqualPointsDoNotDominateEachOther) {
  EXPECT_EQ(ParetoFrontier({{10, -0.9, 1}, {10, -0.9, 1}}), (std::vector<bool>{true, true}));
  EXPECT_TRUE(ParetoFrontier({}).empty());
}

}  // namespace
}  // namespace es
