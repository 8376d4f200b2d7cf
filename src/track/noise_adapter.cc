#include "track/noise_adapter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace es {

namespace {

// Median of `values`, using `scratch` (no allocation once it has grown).
double Median(const std::vector<double>& values, std::vector<double>* scratch) {
  scratch->assign(values.begin(), values.end());
  const auto mid = scratch->begin() + static_cast<std::ptrdiff_t>(scratch->size() / 2);
  std::nth_element(scratch->begin(), mid, scratch->end());
  return *mid;
}

constexpr double kChi2Dof4Median = 3.357;

}  // namespace

void NoiseAdapter::AddJitter(double v) {
  if (!std::isfinite(v) || v < 0) return;
  if (jitter_.size() < kJitterWindow) {
    jitter_.push_back(v);
  } else {
    jitter_[jitter_next_] = v;
    jitter_next_ = (jitter_next_ + 1) % kJitterWindow;
  }
  if (++jitter_seen_ % kJitterRefresh != 0 || jitter_.size() < kMinSamples) return;
  const double sigma = Median(jitter_, &scratch_) / 0.6745 / std::sqrt(6.0);
  const double ratio = sigma / position_weight_;
  measurement_scale_ = std::clamp(ratio * ratio, kMinScale, kMaxScale);
}

void NoiseAdapter::AddNis(double nis) {
  if (!std::isfinite(nis) || nis < 0) return;
  nis_.push_back(nis);
  if (nis_.size() < kWindow) return;
  const double step = std::clamp(std::sqrt(Median(nis_, &scratch_) / kChi2Dof4Median), 0.5, 2.0);
  process_scale_ = std::clamp(process_scale_ * step, kMinScale, kMaxScale);
  nis_.clear();
}

void NoiseAdapter::Reset() {
  jitter_.clear();
  nis_.clear();
  jitter_next_ = 0;
  jitter_seen_ = 0;
  measurement_scale_ = process_scale_ = 1.0;
}

}  // namespace es
