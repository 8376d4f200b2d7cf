// LatencyStats: records durations of one stage and reports count, mean, p50, p99, max.
//
// Keeps every sample (8 bytes each; a 24-hour run at 30 fps is ~20 MB) up to a cap, after which
// it keeps a uniform reservoir sample so memory stays bounded. Percentiles use the nearest-rank
// method on the kept samples. Thread-safety: Add and Summary may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <vector>

#include "edgesight/time.h"

namespace es {

struct LatencySummary {
  uint64_t count = 0;
  double mean_ms = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
};

class LatencyStats {
 public:
  explicit LatencyStats(size_t max_samples = 1 << 20);
  void Add(Duration d);
  LatencySummary Summary() const;

 private:
  const size_t max_samples_;
  mutable std::mutex mu_;
  std::vector<int64_t> samples_;
  uint64_t count_ = 0;
  double sum_us_ = 0;
  int64_t max_us_ = 0;
  std::mt19937_64 rng_{12345};
};

// Nearest-rank percentile (q in [0,1]) of an unsorted sample vector; 0 if empty.
double Percentile(std::vector<int64_t> values, double q);

}  // namespace es
