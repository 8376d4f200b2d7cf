// LinkLatency: the delay of one request over a lossy, jittery uplink, as a distribution the
// planner reads quantiles from.
//
// Model (docs/tradeoffs.md, "The planner"): delay = base + J + R, where
// - base = serialisation / (1 - utilisation) + RTT + server time. Serialisation is the payload at
//   the link rate; dividing by (1 - utilisation) is the M/M/1 sojourn factor for a link that
//   other traffic (the other cameras) keeps busy that share of the time.
// - J ~ Normal(0, jitter^2), truncated at -base (delays are not negative).
// - R = RTO with probability P = 1 - (1 - loss)^packets (at least one of the request's packets
//   lost, retransmitted once after a retransmission timeout), else 0. RTO = max(200 ms,
//   RTT + 4 x jitter): RFC 6298's SRTT + 4 RTTVAR with Linux's 200 ms minimum.
// Quantile(q) solves F(x) = q by bisection (to 1e-6 ms); q in (0, 1). Pure; thread-safe.
#pragma once

namespace es {

struct LinkRequest {
  double payload_bytes = 0;
  double uplink_mbps = 1;
  double utilisation = 0;  // in [0, 1)
  double rtt_ms = 0;
  double jitter_ms = 0;
  double loss = 0;
  double server_ms = 0;
};

inline constexpr double kPacketPayloadBytes = 1448;  // TCP payload of a 1500-byte MTU packet
inline constexpr double kMinRtoMs = 200;             // Linux TCP_RTO_MIN

class LinkLatency {
 public:
  explicit LinkLatency(const LinkRequest& r);

  double base_ms() const { return base_ms_; }
  double loss_probability() const { return p_loss_; }
  double rto_ms() const { return rto_ms_; }
  double Cdf(double x_ms) const;
  double Quantile(double q) const;

 private:
  double base_ms_ = 0, sigma_ms_ = 0, p_loss_ = 0, rto_ms_ = 0;
};

}  // namespace es
