#include "plan/link_latency.h"

#include <algorithm>
#include <cmath>

namespace es {
namespace {

// Standard normal CDF.
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

LinkLatency::LinkLatency(const LinkRequest& r) {
  const double serialise_ms = r.payload_bytes * 8.0 / (r.uplink_mbps * 1e6) * 1e3;
  base_ms_ = serialise_ms / (1.0 - std::min(r.utilisation, 0.999)) + r.rtt_ms + r.server_ms;
  sigma_ms_ = r.jitter_ms;
  const double packets = std::max(1.0, std::ceil(r.payload_bytes / kPacketPayloadBytes));
  p_loss_ = 1.0 - std::pow(1.0 - r.loss, packets);
  rto_ms_ = std::max(kMinRtoMs, r.rtt_ms + 4.0 * r.jitter_ms);
}

double LinkLatency::Cdf(double x) const {
  if (x < 0) return 0;
  // One component: base + J, J normal truncated at -base.
  auto component = [this, x](double shift) {
    const double mean = base_ms_ + shift;
    if (sigma_ms_ <= 0) return x >= mean ? 1.0 : 0.0;
    const double below_zero = Phi(-mean / sigma_ms_);
    return (Phi((x - mean) / sigma_ms_) - below_zero) / (1.0 - below_zero);
  };
  return (1.0 - p_loss_) * component(0) + p_loss_ * component(rto_ms_);
}

double LinkLatency::Quantile(double q) const {
  double lo = 0, hi = base_ms_ + rto_ms_ + 40.0 * sigma_ms_ + 1.0;
  while (hi - lo > 1e-6) {
    const double mid = 0.5 * (lo + hi);
    (Cdf(mid) >= q ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace es
