// ReconnectPolicy: bounded exponential backoff for network sources.
//
// Contract: after a failure a source retries up to `attempts` times; retry k (1-based) waits
// DelayMs(k) = min(first_delay_ms * 2^(k-1), max_delay_ms), plus an optional deterministic
// jitter of up to jitter_fraction of that delay derived from (seed, k) so that a fleet of
// cameras restarted together does not reconnect in lock-step, yet tests stay reproducible.
// Pure value type; thread-compatible; never fails.
#pragma once

#include <algorithm>
#include <cstdint>

namespace es {

struct ReconnectPolicy {
  static constexpr int64_t kMaxDelayMs = 8000;  // cap from the source contract

  int attempts = 3;  // retries after the first failure (0 = none)
  int64_t first_delay_ms = 500;
  int64_t max_delay_ms = kMaxDelayMs;
  double jitter_fraction = 0.0;  // 0 = exact doubling; e.g. 0.1 adds up to +10 %
  uint64_t seed = 0;             // jitter seed (e.g. a hash of the stream id)

  // Delay before retry k (1-based). k < 1 -> 0.
  int64_t DelayMs(int k) const {
    if (k < 1 || first_delay_ms <= 0) return 0;
    int64_t d = first_delay_ms;
    for (int i = 1; i < k && d < max_delay_ms; ++i) d *= 2;
    d = std::min(d, max_delay_ms);
    if (jitter_fraction > 0) {
      // splitmix64 of (seed, k): deterministic, well mixed.
      uint64_t z = seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(k);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      z ^= z >> 31;
      const double u = static_cast<double>(z >> 11) / static_cast<double>(1ull << 53);
      d += static_cast<int64_t>(u * jitter_fraction * static_cast<double>(d));
    }
    return d;
  }
};

}  // namespace es
