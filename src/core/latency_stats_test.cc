#include "core/latency_stats.h"

#include <gtest/gtest.h>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {
namespace {

TEST(LatencyStats, PercentilesNearestRank) {
  LatencyStats s;
  for (int i = 1; i <= 100; ++i) s.Add(Duration::Millis(i));
  const LatencySummary r = s.Summary();
  EXPECT_EQ(r.count, 100u);
  EXPECT_DOUBLE_EQ(r.p50_ms, 50.0);
  EXPECT_DOUBLE_EQ(r.p99_ms, 99.0);
  EXPECT_DOUBLE_EQ(r.max_ms, 100.0);
  EXPECT_DOUBLE_EQ(r.mean_ms, 50.5);
}

TEST(LatencyStats, ReservoirKeepsMemoryBoundedAndStatsExact) {
  LatencyStats s(/*max_samples=*/64);
  for (int i = 0; i < 10000; ++i) s.Add(Duration::Micros(1000));
  const LatencySummary r = s.Summary();
  EXPECT_EQ(r.count, 10000u);
  EXPECT_DOUBLE_EQ(r.p50_ms, 1.0);
  EXPECT_DOUBLE_EQ(r.mean_ms, 1.0);
}

TEST(LatencyStats, EmptyIsZero) {
  LatencyStats s;
  EXPECT_EQ(s.Summary().count, 0u);
  EXPECT_EQ(Percentile({}, 0.5), 0.0);
}

TEST(Types, IoU) {
  BBox a{0, 0, 10, 10}, b{5, 0, 10, 10}, c{20, 20, 5, 5};
  EXPECT_NEAR(IoU(a, b), 50.0 / 150.0, 1e-6);
  EXPECT_EQ(IoU(a, c), 0.f);
  EXPECT_FLOAT_EQ(IoU(a, a), 1.f);
  EXPECT_EQ(IoU(a, BBox{0, 0, 0, 0}), 0.f);
}

TEST(Status, ResultCarriesValueOrError) {
  Result<int> ok = 7;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 7);
  Result<int> bad = NotFound("x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.status().WithContext("ctx").message(), "ctx: x");
  EXPECT_EQ(Status::Ok().ToString(), "OK");
}

}  // namespace
}  // namespace es
