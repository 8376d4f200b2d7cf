#include "track/noise_adapter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace es {
namespace {

constexpr double kWeight = 1.0 / 20.0;  // the filter's default position weight

// Second differences of i.i.d. noise of standard deviation sigma (relative to the height) give
// back sigma: measurement_scale = (sigma / weight)^2.
TEST(NoiseAdapterTest, MeasurementScaleRecoversTheJitterOfTheBoxes) {
  for (double sigma : {0.01, 0.02, 0.05, 0.002}) {
    NoiseAdapter a(kWeight);
    std::mt19937 rng(3);
    std::normal_distribution<double> n(0, sigma);
    for (int i = 0; i < 2000; ++i) {
      const double z0 = n(rng), z1 = n(rng), z2 = n(rng);
      a.AddJitter(std::fabs(z2 - 2 * z1 + z0));
    }
    const double expected =
        std::max(NoiseAdapter::kMinScale, (sigma / kWeight) * (sigma / kWeight));
    EXPECT_NEAR(a.measurement_scale(), expected, 0.25 * expected) << "sigma " << sigma;
  }
}

// Innovations k times larger than the model expects (NIS = k^2 chi2(4)) drive the process scale
// up; smaller ones down; consistent ones leave it near 1. Always within the bounds.
TEST(NoiseAdapterTest, ProcessScaleFollowsInnovationConsistency) {
  for (double k : {0.3, 1.0, 3.0}) {
    NoiseAdapter a(kWeight);
    std::mt19937 rng(5);
    std::chi_squared_distribution<double> chi2(4);
    for (int i = 0; i < 4 * static_cast<int>(NoiseAdapter::kWindow); ++i) {
      a.AddNis(k * k * chi2(rng));
    }
    if (k < 1) {
      EXPECT_LT(a.process_scale(), 0.5);
    } else if (k > 1) {
      EXPECT_GT(a.process_scale(), 2.0);
    } else {
      EXPECT_NEAR(a.process_scale(), 1.0, 0.3);
    }
    EXPECT_GE(a.process_scale(), NoiseAdapter::kMinScale);
    EXPECT_LE(a.process_scale(), NoiseAdapter::kMaxScale);
  }
  NoiseAdapter a(kWeight);
  for (int i = 0; i < 100 * static_cast<int>(NoiseAdapter::kWindow); ++i) a.AddNis(1e6);
  EXPECT_EQ(a.process_scale(), NoiseAdapter::kMaxScale);
}

TEST(NoiseAdapterTest, NothingChangesBeforeEnoughSamplesAndBadSamplesAreIgnored) {
  NoiseAdapter a(kWeight);
  for (size_t i = 0; i + 1 < NoiseAdapter::kMinSamples; ++i) a.AddJitter(0.2);
  for (size_t i = 0; i + 1 < NoiseAdapter::kWindow; ++i) a.AddNis(100);
  EXPECT_EQ(a.measurement_scale(), 1.0);
  EXPECT_EQ(a.process_scale(), 1.0);
  for (int i = 0; i < 1000; ++i) {
    a.AddJitter(std::nan(""));
    a.AddJitter(-1);
    a.AddNis(std::numeric_limits<double>::infinity());
  }
  EXPECT_EQ(a.measurement_scale(), 1.0);
  EXPECT_EQ(a.process_scale(), 1.0);
  a.AddNis(100);  // the window is full now
  EXPECT_GT(a.process_scale(), 1.0);
  a.Reset();
  EXPECT_EQ(a.process_scale(), 1.0);
}

}  // namespace
}  // namespace es
