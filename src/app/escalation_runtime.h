// EscalationRuntime: the device-wide half of the hybrid tier's edge side. It commits
// escalations (durable outbox entry + pending row), applies the verdicts that come back on
// edgesight/v1/<device>/verdicts, and re-sends or expires escalations whose deadline passed.
//
// Contract
// - Commit(e, w, h, max_attempts, deadline_s) (a camera's track thread): stamps created/deadline/
//   attempt 1, records the escalation as pending (EscalationStore::Add, durable), then appends
//   the framed escalation to the outbox (OutboxKind::kCrop: under size pressure escalations go
//   before events, like every crop; topic EscalationTopic()) and wakes the publisher. A store or
//   outbox I/O failure is returned (the hook decides); an escalation the outbox refuses for
//   space is counted as dropped and stays pending (its deadline re-sends it).
// - OnMessage(topic, payload) (the MQTT transport thread): a verdict (verdict_message.h) for a
//   pending escalation is applied once: the first one wins (EscalationStore::Resolve), a
//   `verified` event is committed to the outbox (kEvent, the camera's events topic, id
//   "<escalation id>/verified"; JSON below) and the listener hears the outcome. Duplicates
//   (re-sent escalations answered twice, redelivery) are counted and ignored; a verdict for an
//   unknown escalation, for another device, or malformed JSON is counted and logged once per
//   kind; nothing received can stop the run.
//   Verified event: {"v":1,"id":..,"start_id":..,"device":..,"stream":..,"type":"verified",
//   "phase":"instant","track_id":..,"class_id":..,"verdict":"confirmed"|..,"score":..,
//   "checks":[..],"escalation_id":..,"event_id":"<the track's start event id>","reason":..,
//   "attempt":..,"worker":..,"round_trip_ms":..,"t_unix_ms":..}
// - A worker thread (core/worker.h, woken by a mailbox at least every `tick`) re-sends each
//   pending escalation whose deadline passed with the same id, attempt+1 and a new deadline,
//   while attempt < max_attempts; after the last attempt's deadline it expires: the local
//   decision stands, the listener hears "expired". Rows survive restarts (the store), so a
//   restarted device re-sends and expires what the last run left.
// - Metrics (on the registry given to Open): edgesight_escalations_total{event=committed|resent|
//   expired|dropped}, edgesight_verdicts_total{outcome=confirmed|rejected|uncertain|duplicate|
//   unknown|malformed}, gauge edgesight_escalations_pending, histogram
//   edgesight_escalation_round_trip_seconds (committed -> verdict applied). Summary(): the same
//   figures plus round-trip p50/p99 for the run summary's `escalation` block.
// - SetTap: a model shadow's view (EscalationTap below): Escalated() passes each committed
//   escalation's frame, and every outcome the listener hears goes to the tap too.
// Thread-safety: Commit/OnMessage/stats/Summary/SetTap/Escalated are thread-safe; SetListener
// before Start.
// The outbox, publisher and registry must outlive the runtime; Stop() joins the worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/bounded_queue.h"
#include "core/metrics_registry.h"
#include "core/worker.h"
#include "edgesight/time.h"
#include "edgesight/types.h"
#include "uplink/escalation_message.h"
#include "uplink/escalation_store.h"
#include "uplink/mqtt_publisher.h"
#include "uplink/outbox.h"
#include "uplink/verdict_message.h"

namespace es {

// What a verdict (or its absence) decided about one escalated track.
struct VerdictNotice {
  std::string stream;
  int track_id = 0;
  std::string escalation_id;
  std::string event_id;
  std::string outcome;  // "confirmed", "rejected", "uncertain", "expired"
};

// What a model update's shadow sees of the hybrid tier (app/verdict_shadow.h): each committed
// escalation with the frame it was cut from, and each outcome. `escalated` runs on a camera's
// track thread, `verdict` on the transport or worker thread: both must be short (copy and
// return).
struct EscalationTap {
  std::function<void(const std::string& id, const cv::Mat& frame, const BBox& box, int class_id)>
      escalated;
  std::function<void(const VerdictNotice&)> verdict;
};

struct EscalationRuntimeOptions {
  std::string device = "edge0";
  std::string store_path;  // EscalationStore::PathFor(outbox path) by default
  Duration tick = Duration::Millis(100);
  // Wall clock in ms since the epoch (deadlines are wall time: they outlive the process).
  std::function<int64_t()> wall_now_ms;
};

class EscalationRuntime {
 public:
  static Result<std::unique_ptr<EscalationRuntime>> Open(Outbox* outbox, MqttPublisher* publisher,
                                                         MetricsRegistry* metrics,
                                                         EscalationRuntimeOptions options);
  ~EscalationRuntime();
  EscalationRuntime(const EscalationRuntime&) = delete;
  EscalationRuntime& operator=(const EscalationRuntime&) = delete;

  void SetListener(std::function<void(const VerdictNotice&)> listener);
  // Thread-safe, any time; null: none.
  void SetTap(std::shared_ptr<const EscalationTap> tap);
  // The hook, after a successful Commit: hands the escalation's frame to the tap (if any).
  void Escalated(const std::string& id, const cv::Mat& frame, const BBox& box, int class_id);
  void Start();
  void Stop();

  // jpeg_width/height: the size of e.jpeg, for the header.
  Status Commit(Escalation e, int jpeg_width, int jpeg_height, int max_attempts, double deadline_s);
  void OnMessage(const std::string& topic, std::string_view payload);

  const std::string& device() const { return o_.device; }
  int64_t pending() { return store_->PendingCount(); }
  nlohmann::json Summary() const;

 private:
  EscalationRuntime(Outbox* outbox, MqttPublisher* publisher, MetricsRegistry* metrics,
                    EscalationRuntimeOptions options, std::unique_ptr<EscalationStore> store);
  int64_t NowMs() const { return o_.wall_now_ms(); }
  void Run();
  void CheckDeadlines();
  void ApplyVerdict(const Verdict& v);
  void Notify(const VerdictNotice& n);
  void LogOnce(const std::string& kind, const std::string& text);
  Counter* Outcome(const std::string& outcome);

  Outbox* outbox_;
  MqttPublisher* publisher_;
  MetricsRegistry* metrics_;
  EscalationRuntimeOptions o_;
  std::unique_ptr<EscalationStore> store_;
  std::function<void(const VerdictNotice&)> listener_;
  std::mutex tap_mu_;
  std::shared_ptr<const EscalationTap> tap_;  // guarded by tap_mu_

  Counter* committed_;
  Counter* resent_;
  Counter* expired_;
  Counter* dropped_;
  Histogram* round_trip_;

  mutable std::mutex mu_;
  std::set<std::string> logged_;  // kinds of bad input already logged, guarded by mu_
  std::string last_error_;        // guarded by mu_

  BoundedQueue<int> wake_;
  Worker worker_;  // last: started after everything it uses exists
};

}  // namespace es
