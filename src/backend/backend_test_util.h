// Test and benchmark scaffolding for edgesight-backend: the edge's side of the hybrid protocol on
// one libmosquitto client, and a JSON GET against a worker's API. Header only (inline); include
// it from tests/ and bench/ only.
//
// SimulatedEdge(port): connects to 127.0.0.1:port (clean session, random client id), subscribes
//   to edgesight/v1/edge1/verdicts. Escalate(e) publishes e (QoS 1) with a deadline deadline_ms_
//   from now and remembers it; ResendExpired() re-publishes every escalation past its deadline
//   without a verdict, same id, attempt + 1 (as the runtime does). Publish() keeps every message
//   until its PUBACK and publishes it again after a reconnection, as the runtime's outbox does.
//   Verdicts: the first per escalation is applied (applied_, round_trip_ms_ = first send -> first
//   verdict); later ones count as duplicates_ (conflicting_ when they differ from the first),
//   verdicts for unknown escalations as unknown_, undecodable ones as malformed_. Members under
//   mu_.
// GetJson(port, path): the parsed body of a 200 answer, or null.
// SampleEscalation(n, jpeg): escalation n of device edge1, camera cam0, for a 160x120 crop
//   (person for even n, sheep for odd). SampleEvent(n): event n's JSON text (a track start).
// VtestFrameJpeg(dir): a 160x120 JPEG of vtest.avi frame 60 made with ffmpeg ("" on failure).
// Thread-safety: the callbacks run on libmosquitto's thread; read the members under mu_.
#pragma once

#include <httplib.h>
#include <mosquitto.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "uplink/escalation_message.h"
#include "uplink/verdict_message.h"

namespace es::backend_test {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline nlohmann::json GetJson(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2);
  c.set_read_timeout(5);
  auto r = c.Get(path);
  if (!r || r->status != 200) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

// The edge's side of the protocol, on one libmosquitto client.
class SimulatedEdge {
 public:
  explicit SimulatedEdge(int port, int verdict_qos = 1) : verdict_qos_(verdict_qos) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, this);
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      static_cast<SimulatedEdge*>(self)->OnVerdict(
          std::string(static_cast<const char*>(msg->payload), msg->payloadlen));
    });
    mosquitto_connect_callback_set(m_, [](mosquitto* m, void* self, int rc) {
      if (rc != 0) return;
      auto* edge = static_cast<SimulatedEdge*>(self);
      mosquitto_subscribe(m, nullptr, "edgesight/v1/edge1/verdicts", edge->verdict_qos_);
      edge->Republish();
    });
    mosquitto_publish_callback_set(m_, [](mosquitto*, void* self, int mid) {
      auto* e = static_cast<SimulatedEdge*>(self);
      std::lock_guard<std::mutex> lock(e->pub_mu_);
      e->unacked_.erase(mid);
    });
    mosquitto_connect(m_, "127.0.0.1", port, 30);
    mosquitto_loop_start(m_);
  }
  ~SimulatedEdge() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  // QoS 1, kept until the broker's PUBACK and published again after a reconnection (as the
  // runtime's outbox does): a lost connection loses nothing.
  void Publish(const std::string& topic, const std::string& payload) {
    std::lock_guard<std::mutex> lock(pub_mu_);
    PublishLocked(topic, payload);
  }
  void Escalate(Escalation e) {
    e.deadline_unix_ms = NowMs() + deadline_ms_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_[e.id] = e;
      first_sent_ms_[e.id] = NowMs();
    }
    Publish(EscalationTopic(e.device, e.stream), EncodeEscalation(e, 0, 0));
  }
  // Re-sends every escalation past its deadline without a verdict; returns how many.
  int ResendExpired() {
    std::vector<Escalation> again;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, e] : pending_) {
        if (applied_.count(id) == 0 && NowMs() > e.deadline_unix_ms) {
          ++e.attempt;
          e.deadline_unix_ms = NowMs() + deadline_ms_;
          again.push_back(e);
        }
      }
    }
    for (const Escalation& e : again) {
      Publish(EscalationTopic(e.device, e.stream), EncodeEscalation(e, 0, 0));
    }
    resent_ += static_cast<int>(again.size());
    return static_cast<int>(again.size());
  }
  size_t applied() {
    std::lock_guard<std::mutex> lock(mu_);
    return applied_.size();
  }

  std::mutex mu_;
  std::map<std::string, Escalation> pending_;
  std::map<std::string, Verdict> applied_;  // first verdict per escalation
  std::map<std::string, int64_t> first_sent_ms_;
  std::vector<int64_t> round_trip_ms_;  // first send -> first verdict, per escalation
  int duplicates_ = 0, unknown_ = 0, conflicting_ = 0, resent_ = 0, malformed_ = 0;
  int64_t deadline_ms_ = 4000;
  int verdict_qos_ = 1;  // the verdicts subscription's QoS (set before connecting)

 private:
  void OnVerdict(const std::string& payload) {
    auto v = DecodeVerdict(payload);
    std::lock_guard<std::mutex> lock(mu_);
    if (!v.ok()) {
      ++malformed_;
      return;
    }
    if (pending_.count(v->escalation_id) == 0) {
      ++unknown_;
      return;
    }
    auto [it, fresh] = applied_.emplace(v->escalation_id, *v);
    if (fresh) round_trip_ms_.push_back(NowMs() - first_sent_ms_[v->escalation_id]);
    if (!fresh) {
      ++duplicates_;
      // Every answer to one escalation is the stored (first) verdict.
      if (it->second.verdict != v->verdict || it->second.worker != v->worker) ++conflicting_;
    }
  }
  void PublishLocked(const std::string& topic, const std::string& payload) {
    int mid = 0;
    if (mosquitto_publish(m_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                          1, false) == MOSQ_ERR_SUCCESS) {
      unacked_[mid] = {topic, payload};
    } else {
      backlog_.push_back({topic, payload});
    }
  }
  void Republish() {
    std::lock_guard<std::mutex> lock(pub_mu_);
    std::vector<std::pair<std::string, std::string>> again = std::move(backlog_);
    backlog_.clear();
    for (auto& [mid, msg] : unacked_) again.push_back(msg);
    unacked_.clear();
    for (const auto& [topic, payload] : again) PublishLocked(topic, payload);
  }

  mosquitto* m_ = nullptr;
  std::mutex pub_mu_;
  std::map<int, std::pair<std::string, std::string>> unacked_;  // mid -> (topic, payload)
  std::vector<std::pair<std::string, std::string>> backlog_;    // not handed over (no connection)
};

inline Escalation SampleEscalation(int n, const std::string& jpeg) {
  Escalation e;
  e.id = "edge1/cam0/esc/" + std::to_string(n);
  e.device = "edge1";
  e.stream = "cam0";
  e.track_id = n;
  e.class_id = n % 2 == 0 ? 0 : 18;  // person / sheep
  e.score = 0.45f;
  e.box = {40, 20, 60, 90};
  e.crop_box = {0, 0, 160, 120};
  e.reason = "uncertain";
  e.jpeg = jpeg;
  return e;
}

inline std::string SampleEvent(int n) {
  return nlohmann::json({{"v", 1},
                         {"id", "edge1/cam0/" + std::to_string(n)},
                         {"device", "edge1"},
                         {"stream", "cam0"},
                         {"type", "track"},
                         {"phase", "start"}})
      .dump();
}

inline std::string VtestFrameJpeg(const std::string& dir) {
  const std::string path = dir + "/frame.jpg";
  const std::string cmd =
      "ffmpeg -v error -y -i /usr/share/doc/opencv-doc/examples/data/vtest.avi -vf "
      "'select=eq(n\\,60),scale=160:120' -frames:v 1 " +
      path;
  if (std::system(cmd.c_str()) != 0) return "";
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::string bytes;
  char buf[65536];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof(buf), f)) > 0) bytes.append(buf, got);
  std::fclose(f);
  return bytes;
}

}  // namespace es::backend_test
