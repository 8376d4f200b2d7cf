#include "track/matching.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "track/mot_io.h"

namespace es {
namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// IouDistance must be bit-identical to 1 - IoU() from edgesight/types.h (the tracker's results
// depend on it), for overlapping, touching, disjoint, nested, identical and degenerate boxes.
TEST(MatchingTest, IouDistanceIsBitIdenticalToIoU) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> pos(-50.f, 400.f), size(0.f, 120.f);
  std::vector<BBox> a, b;
  for (int k = 0; k < 300; ++k) {
    a.push_back({pos(rng), pos(rng), size(rng), size(rng)});
    b.push_back({pos(rng), pos(rng), size(rng), size(rng)});
  }
  a.push_back({10, 10, 20, 40});
  b.push_back({10, 10, 20, 40});  // identical
  b.push_back({30, 10, 5, 5});    // touching a's right edge
  b.push_back({15, 15, 5, 5});    // nested
  b.push_back({10, 10, 0, 40});   // zero width
  a.push_back({0, 0, -5, 10});    // negative width
  const CostMatrix c = IouDistance(a, b);
  ASSERT_EQ(c.rows(), static_cast<int>(a.size()));
  ASSERT_EQ(c.cols(), static_cast<int>(b.size()));
  int overlapping = 0;
  for (int i = 0; i < c.rows(); ++i) {
    for (int j = 0; j < c.cols(); ++j) {
      const double want = 1.0 - static_cast<double>(IoU(a[i], b[j]));
      ASSERT_TRUE(SameBits(c(i, j), want)) << i << " " << j << " " << c(i, j) << " " << want;
      overlapping += want < 1.0;
    }
  }
  EXPECT_GT(overlapping, 1000);
  EXPECT_EQ(c(300, 300), 0.0);
  EXPECT_EQ(c(300, 301), 1.0);
  EXPECT_DOUBLE_EQ(c(300, 302), 1.0 - 25.0 / 800.0);
  EXPECT_EQ(c(300, 303), 1.0);
}

TEST(MatchingTest, FuseScoreAndClassGate) {
  CostMatrix c =
      IouDistance({{0, 0, 10, 10}, {100, 100, 10, 10}}, {{0, 0, 10, 10}, {5, 0, 10, 10}});
  FuseScore(c, {0.5f, 1.0f});
  EXPECT_DOUBLE_EQ(c(0, 0), 0.5);                  // IoU 1 * 0.5
  EXPECT_NEAR(c(0, 1), 1.0 - 50.0 / 150.0, 1e-7);  // IoU 1/3 * 1
  EXPECT_DOUBLE_EQ(c(1, 0), 1.0);
  GateClasses(c, {0, 1}, {0, 0}, 9.0);
  EXPECT_DOUBLE_EQ(c(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(c(1, 0), 9.0);
  EXPECT_DOUBLE_EQ(c(1, 1), 9.0);
}

TEST(MatchingTest, EmptyInputs) {
  EXPECT_TRUE(IouDistance({}, {{0, 0, 1, 1}}).empty());
  EXPECT_EQ(IouDistance({{0, 0, 1, 1}}, {}).rows(), 1);
}

// On real detections (each frame's boxes against the previous frame's, as the tracker's first
// stage sees them: fused IoU, limits 0.8 and 0.5), the component split of LinearAssignment gives
// exactly the dense solver's assignment, frame by frame.
TEST(MatchingTest, SplitAssignmentEqualsDenseOnRealSequences) {
  for (const char* seq : {"MOT17-04-FRCNN-boxmot", "palace-bytetrack-ncnn-golden"}) {
    const std::string path = std::string(ES_SOURCE_DIR) + "/tests/data/mot/" + seq + "/det/det.txt";
    auto file = ReadMotFile(path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    std::vector<std::vector<BBox>> boxes;
    std::vector<std::vector<float>> scores;
    for (const MotRow& r : file.value().rows) {
      if (r.score < 0.3) continue;
      if (static_cast<size_t>(r.frame) > boxes.size()) {
        boxes.resize(r.frame);
        scores.resize(r.frame);
      }
      boxes[r.frame - 1].push_back({static_cast<float>(r.box.x), static_cast<float>(r.box.y),
                                    static_cast<float>(r.box.w), static_cast<float>(r.box.h)});
      scores[r.frame - 1].push_back(static_cast<float>(r.score));
    }
    ASSERT_GT(boxes.size(), 300u);
    size_t matched = 0;
    for (size_t f = 1; f < boxes.size(); ++f) {
      CostMatrix c = IouDistance(boxes[f - 1], boxes[f]);
      FuseScore(c, scores[f]);
      for (double limit : {0.8, 0.5}) {
        const Assignment fast = LinearAssignment(c, limit);
        const Assignment dense = LinearAssignmentDense(c, limit);
        ASSERT_EQ(fast.matches, dense.matches) << seq << " frame " << f + 1 << " limit " << limit;
        ASSERT_EQ(fast.unmatched_rows, dense.unmatched_rows);
        ASSERT_EQ(fast.unmatched_cols, dense.unmatched_cols);
        matched += fast.matches.size();
      }
    }
    EXPECT_GT(matched, 10 * boxes.size()) << seq;
  }
}

}  // namespace
}  // namespace es
