// Status messages: the device's health on edgesight/v1/<device>/status (retained, QoS 1).
//
// Payload (JSON, versioned by "v"; v1 fields below; consumers must ignore unknown fields):
//   online  {"v":1,"state":"online","device":"edge0","t_unix_ms":..,"uptime_s":12.3,
//            "outbox":{"depth":N,"oldest_age_s":S,
//                      "waiting":{"event":{"count":n,"bytes":b},"crop":{..},"status":{..}},
//                      "dropped":{"event":n,"crop":n,"status":n}},
//            "sent_bytes":{"hour":{"event":b,"crop":b,"status":b},
//                          "total":{"event":b,"crop":b,"status":b}},
//            "bandwidth":{"cap_bytes_per_hour":C,"crops_deferred":true|false},
//            "publisher":{"state":"connected","published":n,"acked":n,"resent":n,
//                         "connects":n,"disconnects":n,"inflight":n,"last_error":""},
//            "readiness":{"ready":true,"checks":{..},"failed":[..]},  -- as /readyz
//            (docs/operations.md); absent when the runtime gives none
//            "model":"det@2"}  -- the detection model in use (name@version for a model-store
//            model, the detector's name otherwise); absent when the runtime gives none
//   offline {"v":1,"state":"offline","device":"edge0"}  -- the MQTT last will, published by the
//            broker when the device vanishes without a clean disconnect.
// "sent_bytes" are wire bytes acknowledged by the broker (bandwidth_budget.h) in the current
// UTC hour and in total, as recorded in the outbox database (so they survive restarts).
// Thread-safety: pure functions over plain values.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "uplink/outbox.h"

namespace es {

inline constexpr int kStatusSchemaVersion = 1;

struct StatusSnapshot {
  std::string device;
  int64_t unix_ms = 0;
  double uptime_s = 0;
  OutboxStats outbox;
  double oldest_age_s = 0;
  std::array<int64_t, kOutboxKindCount> sent_hour{};
  std::array<int64_t, kOutboxKindCount> sent_total{};
  int64_t cap_bytes_per_hour = 0;
  bool crops_deferred = false;
  std::string publisher_state;
  int64_t published = 0, acked = 0, resent = 0, connects = 0, disconnects = 0;
  int inflight = 0;
  std::string last_error;
  nlohmann::ordered_json readiness;  // null = absent
  std::string model;                 // "" = absent
};

// {"event": bytes, "crop": bytes, "status": bytes, "all": bytes, "messages": n}: the wire bytes
// the broker acknowledged, as the outbox counts them (bandwidth_budget.h). The one way these
// figures are printed: the run summary, `uplink-stats`.
nlohmann::ordered_json SentBytesJson(const SentBytes& s);
// a - b per kind (the bytes acknowledged between two readings of Outbox::SentTotal()).
SentBytes SentSince(const SentBytes& now, const SentBytes& before);

// The "online" status JSON (one line).
std::string OnlineStatusJson(const StatusSnapshot& s);
// The last will: {"v":1,"state":"offline","device":...}.
std::string OfflineStatusJson(const std::string& device);

}  // namespace es
