#include "uplink/status_message.h"

#include <nlohmann/json.hpp>

namespace es {
namespace {

nlohmann::ordered_json PerKind(const std::array<int64_t, kOutboxKindCount>& v) {
  nlohmann::ordered_json j;
  for (int k = 0; k < kOutboxKindCount; ++k) j[OutboxKindName(static_cast<OutboxKind>(k))] = v[k];
  return j;
}

}  // namespace

nlohmann::ordered_json SentBytesJson(const SentBytes& s) {
  nlohmann::ordered_json j;
  for (int k = 0; k < kOutboxKindCount; ++k) j[OutboxKindName(static_cast<OutboxKind>(k))] = s.bytes[k];
  j["all"] = s.total_bytes();
  j["messages"] = s.messages[0] + s.messages[1] + s.messages[2];
  return j;
}

SentBytes SentSince(const SentBytes& now, const SentBytes& before) {
  SentBytes d;
  for (int k = 0; k < kOutboxKindCount; ++k) {
    d.bytes[k] = now.bytes[k] - before.bytes[k];
    d.messages[k] = now.messages[k] - before.messages[k];
  }
  return d;
}

std::string OnlineStatusJson(const StatusSnapshot& s) {
  nlohmann::ordered_json j;
  j["v"] = kStatusSchemaVersion;
  j["state"] = "online";
  j["device"] = s.device;
  j["t_unix_ms"] = s.unix_ms;
  j["uptime_s"] = s.uptime_s;
  nlohmann::ordered_json waiting;
  for (int k = 0; k < kOutboxKindCount; ++k) {
    waiting[OutboxKindName(static_cast<OutboxKind>(k))] = {{"count", s.outbox.count[k]},
                                                           {"bytes", s.outbox.bytes[k]}};
  }
  j["outbox"] = {{"depth", s.outbox.depth},
                 {"oldest_age_s", s.oldest_age_s},
                 {"waiting", waiting},
                 {"dropped", PerKind(s.outbox.dropped)}};
  j["sent_bytes"] = {{"hour", PerKind(s.sent_hour)}, {"total", PerKind(s.sent_total)}};
  j["bandwidth"] = {{"cap_bytes_per_hour", s.cap_bytes_per_hour},
                    {"crops_deferred", s.crops_deferred}};
  j["publisher"] = {{"state", s.publisher_state}, {"published", s.published},
                    {"acked", s.acked},           {"resent", s.resent},
                    {"connects", s.connects},     {"disconnects", s.disconnects},
                    {"inflight", s.inflight},     {"last_error", s.last_error}};
  if (!s.readiness.is_null()) j["readiness"] = s.readiness;
  if (!s.model.empty()) j["model"] = s.model;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string OfflineStatusJson(const std::string& device) {
  nlohmann::ordered_json j;
  j["v"] = kStatusSchemaVersion;
  j["state"] = "offline";
  j["device"] = device;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace es
