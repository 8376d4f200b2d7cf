#include "track/lapjv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace es {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Checks structure: matches/unmatched partition rows and cols, each used once, ascending.
void ExpectValid(const CostMatrix& c, const Assignment& a) {
  std::vector<int> row_seen(c.rows(), 0), col_seen(c.cols(), 0);
  for (auto [r, j] : a.matches) {
    ASSERT_GE(r, 0);
    ASSERT_LT(r, c.rows());
    ASSERT_GE(j, 0);
    ASSERT_LT(j, c.cols());
    ++row_seen[r];
    ++col_seen[j];
  }
  for (int r : a.unmatched_rows) ++row_seen[r];
  for (int j : a.unmatched_cols) ++col_seen[j];
  for (int v : row_seen) EXPECT_EQ(v, 1);
  for (int v : col_seen) EXPECT_EQ(v, 1);
  EXPECT_TRUE(std::is_sorted(a.unmatched_rows.begin(), a.unmatched_rows.end()));
  EXPECT_TRUE(std::is_sorted(a.unmatched_cols.begin(), a.unmatched_cols.end()));
}

// Objective with a limit: sum over matched pairs of (cost - limit); without: sum of costs.
double Objective(const CostMatrix& c, const Assignment& a, double limit) {
  double s = 0;
  for (auto [r, j] : a.matches) s += c(r, j) - (std::isfinite(limit) ? limit : 0.0);
  return s;
}

// Brute force over all partial injective maps rows -> cols (limit) or all maps of the smaller
// side (no limit: every row, or every column, must be matched).
struct Brute {
  const CostMatrix& c;
  double limit;
  double best = kInf;
  std::vector<char> used = {};
  void Run() {
    used.assign(c.cols(), 0);
    if (std::isfinite(limit) || c.rows() <= c.cols()) {
      Rows(0, 0.0);
    } else {
      // Transposed search: every column matched to a distinct row.
      std::vector<char> rused(c.rows(), 0);
      ColsT(0, 0.0, rused);
    }
  }
  void Rows(int r, double acc) {
    if (r == c.rows()) {
      best = std::min(best, acc);
      return;
    }
    if (std::isfinite(limit)) Rows(r + 1, acc);  // leave row r unmatched
    for (int j = 0; j < c.cols(); ++j) {
      if (used[j]) continue;
      if (std::isfinite(limit) && !(c(r, j) <= limit)) continue;
      used[j] = 1;
      Rows(r + 1, acc + c(r, j) - (std::isfinite(limit) ? limit : 0.0));
      used[j] = 0;
    }
  }
  void ColsT(int j, double acc, std::vector<char>& rused) {
    if (j == c.cols()) {
      best = std::min(best, acc);
      return;
    }
    for (int r = 0; r < c.rows(); ++r) {
      if (rused[r]) continue;
      rused[r] = 1;
      ColsT(j + 1, acc + c(r, j), rused);
      rused[r] = 0;
    }
  }
};

CostMatrix Random(int r, int c, std::mt19937& rng, bool integer) {
  CostMatrix m(r, c);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> k(0, 3);
  for (int i = 0; i < r; ++i) {
    for (int j = 0; j < c; ++j) m(i, j) = integer ? k(rng) / 3.0 : u(rng);
  }
  return m;
}

TEST(LapjvTest, KnownSquareExample) {
  CostMatrix c(3, 3);
  const double v[3][3] = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) c(i, j) = v[i][j];
  const Assignment a = LinearAssignment(c);
  ExpectValid(c, a);
  ASSERT_EQ(a.matches.size(), 3u);
  EXPECT_EQ(Objective(c, a, kInf), 5.0);  // (0,1) + (1,0) + (2,2) = 1 + 2 + 2
  EXPECT_EQ(a.matches[0], std::make_pair(0, 1));
  EXPECT_EQ(a.matches[1], std::make_pair(1, 0));
  EXPECT_EQ(a.matches[2], std::make_pair(2, 2));
}

TEST(LapjvTest, CostLimitLeavesExpensivePairsUnmatched) {
  CostMatrix c(2, 3);
  // Row 0 has a cheap column, row 1 only expensive ones.
  const double v[2][3] = {{0.9, 0.2, 0.95}, {0.85, 0.9, 0.99}};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) c(i, j) = v[i][j];
  const Assignment a = LinearAssignment(c, 0.8);
  ExpectValid(c, a);
  ASSERT_EQ(a.matches.size(), 1u);
  EXPECT_EQ(a.matches[0], std::make_pair(0, 1));
  EXPECT_EQ(a.unmatched_rows, std::vector<int>{1});
  EXPECT_EQ(a.unmatched_cols, (std::vector<int>{0, 2}));
}

TEST(LapjvTest, LimitPrefersTwoGoodPairsOverOneGreatPair) {
  // With limit 0.5 the 0.0 pair alone scores 0 - 0.5 = -0.5, both 0.2 diagonal pairs
  // 2 * (0.2 - 0.5) = -0.6, which wins; with 0.3 on the diagonal (-0.4) the single pair wins.
  CostMatrix c(2, 2);
  c(0, 0) = 0.2;
  c(0, 1) = 0.0;
  c(1, 0) = 0.9;
  c(1, 1) = 0.2;
  const Assignment a = LinearAssignment(c, 0.5);
  ASSERT_EQ(a.matches.size(), 2u);
  EXPECT_EQ(a.matches[0], std::make_pair(0, 0));
  EXPECT_EQ(a.matches[1], std::make_pair(1, 1));
  c(0, 0) = c(1, 1) = 0.3;
  const Assignment b = LinearAssignment(c, 0.5);
  ASSERT_EQ(b.matches.size(), 1u);
  EXPECT_EQ(b.matches[0], std::make_pair(0, 1));
}

TEST(LapjvTest, EmptyInputs) {
  CostMatrix c0(0, 4);
  const Assignment a = LinearAssignment(c0, 0.8);
  EXPECT_TRUE(a.matches.empty());
  EXPECT_TRUE(a.unmatched_rows.empty());
  EXPECT_EQ(a.unmatched_cols, (std::vector<int>{0, 1, 2, 3}));
  CostMatrix c1(3, 0);
  const Assignment b = LinearAssignment(c1);
  EXPECT_EQ(b.unmatched_rows, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(b.unmatched_cols.empty());
}

TEST(LapjvTest, InfiniteCostIsForbiddenWithALimit) {
  CostMatrix c(2, 2, kInf);
  c(0, 1) = 0.1;
  const Assignment a = LinearAssignment(c, 0.8);
  ExpectValid(c, a);
  ASSERT_EQ(a.matches.size(), 1u);
  EXPECT_EQ(a.matches[0], std::make_pair(0, 1));
}

TEST(LapjvTest, MatchesBruteForceOnRandomMatrices) {
  int cases = 0;
  for (int seed = 0; seed < 12; ++seed) {
    std::mt19937 rng(1234 + seed);
    for (int r = 1; r <= 7; ++r) {
      for (int c = 1; c <= 7; ++c) {
        for (int integer = 0; integer < 2; ++integer) {
          const CostMatrix m = Random(r, c, rng, integer);
          for (double limit : {kInf, 0.5, 0.8, 1.0 / 3.0}) {
            SCOPED_TRACE(::testing::Message() << "seed " << seed << " " << r << "x" << c << " int "
                                              << integer << " limit " << limit);
            const Assignment a = LinearAssignment(m, limit);
            ExpectValid(m, a);
            if (std::isfinite(limit)) {
              for (auto [i, j] : a.matches) EXPECT_LE(m(i, j), limit);
            } else {
              EXPECT_EQ(a.matches.size(), static_cast<size_t>(std::min(r, c)));
            }
            Brute b{m, limit, kInf, {}};
            b.Run();
            EXPECT_NEAR(Objective(m, a, limit), b.best, 1e-9);
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 12 * 49 * 2 * 4);
}

// Independent O(n^3) Hungarian algorithm (potentials + Dijkstra, 1-based), for larger sizes.
double Hungarian(const CostMatrix& a) {
  const int n = a.rows(), m = a.cols();  // n <= m
  std::vector<double> u(n + 1), v(m + 1);
  std::vector<int> p(m + 1), way(m + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, kInf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      const int i0 = p[j0];
      double delta = kInf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  double total = 0;
  for (int j = 1; j <= m; ++j)
    if (p[j]) total += a(p[j] - 1, j - 1);
  return total;
}

TEST(LapjvTest, MatchesHungarianOnLargerMatrices) {
  for (int seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(99 + seed);
    for (int n : {8, 20, 50, 120}) {
      for (int integer = 0; integer < 2; ++integer) {
        const CostMatrix m = Random(n, n + seed % 3, rng, integer);
        const Assignment a = LinearAssignment(m);
        ExpectValid(m, a);
        EXPECT_NEAR(Objective(m, a, kInf), Hungarian(m), 1e-9) << "seed " << seed << " n " << n;
      }
    }
  }
}

TEST(LapjvTest, SquareSolverReturnsPermutations) {
  std::mt19937 rng(7);
  for (int n : {1, 2, 5, 40}) {
    const CostMatrix m = Random(n, n, rng, false);
    std::vector<int> x, y;
    const double total = SolveLapjv(n, m.data(), &x, &y);
    ASSERT_EQ(static_cast<int>(x.size()), n);
    double s = 0;
    for (int i = 0; i < n; ++i) {
      ASSERT_GE(x[i], 0);
      EXPECT_EQ(y[x[i]], i);
      s += m(i, x[i]);
    }
    EXPECT_DOUBLE_EQ(total, s);
    EXPECT_NEAR(total, Hungarian(m), 1e-9);
  }
}

// Sparse matrices like the tracker's: each entry is allowed (cost <= limit) with probability
// `density`, otherwise above the limit or forbidden (+inf).
CostMatrix RandomSparse(int r, int c, double density, double limit, std::mt19937& rng,
                        bool integer) {
  CostMatrix m(r, c);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> k(0, 3);
  for (int i = 0; i < r; ++i) {
    for (int j = 0; j < c; ++j) {
      if (u(rng) < density) {
        m(i, j) = integer ? limit * k(rng) / 3.0 : limit * u(rng);
      } else {
        m(i, j) = u(rng) < 0.2 ? kInf : limit + (1.0 - limit) * u(rng) + 1e-9;
      }
    }
  }
  return m;
}

// The component split and its fast paths give exactly the dense solver's assignment when the
// optimum is unique (continuous costs), and the same objective with ties (integer costs).
TEST(LapjvTest, ComponentSplitMatchesDenseSolver) {
  int cases = 0, nontrivial = 0;
  for (int seed = 0; seed < 40; ++seed) {
    std::mt19937 rng(4321 + seed);
    for (int r : {1, 2, 3, 5, 8, 13, 30, 60}) {
      for (int c : {1, 2, 4, 7, 12, 31, 55}) {
        for (double density : {0.02, 0.1, 0.3, 1.0}) {
          for (int integer = 0; integer < 2; ++integer) {
            const double limit = seed % 2 ? 0.8 : 0.5;
            const CostMatrix m = RandomSparse(r, c, density, limit, rng, integer);
            SCOPED_TRACE(::testing::Message() << "seed " << seed << " " << r << "x" << c
                                              << " density " << density << " int " << integer);
            const Assignment fast = LinearAssignment(m, limit);
            const Assignment dense = LinearAssignmentDense(m, limit);
            ExpectValid(m, fast);
            for (auto [i, j] : fast.matches) EXPECT_LE(m(i, j), limit);
            EXPECT_NEAR(Objective(m, fast, limit), Objective(m, dense, limit), 1e-9);
            if (!integer) {
              EXPECT_EQ(fast.matches, dense.matches);
              EXPECT_EQ(fast.unmatched_rows, dense.unmatched_rows);
              EXPECT_EQ(fast.unmatched_cols, dense.unmatched_cols);
            }
            nontrivial += dense.matches.size() > 1;
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 40 * 8 * 7 * 4 * 2);
  EXPECT_GT(nontrivial, cases / 4);  // the comparison is not vacuous
}

// Fast paths one by one: a 1 x k and a k x 1 component take their cheapest allowed pair, an
// isolated row or column stays unmatched, a pair exactly at the limit is allowed.
TEST(LapjvTest, FastPathsSingleRowColumnAndIsolated) {
  CostMatrix c(4, 5, kInf);
  c(0, 1) = 0.6;  // row 0: two candidates, 0.3 wins
  c(0, 3) = 0.3;
  c(1, 0) = 0.7;  // column 0: rows 1 and 2 compete, 0.2 wins
  c(2, 0) = 0.2;
  c(3, 4) = 0.8;  // exactly the limit: 1 x 1 component, matched (cost <= limit)
  // column 2 and every other pair: forbidden
  const Assignment a = LinearAssignment(c, 0.8);
  ExpectValid(c, a);
  EXPECT_EQ(a.matches, (std::vector<std::pair<int, int>>{{0, 3}, {2, 0}, {3, 4}}));
  EXPECT_EQ(a.unmatched_rows, (std::vector<int>{1}));
  EXPECT_EQ(a.unmatched_cols, (std::vector<int>{1, 2}));
  const Assignment d = LinearAssignmentDense(c, 0.8);
  EXPECT_NEAR(Objective(c, a, 0.8), Objective(c, d, 0.8), 1e-12);
}

// Two independent 2 x 2 blocks where the greedy choice is wrong in each: the split must still
// solve every component optimally.
TEST(LapjvTest, ComponentsSolvedOptimally) {
  CostMatrix c(4, 4, 1.0);
  c(0, 0) = 0.1;  // block A: rows 0, 1 x cols 0, 1; optimum 0-1, 1-0 (0.3 + 0.3 < 0.1 + 0.79)
  c(0, 1) = 0.3;
  c(1, 0) = 0.3;
  c(1, 1) = 0.79;
  c(2, 2) = 0.05;  // block B: rows 2, 3 x cols 2, 3
  c(2, 3) = 0.2;
  c(3, 2) = 0.2;
  c(3, 3) = 0.7;
  const Assignment a = LinearAssignment(c, 0.8);
  EXPECT_EQ(a.matches, (std::vector<std::pair<int, int>>{{0, 1}, {1, 0}, {2, 3}, {3, 2}}));
  const Assignment d = LinearAssignmentDense(c, 0.8);
  EXPECT_EQ(a.matches, d.matches);
}

// Scratch buffers are reused: a big problem followed by small ones (and back) stays correct.
TEST(LapjvTest, ScratchReuseAcrossSizes) {
  std::mt19937 rng(77);
  for (int n : {200, 3, 1, 90, 2, 150}) {
    const CostMatrix m = RandomSparse(n, n + 1, 0.05, 0.8, rng, false);
    const Assignment fast = LinearAssignment(m, 0.8);
    const Assignment dense = LinearAssignmentDense(m, 0.8);
    EXPECT_EQ(fast.matches, dense.matches) << n;
    const CostMatrix full = Random(n, n, rng, false);
    EXPECT_NEAR(Objective(full, LinearAssignment(full), kInf), Hungarian(full), 1e-9) << n;
  }
}

TEST(LapjvTest, Deterministic) {
  std::mt19937 rng(5);
  const CostMatrix m = Random(30, 25, rng, true);  // many ties
  const Assignment a = LinearAssignment(m, 0.5);
  const Assignment b = LinearAssignment(m, 0.5);
  EXPECT_EQ(a.matches, b.matches);
  EXPECT_EQ(a.unmatched_rows, b.unmatched_rows);
}

}  // namespace
}  // namespace es
