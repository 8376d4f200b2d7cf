#include "http/rate_limiter.h"

#include <algorithm>

namespace es {

RateLimiter::RateLimiter(double rate_per_s, int burst, size_t max_keys)
    : rate_(rate_per_s), burst_(std::max(1, burst)), max_keys_(std::max<size_t>(1, max_keys)) {}

bool RateLimiter::Allow(const std::string& key, Timestamp now) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      auto idle = std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a,
                                                                        const auto& b) {
        return a.second.last < b.second.last;
      });
      buckets_.erase(idle);
    }
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::max(0.0, (now - b.last).seconds());
  b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.last = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace es
