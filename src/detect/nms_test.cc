#include "detect/nms.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace es {
namespace {

Detection D(float x, float y, float w, float h, float score, int cls = 0) {
  return {{x, y, w, h}, score, cls};
}

TEST(NmsTest, SameClassOverlapIsSuppressed) {
  const auto out = NmsClassAware({D(0, 0, 10, 10, 0.8f), D(1, 1, 10, 10, 0.9f)}, 0.5f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_FLOAT_EQ(out[0].box.x, 1.f);
}

TEST(NmsTest, DifferentClassIsKept) {
  const auto out = NmsClassAware({D(0, 0, 10, 10, 0.8f, 0), D(1, 1, 10, 10, 0.9f, 2)}, 0.5f);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].class_id, 2);
  EXPECT_EQ(out[1].class_id, 0);
}

TEST(NmsTest, IouEqualToThresholdIsKeptAboveIsSuppressed) {
  // The second box lies inside the first with half its area: IoU exactly 0.5.
  const std::vector<Detection> c = {D(0, 0, 10, 10, 0.9f), D(0, 0, 10, 5, 0.8f)};
  ASSERT_FLOAT_EQ(IoU(c[0].box, c[1].box), 0.5f);
  EXPECT_EQ(NmsClassAware(c, 0.5f).size(), 2u);
  EXPECT_EQ(NmsClassAware(c, 0.49f).size(), 1u);
}

TEST(NmsTest, NonOverlappingAllKeptSortedByScore) {
  const auto out = NmsClassAware(
      {D(0, 0, 5, 5, 0.3f), D(10, 0, 5, 5, 0.9f), D(20, 0, 5, 5, 0.6f)}, 0.5f);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_FLOAT_EQ(out[1].score, 0.6f);
  EXPECT_FLOAT_EQ(out[2].score, 0.3f);
}

TEST(NmsTest, MaxDetectionsCapsTheHighestScores) {
  std::vector<Detection> c;
  for (int i = 0; i < 10; ++i) c.push_back(D(20.f * i, 0, 10, 10, 0.1f * i));
  const auto out = NmsClassAware(c, 0.5f, 3);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FLOAT_EQ(out[0].box.x, 180.f);
  EXPECT_FLOAT_EQ(out[1].box.x, 160.f);
  EXPECT_FLOAT_EQ(out[2].box.x, 140.f);
  EXPECT_TRUE(NmsClassAware(c, 0.5f, 0).empty());
}

TEST(NmsTest, EqualScoresResolvedByInputOrder) {
  // Two overlapping boxes with the same score: the earlier one wins, every time.
  const auto a = NmsClassAware({D(0, 0, 10, 10, 0.5f), D(1, 0, 10, 10, 0.5f)}, 0.3f);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_FLOAT_EQ(a[0].box.x, 0.f);
  const auto b = NmsClassAware({D(1, 0, 10, 10, 0.5f), D(0, 0, 10, 10, 0.5f)}, 0.3f);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_FLOAT_EQ(b[0].box.x, 1.f);
}

TEST(NmsTest, SuppressedBoxDoesNotSuppressOthers) {
  // A suppresses B; B would suppress C, but B is gone, and C does not overlap A enough.
  const auto out = NmsClassAware(
      {D(0, 0, 10, 10, 0.9f), D(4, 0, 10, 10, 0.8f), D(8, 0, 10, 10, 0.7f)}, 0.4f);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].box.x, 0.f);
  EXPECT_FLOAT_EQ(out[1].box.x, 8.f);
}

TEST(NmsTest, NanScoresDroppedAndEmptyInput) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto out = NmsClassAware({D(0, 0, 10, 10, nan), D(50, 0, 10, 10, 0.2f)}, 0.5f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].score, 0.2f);
  EXPECT_TRUE(NmsClassAware({}, 0.5f).empty());
}

}  // namespace
}  // namespace es
