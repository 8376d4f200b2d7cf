#include "plan/link_latency.h"

#include <gtest/gtest.h>

#include <cmath>

namespace es {
namespace {

TEST(LinkLatencyTest, NoJitterNoLossIsTheBase) {
  // 125,000 bytes at 10 Mbps = 100 ms; half the link busy doubles it; + 40 ms RTT + 5 ms.
  LinkLatency l({125000, 10, 0.5, 40, 0, 0, 5});
  EXPECT_NEAR(l.base_ms(), 245, 1e-9);
  EXPECT_DOUBLE_EQ(l.loss_probability(), 0);
  EXPECT_NEAR(l.Quantile(0.5), 245, 1e-5);
  EXPECT_NEAR(l.Quantile(0.99), 245, 1e-5);
}

TEST(LinkLatencyTest, JitterIsNormal) {
  LinkLatency l({0, 10, 0, 100, 10, 0, 0});
  EXPECT_NEAR(l.Quantile(0.5), 100, 1e-4);
  EXPECT_NEAR(l.Quantile(0.99), 100 + 2.3263479 * 10, 1e-3);
  EXPECT_NEAR(l.Cdf(100), 0.5, 1e-9);
}

TEST(LinkLatencyTest, LossAddsOneRetransmissionTimeout) {
  // 10 packets at 1 % loss: P(any lost) = 1 - 0.99^10 = 0.0956; RTO = max(200, 50 + 0).
  LinkLatency l({1448 * 10, 1000, 0, 50, 0, 0.01, 0});
  EXPECT_NEAR(l.loss_probability(), 1 - std::pow(0.99, 10), 1e-12);
  EXPECT_DOUBLE_EQ(l.rto_ms(), 200);
  const double base = l.base_ms();
  EXPECT_NEAR(l.Quantile(0.5), base, 1e-5);
  EXPECT_NEAR(l.Quantile(0.9), base, 1e-5);         // 90.4 % get through at once
  EXPECT_NEAR(l.Quantile(0.95), base + 200, 1e-5);  // the rest wait one RTO
  // RFC 6298 RTO above the floor: RTT + 4 x jitter.
  EXPECT_DOUBLE_EQ(LinkLatency({1, 1, 0, 300, 50, 0.1, 0}).rto_ms(), 500);
}

TEST(LinkLatencyTest, DelayIsNeverNegative) {
  LinkLatency l({0, 10, 0, 1, 100, 0, 0});  // jitter far above the base
  EXPECT_DOUBLE_EQ(l.Cdf(-1), 0);
  EXPECT_GE(l.Quantile(0.01), 0);
  EXPECT_GT(l.Quantile(0.5), 1);  // truncation at 0 moves the median up
}

}  // namespace
}  // namespace es
