// BackendWorker: one edgesight-backend process's consumer — MQTT shared subscription -> ingest
// (store) -> verify queue -> verifier thread -> verdict (store, then QoS 1 publish).
//
// Contract
// - Subscribes, on every connection, to $share/<group>/edgesight/v1/+/+/{events,crops,
//   escalations} and $share/<group>/edgesight/v1/+/status (QoS 1), so N workers with the same
//   group split the devices' messages between them (mosquitto hands each shared message to one
//   member, round robin): adding a worker adds capacity.
// - Every message is stored (ingest.h) on the transport thread before the next is read. A store
//   failure pauses ingest: the same message is retried with backoff (doubling, capped at 2 s)
//   until it is stored or the worker stops; meanwhile the broker keeps the rest (QoS 1,
//   persistent session: clean_session false with client id "<group>-<worker>").
// - Escalations: one with a stored verdict is answered again with that verdict at once (a re-send
//   means the edge never saw it); otherwise it is queued for verification (bounded,
//   queue_capacity; when full the escalation is counted as "shed" and left to the edge's
//   re-send). Verifier threads (verify_threads, each with its own model) verify, store the verdict
//   first-wins (backend_store.h) and publish the stored one to edgesight/v1/<device>/verdicts.
//   A verdict the broker does not take (connection down) stays stored; the edge's re-send after
//   its deadline gets it.
// - Loss window (libmosquitto acknowledges before on_message): a worker killed between the
//   acknowledgement and the store commit loses that one delivery; a worker killed with
//   escalations queued loses their verification. Both are recovered by the edge, which re-sends
//   an unanswered escalation after its deadline with the same id (tested with a SIGKILLed
//   worker).
// - With NATS (options.nats.url): the transport is nats_transport.h's work queue. Escalations
//   are verified on the fetch thread that received them and the message is acknowledged only
//   after the verdict is stored and published; no in-memory queue, so nothing is lost with a
//   killed worker: JetStream redelivers after ack_wait.
// - Metrics on the registry (names in docs/hybrid.md): ingest, duplicates and rejects per kind,
//   verify latency histogram, queue depth, verdicts per verdict/class/device, shed, store
//   errors, connection state.
// Thread-safety: Start/Stop/stats from one control thread; stats() from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend_store.h"
#include "backend/ingest.h"
#include "backend/nats_transport.h"
#include "backend/verifier.h"
#include "core/bounded_queue.h"
#include "core/metrics_registry.h"
#include "uplink/mqtt_transport.h"

namespace es {

struct BackendWorkerOptions {
  MosquittoOptions mqtt;  // host, port, credentials, TLS; client id and subscriptions are set here
  std::string group = "verifiers";
  std::string worker = "w1";
  IngestOptions ingest;
  VerifyOptions verify;
  bool verify_enabled = true;
  int verify_threads = 1;
  int queue_capacity = 256;
  // NATS JetStream instead of MQTT (nats.url set): the stream's durable pull consumer is the
  // group; verification runs on the fetch threads (verify_threads of them) before the message is
  // acknowledged, so a worker that dies mid-message leaves it to another worker.
  NatsOptions nats;
};

struct BackendWorkerStats {
  bool connected = false;
  int64_t connects = 0;
  int64_t verified = 0;    // verdicts made here
  int64_t reanswered = 0;  // re-sent escalations answered from the store
  int64_t published = 0;   // verdicts handed to the broker
  int64_t publish_failed = 0;
  int64_t shed = 0;          // escalations not queued (queue full)
  int64_t store_errors = 0;  // store failures (each retried)
  int64_t queue_depth = 0;
};

class BackendWorker {
 public:
  static Result<std::unique_ptr<BackendWorker>> Create(BackendWorkerOptions options,
                                                       BackendStore* store,
                                                       MetricsRegistry* metrics);
  ~BackendWorker();
  BackendWorker(const BackendWorker&) = delete;
  BackendWorker& operator=(const BackendWorker&) = delete;

  Status Start();
  void Stop();
  BackendWorkerStats stats() const;
  IngestCounts ingest_counts() const { return ingest_.counts(); }
  static std::vector<MqttSubscription> Subscriptions(const std::string& group);

 private:
  struct Job {
    Escalation escalation;
    int64_t received_ms = 0;
  };
  BackendWorker(BackendWorkerOptions o, BackendStore* store, MetricsRegistry* metrics);
  void OnMessage(const std::string& topic, std::string_view payload);
  void VerifyLoop(Verifier* verifier);
  void VerifyOne(Verifier* verifier, Job job);
  // Inline verification (NATS): one verifier per concurrent caller.
  Verifier* TakeVerifier();
  void ReturnVerifier(Verifier* v);
  void Publish(const Verdict& v);
  void Count(const Verdict& v);

  BackendWorkerOptions o_;
  BackendStore* store_;
  MetricsRegistry* metrics_;
  Ingest ingest_;
  std::unique_ptr<MqttTransport> transport_;
  std::vector<std::unique_ptr<Verifier>> verifiers_;
  bool inline_verify_ = false;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Verifier*> pool_;
  BoundedQueue<Job> queue_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> connects_{0}, verified_{0}, reanswered_{0}, published_{0},
      publish_failed_{0}, shed_{0}, store_errors_{0};
  Histogram* verify_seconds_ = nullptr;
  Histogram* queue_seconds_ = nullptr;
};

}  // namespace es
