#include "track/kalman_filter.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>

namespace es {
namespace {

using SV = KalmanFilter::StateVec;
using SC = KalmanFilter::StateCov;
using MV = KalmanFilter::MeasVec;

MV Meas(double cx, double cy, double a, double h) {
  MV z;
  z << cx, cy, a, h;
  return z;
}

TEST(KalmanFilterTest, InitiateMatchesHandComputedStd) {
  KalmanFilter kf;  // 1/20, 1/160, 30 fps
  const auto s = kf.Initiate(Meas(100, 200, 0.5, 80));
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(s.mean(i), Meas(100, 200, 0.5, 80)(i));
  for (int i = 4; i < 8; ++i) EXPECT_EQ(s.mean(i), 0.0);
  // position std 2 * 80 / 20 = 8; velocity std 10 * 80 / 160 = 5 px/frame = 150 px/s.
  EXPECT_DOUBLE_EQ(s.cov(0, 0), 64.0);
  EXPECT_DOUBLE_EQ(s.cov(1, 1), 64.0);
  EXPECT_DOUBLE_EQ(s.cov(2, 2), 1e-4);
  EXPECT_DOUBLE_EQ(s.cov(3, 3), 64.0);
  EXPECT_DOUBLE_EQ(s.cov(4, 4), 22500.0);
  EXPECT_DOUBLE_EQ(s.cov(5, 5), 22500.0);
  EXPECT_NEAR(s.cov(6, 6), 9e-8, 1e-20);
  EXPECT_DOUBLE_EQ(s.cov(7, 7), 22500.0);
  EXPECT_EQ((s.cov - SC(s.cov.diagonal().asDiagonal())).norm(), 0.0);
}

TEST(KalmanFilterTest, PredictOneFrameMatchesHandComputed) {
  KalmanFilter kf;
  auto s = kf.Initiate(Meas(100, 200, 0.5, 80));
  s.mean(4) = 30.0;  // 30 px/s = 1 px/frame
  kf.Predict(s, 1.0 / 30.0);
  EXPECT_DOUBLE_EQ(s.mean(0), 101.0);
  EXPECT_DOUBLE_EQ(s.mean(1), 200.0);
  // Official per frame: P11 = 64 + 25 (vel var) + 16 (Q pos) = 105, P12 = 25 px/frame
  // (= 750 in px/s), P22 = 25 + 0.25 = 25.25 (= 22725 in (px/s)^2).
  EXPECT_NEAR(s.cov(0, 0), 105.0, 1e-9);
  EXPECT_NEAR(s.cov(0, 4), 750.0, 1e-9);
  EXPECT_NEAR(s.cov(4, 0), 750.0, 1e-9);
  EXPECT_NEAR(s.cov(4, 4), 22725.0, 1e-9);
  EXPECT_NEAR(s.cov(2, 2), 1e-4 + 1e-4 + 9e-8 / 900.0, 1e-15);
  EXPECT_NEAR(s.cov(0, 1), 0.0, 1e-12);
}

TEST(KalmanFilterTest, UpdateMatchesHandComputed) {
  KalmanFilter kf;
  auto s = kf.Initiate(Meas(100, 200, 0.5, 80));
  s.mean(4) = 30.0;
  kf.Predict(s, 1.0 / 30.0);  // x: 101, P11 105, P12 750, P22 22725 (see above)
  kf.Update(s, Meas(112, 200, 0.5, 80));
  // R_x = (80/20)^2 = 16, S = 121, innovation 11.
  EXPECT_NEAR(s.mean(0), 101.0 + 105.0 * 11.0 / 121.0, 1e-9);
  EXPECT_NEAR(s.mean(4), 30.0 + 750.0 * 11.0 / 121.0, 1e-9);
  EXPECT_NEAR(s.cov(0, 0), 105.0 - 105.0 * 105.0 / 121.0, 1e-9);
  EXPECT_NEAR(s.cov(0, 4), 750.0 - 105.0 * 750.0 / 121.0, 1e-9);
  EXPECT_NEAR(s.cov(4, 4), 22725.0 - 750.0 * 750.0 / 121.0, 1e-7);
  // y measured exactly at the prediction: unchanged mean, variance shrinks the same way.
  EXPECT_NEAR(s.mean(1), 200.0, 1e-12);
  EXPECT_NEAR(s.cov(1, 1), 105.0 - 105.0 * 105.0 / 121.0, 1e-9);
}

TEST(KalmanFilterTest, UpdateScalarGainOnDiagonalCovariance) {
  KalmanFilter kf;
  KalmanFilter::State s;
  s.mean << 100, 200, 0.5, 80, 0, 0, 0, 0;
  s.cov = SC::Identity() * 48.0;
  kf.Update(s, Meas(104, 200, 0.5, 80));
  EXPECT_NEAR(s.mean(0), 103.0, 1e-12);  // gain 48 / (48 + 16) = 0.75
  EXPECT_NEAR(s.cov(0, 0), 12.0, 1e-12);
  EXPECT_NEAR(s.cov(4, 4), 48.0, 1e-12);  // uncorrelated velocity untouched
}

// NSA: the measurement noise is scaled; R_x = 16 * 0.25 = 4 gives gain 48 / 52.
TEST(KalmanFilterTest, UpdateNoiseScaleScalesMeasurementNoise) {
  KalmanFilter kf;
  KalmanFilter::State s;
  s.mean << 100, 200, 0.5, 80, 0, 0, 0, 0;
  s.cov = SC::Identity() * 48.0;
  KalmanFilter::State t = s;
  kf.Update(s, Meas(104, 200, 0.5, 80), 0.25);
  EXPECT_NEAR(s.mean(0), 100.0 + 4.0 * 48.0 / 52.0, 1e-12);
  EXPECT_NEAR(s.cov(0, 0), 48.0 - 48.0 * 48.0 / 52.0, 1e-12);
  // Non-positive or non-finite scales mean 1 (the official filter).
  kf.Update(t, Meas(104, 200, 0.5, 80), -1.0);
  EXPECT_NEAR(t.mean(0), 103.0, 1e-12);
}

// The official filter, per frame (dt = 1, velocities per frame), written out with full
// matrices as in kalman_filter.py.
struct OfficialKf {
  double wp = 1.0 / 20, wv = 1.0 / 160;
  SC F = [] {
    SC f = SC::Identity();
    for (int i = 0; i < 4; ++i) f(i, 4 + i) = 1.0;
    return f;
  }();
  Eigen::Matrix<double, 4, 8> H = Eigen::Matrix<double, 4, 8>::Identity();
  void Initiate(const MV& z, SV* m, SC* p) const {
    *m << z, 0, 0, 0, 0;
    SV std;
    std << 2 * wp * z(3), 2 * wp * z(3), 1e-2, 2 * wp * z(3), 10 * wv * z(3), 10 * wv * z(3), 1e-5,
        10 * wv * z(3);
    *p = std.array().square().matrix().asDiagonal();
  }
  void Predict(SV* m, SC* p) const {
    SV std;
    const double h = (*m)(3);
    std << wp * h, wp * h, 1e-2, wp * h, wv * h, wv * h, 1e-5, wv * h;
    *m = F * *m;
    *p = F * *p * F.transpose() + SC(std.array().square().matrix().asDiagonal());
  }
  void Update(SV* m, SC* p, const MV& z) const {
    const double h = (*m)(3);
    MV std;
    std << wp * h, wp * h, 1e-1, wp * h;
    const Eigen::Matrix4d S =
        H * *p * H.transpose() + Eigen::Matrix4d(std.array().square().matrix().asDiagonal());
    const Eigen::Matrix<double, 8, 4> K = *p * H.transpose() * S.inverse();
    *m = *m + K * (z - H * *m);
    *p = *p - K * S * K.transpose();
  }
};

class KalmanOfficialTest : public ::testing::TestWithParam<double> {};

TEST_P(KalmanOfficialTest, OneReferencePeriodEqualsOfficialPerFrameFilter) {
  const double fps = GetParam();
  KalmanOptions opt;
  opt.reference_fps = fps;
  KalmanFilter kf(opt);
  OfficialKf ref;
  const MV z0 = Meas(320, 240, 0.45, 120);
  auto s = kf.Initiate(z0);
  SV m;
  SC p;
  ref.Initiate(z0, &m, &p);
  // Per-second state = S * per-frame state with S = diag(1,1,1,1, fps x4).
  SV scale;
  scale << 1, 1, 1, 1, fps, fps, fps, fps;
  auto check = [&](int step) {
    const SV m_conv = m.cwiseProduct(scale);
    const SC p_conv = scale.asDiagonal() * p * scale.asDiagonal();
    for (int i = 0; i < 8; ++i) {
      EXPECT_NEAR(s.mean(i), m_conv(i), 1e-9 * (1 + std::abs(m_conv(i)))) << step << " " << i;
      for (int j = 0; j < 8; ++j) {
        EXPECT_NEAR(s.cov(i, j), p_conv(i, j), 1e-9 * (1 + std::abs(p_conv(i, j))))
            << step << " " << i << "," << j;
      }
    }
  };
  for (int step = 1; step <= 20; ++step) {
    kf.Predict(s, 1.0 / fps);
    ref.Predict(&m, &p);
    check(step);
    if (step % 5 != 0) {  // some frames without a measurement
      const MV z = Meas(320 + 3.0 * step + (step % 3), 240 - 1.5 * step, 0.45 + 0.001 * step,
                        120 + 0.5 * step);
      kf.Update(s, z);
      ref.Update(&m, &p, z);
      check(step);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fps, KalmanOfficialTest, ::testing::Values(30.0, 25.0, 10.0));

TEST(KalmanFilterTest, ProcessNoiseScalesLinearlyWithElapsedTime) {
  KalmanFilter kf;
  KalmanFilter::State s;
  s.mean << 0, 0, 1, 100, 0, 0, 0, 0;
  s.cov.setZero();
  kf.Predict(s, 0.1);                        // 3 reference periods
  EXPECT_NEAR(s.cov(0, 0), 3 * 25.0, 1e-9);  // (100/20)^2 per period
  EXPECT_NEAR(s.cov(4, 4), 3 * (100.0 / 160 * 30) * (100.0 / 160 * 30), 1e-9);
  EXPECT_NEAR(s.cov(2, 2), 3 * 1e-4, 1e-15);
}

TEST(KalmanFilterTest, NonPositiveDtIsANoOp) {
  KalmanFilter kf;
  auto s = kf.Initiate(Meas(10, 20, 1, 50));
  s.mean(4) = 5;
  const auto before = s;
  kf.Predict(s, 0.0);
  kf.Predict(s, -1.0);
  EXPECT_EQ(s.mean, before.mean);
  EXPECT_EQ(s.cov, before.cov);
}

TEST(KalmanFilterTest, MeanIsIndependentOfHowTimeIsSplit) {
  KalmanFilter kf;
  auto a = kf.Initiate(Meas(10, 20, 1, 50));
  a.mean.tail<4>() << 12, -6, 0, 1;
  auto b = a;
  kf.Predict(a, 0.2);
  kf.Predict(b, 0.05);
  kf.Predict(b, 0.15);
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(a.mean(i), b.mean(i), 1e-12);
  EXPECT_NEAR(a.mean(0), 10 + 12 * 0.2, 1e-12);
  EXPECT_NEAR(a.mean(3), 50.2, 1e-12);
}

}  // namespace
}  // namespace es
