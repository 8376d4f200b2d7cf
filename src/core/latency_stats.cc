#include "core/latency_stats.h"

#include <algorithm>
#include <cmath>

namespace es {

LatencyStats::LatencyStats(size_t max_samples) : max_samples_(max_samples ? max_samples : 1) {}

void LatencyStats::Add(Duration d) {
  std::lock_guard lock(mu_);
  ++count_;
  sum_us_ += static_cast<double>(d.us);
  max_us_ = std::max(max_us_, d.us);
  if (samples_.size() < max_samples_) {
    samples_.push_back(d.us);
  } else {
    std::uniform_int_distribution<uint64_t> pick(0, count_ - 1);
    const uint64_t slot = pick(rng_);
    if (slot < max_samples_) samples_[slot] = d.us;
  }
}

double Percentile(std::vector<int64_t> values, double q) {
  if (values.empty()) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank - 1), values.end());
  return static_cast<double>(values[rank - 1]);
}

LatencySummary LatencyStats::Summary() const {
  std::lock_guard lock(mu_);
  LatencySummary s;
  s.count = count_;
  if (count_ == 0) return s;
  s.mean_ms = sum_us_ / static_cast<double>(count_) * 1e-3;
  s.p50_ms = Percentile(samples_, 0.50) * 1e-3;
  s.p99_ms = Percentile(samples_, 0.99) * 1e-3;
  s.max_ms = static_cast<double>(max_us_) * 1e-3;
  return s;
}

}  // namespace es
