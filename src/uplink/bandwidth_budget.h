// BandwidthBudget: the uplink's bytes-per-hour cap and how bytes on the wire are counted.
//
// What is counted ("wire bytes")
// - MqttPublishWireBytes(): the size of the MQTT 3.1.1 PUBLISH packet that carries a message:
//   fixed header (1 byte + 1..4 bytes of remaining length) + topic (2 + length) + packet id
//   (2 bytes, QoS > 0) + payload. The broker's PUBACK (4 bytes) and TCP/TLS framing are not
//   counted. The outbox records wire bytes per kind per wall-clock UTC hour when the broker
//   acknowledged a message (Outbox::AckMany); re-sends after a lost connection are counted once
//   (the publisher counts them separately in PublisherStats::resent).
//
// Cap policy (cap_bytes_per_hour, 0 = off)
// - Hours are fixed windows of the wall clock: hour h covers [h*3600 s, (h+1)*3600 s) UTC.
// - The budget of an hour covers every kind: events and status use it first and are NEVER
//   deferred or blocked (they go out even when the hour is already over the cap); crops use
//   what is left. A crop may be published when
//       used + crop_wire_bytes <= cap   (used = bytes acknowledged this hour + bytes in flight),
//   or, so that a crop larger than the whole cap cannot wait forever, when used == 0 (it is the
//   first message of its hour).
// - A crop that does not fit is DEFERRED, not dropped: it stays in the outbox (the outbox's own
//   size policy may still evict it, crops first) and is published, oldest first, once a later
//   hour has room. Events behind a deferred crop keep flowing (see MqttPublisher).
// Thread-safety: pure functions and a plain value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace es {

inline constexpr int64_t kMicrosPerHour = 3'600'000'000LL;

// UTC hour index of a wall-clock time (floor(unix_us / 1 h)).
inline int64_t UnixHour(int64_t unix_us) {
  return unix_us >= 0 ? unix_us / kMicrosPerHour : -((-unix_us + kMicrosPerHour - 1) / kMicrosPerHour);
}

// Size of the MQTT 3.1.1 PUBLISH packet carrying `payload_len` bytes on `topic_len` (see above).
int64_t MqttPublishWireBytes(size_t topic_len, size_t payload_len, int qos = 1);

class BandwidthBudget {
 public:
  explicit BandwidthBudget(int64_t cap_bytes_per_hour = 0) : cap_(cap_bytes_per_hour) {}
  bool enabled() const { return cap_ > 0; }
  int64_t cap() const { return cap_; }
  // Whether a crop of `crop_wire_bytes` may go now, with `used` wire bytes already spent
  // (acknowledged + in flight) in the current hour. Always true when the cap is off.
  bool MayPublishCrop(int64_t used, int64_t crop_wire_bytes) const {
    if (cap_ <= 0) return true;
    return used <= 0 || used + crop_wire_bytes <= cap_;
  }

 private:
  int64_t cap_;
};

}  // namespace es
