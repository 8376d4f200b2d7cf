#include "ptz/network_profile.h"

#include <algorithm>

namespace es {

std::vector<NetworkProfile> StandardNetworkProfiles() {
  std::vector<NetworkProfile> v;
  NetworkProfile edge;
  edge.name = "edge";  // 10-20 ms decision -> actuator on the device
  edge.decision_on_edge = true;
  edge.min_ms = 10;
  edge.max_ms = 20;
  v.push_back(edge);

  NetworkProfile bb;
  bb.name = "cloud_broadband";  // 50-100 ms round trip, jitter
  bb.decision_on_edge = false;
  bb.min_ms = 25;
  bb.max_ms = 50;
  bb.spike_prob = 0.05;
  bb.spike_ms = 40;
  v.push_back(bb);

  NetworkProfile g4;
  g4.name = "cloud_4g";  // 150-500 ms round trip, bursty loss
  g4.decision_on_edge = false;
  g4.min_ms = 75;
  g4.max_ms = 250;
  g4.spike_prob = 0.05;
  g4.spike_ms = 150;
  g4.p_enter_bad = 0.02;
  g4.p_leave_bad = 0.2;
  g4.loss_in_bad = 0.7;
  v.push_back(g4);

  NetworkProfile out = g4;
  out.name = "cloud_4g_outage";  // the 4G link drops for good at t = 6 s
  out.outage_start_s = 6.0;
  v.push_back(out);

  NetworkProfile edge_out = edge;
  edge_out.name = "edge_4g_outage";  // same outage; the decision stays on the device
  edge_out.outage_start_s = 6.0;
  v.push_back(edge_out);
  return v;
}

NetworkLink::NetworkLink(NetworkProfile profile, uint64_t seed)
    : p_(std::move(profile)), rng_(seed) {}

std::optional<Timestamp> NetworkLink::Send(Timestamp sent) {
  ++sent_;
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  // Draw every random number each time so the stream does not depend on branch outcomes.
  const double r_state = u01(rng_), r_loss = u01(rng_), r_delay = u01(rng_), r_spike = u01(rng_);
  bad_ = bad_ ? !(r_state < p_.p_leave_bad) : (r_state < p_.p_enter_bad);
  const bool outage =
      !p_.decision_on_edge && p_.outage_start_s >= 0 && sent.seconds() >= p_.outage_start_s;
  if (outage || (bad_ && r_loss < p_.loss_in_bad)) {
    ++lost_;
    return std::nullopt;
  }
  double ms = p_.min_ms + (p_.max_ms - p_.min_ms) * r_delay;
  if (r_spike < p_.spike_prob) ms += p_.spike_ms;
  Timestamp arrival = sent + Duration::Millis(ms);
  arrival = std::max(arrival, last_arrival_);
  last_arrival_ = arrival;
  return arrival;
}

}  // namespace es
