// Network profiles between the decision and the PTZ actuator, and a seeded link that applies
// one to a stream of messages.
//
// A profile gives one-way delays (uniform in [min, max] plus, with probability spike_prob, an
// extra spike), bursty loss as a Gilbert-Elliott chain (good -> bad with p_enter_bad per message,
// bad -> good with p_leave_bad, a message in the bad state is lost with loss_in_bad), and an
// optional outage from outage_start_s on. When decision_on_edge is true the decision runs on the
// device and the link is the local hop: an outage of the uplink does not touch it.
// NetworkLink keeps FIFO order (a message never overtakes an earlier one, as over TCP).
// Thread-safety: not thread-safe. Deterministic for a given seed.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "edgesight/time.h"

namespace es {

struct NetworkProfile {
  std::string name;
  bool decision_on_edge = true;
  double min_ms = 5, max_ms = 10;       // one-way delay range
  double spike_prob = 0, spike_ms = 0;  // occasional extra delay (jitter tail)
  double p_enter_bad = 0, p_leave_bad = 1, loss_in_bad = 0;
  double outage_start_s = -1;  // cloud messages sent after this are lost; < 0 none

  double mean_ms() const { return 0.5 * (min_ms + max_ms) + spike_prob * spike_ms; }
};

// edge, cloud_broadband, cloud_4g, cloud_4g_outage, edge_4g_outage.
std::vector<NetworkProfile> StandardNetworkProfiles();

class NetworkLink {
 public:
  NetworkLink(NetworkProfile profile, uint64_t seed);
  // Arrival time of a message sent at `sent`, or nullopt when it is lost.
  std::optional<Timestamp> Send(Timestamp sent);
  int sent() const { return sent_; }
  int lost() const { return lost_; }

 private:
  NetworkProfile p_;
  std::mt19937_64 rng_;
  bool bad_ = false;
  Timestamp last_arrival_;
  int sent_ = 0, lost_ = 0;
};

}  // namespace es
