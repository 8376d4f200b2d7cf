// RateLimiter: a token bucket per client key (the remote address): `rate` requests per second
// on average, bursts of up to `burst`.
//
// Contract: Allow(key, now) takes one token from key's bucket and says whether there was one.
// At most max_keys buckets are kept; past that the bucket idle the longest is forgotten (a
// forgotten client starts again with a full bucket). Time is the caller's (steady clock).
// Thread-safety: Allow is thread-safe (one mutex).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "edgesight/time.h"

namespace es {

class RateLimiter {
 public:
  RateLimiter(double rate_per_s, int burst, size_t max_keys = 4096);
  bool Allow(const std::string& key, Timestamp now);

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp last;
  };
  const double rate_;
  const double burst_;
  const size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace es
