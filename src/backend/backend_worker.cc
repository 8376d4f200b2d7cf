#include "backend/backend_worker.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "detect/coco_classes.h"
#include "uplink/outbox.h"

namespace es {
namespace {

int64_t NowMs() { return WallNowMicros() / 1000; }

}  // namespace

std::vector<MqttSubscription> BackendWorker::Subscriptions(const std::string& group) {
  const std::string p = "$share/" + group + "/edgesight/v1/+/";
  return {{p + "+/events", 1}, {p + "+/crops", 1}, {p + "+/escalations", 1}, {p + "status", 1}};
}

BackendWorker::BackendWorker(BackendWorkerOptions o, BackendStore* store, MetricsRegistry* metrics)
    : o_(std::move(o)),
      store_(store),
      metrics_(metrics),
      ingest_(store, o_.ingest),
      queue_("verify", static_cast<size_t>(std::max(1, o_.queue_capacity)),
             QueuePolicy::kRefuseNew) {}

Result<std::unique_ptr<BackendWorker>> BackendWorker::Create(BackendWorkerOptions options,
                                                             BackendStore* store,
                                                             MetricsRegistry* metrics) {
  if (options.group.empty() || options.group.find_first_of("/+#") != std::string::npos) {
    return InvalidArgument("group '" + options.group + "' must be non-empty without / + #");
  }
  if (options.worker.empty()) return InvalidArgument("worker id must not be empty");
  options.mqtt.client_id = options.group + "-" + options.worker;
  options.mqtt.clean_session = false;
  options.mqtt.subscriptions = Subscriptions(options.group);
  options.verify.worker = options.worker;
  std::unique_ptr<BackendWorker> w(new BackendWorker(options, store, metrics));
  if (w->o_.verify_enabled) {
    for (int i = 0; i < std::max(1, w->o_.verify_threads); ++i) {
      ES_ASSIGN_OR_RETURN(auto v, Verifier::Create(w->o_.verify));
      w->verifiers_.push_back(std::move(v));
    }
  }
  if (!w->o_.nats.url.empty()) {
    NatsOptions n = w->o_.nats;
    n.durable = w->o_.group;
    n.subscriptions = w->o_.mqtt.subscriptions;
    n.fetchers = std::max(1, w->o_.verify_threads);
    ES_ASSIGN_OR_RETURN(w->transport_, MakeNatsTransport(n));
    w->inline_verify_ = true;
    for (auto& v : w->verifiers_) w->pool_.push_back(v.get());
  } else {
    ES_ASSIGN_OR_RETURN(w->transport_, MakeMosquittoTransport(w->o_.mqtt));
  }
  if (metrics != nullptr) {
    BackendWorker* self = w.get();
    w->verify_seconds_ = metrics->GetHistogram("es_backend_verify_seconds",
                                               "time to verify one escalation (decode + model)");
    w->queue_seconds_ = metrics->GetHistogram("es_backend_verify_queue_seconds",
                                              "time an escalation waited for a verifier");
    metrics->AddCallbackGauge("es_backend_verify_queue_depth", "escalations waiting", {},
                              [self] { return static_cast<double>(self->queue_.size()); });
    metrics->AddCallbackGauge("es_backend_connected", "1 when connected to the broker", {},
                              [self] { return self->connected_.load() ? 1.0 : 0.0; });
    for (int k = 0; k < kIngestKindCount - 1; ++k) {
      const auto kind = static_cast<IngestKind>(k);
      metrics->AddCallbackCounter("es_backend_ingested_total", "new messages stored, per kind",
                                  {{"kind", IngestKindName(kind)}},
                                  [self, k] { return double(self->ingest_.counts().stored[k]); });
      metrics->AddCallbackCounter(
          "es_backend_duplicates_total", "messages already stored (at-least-once redelivery)",
          {{"kind", IngestKindName(kind)}},
          [self, k] { return double(self->ingest_.counts().duplicates[k]); });
    }
    for (int r = 0; r < kRejectReasonCount; ++r) {
      metrics->AddCallbackCounter("es_backend_rejected_total",
                                  "messages rejected as bad input, per reason",
                                  {{"reason", RejectReasonName(static_cast<RejectReason>(r))}},
                                  [self, r] { return double(self->ingest_.counts().rejected[r]); });
    }
    metrics->AddCallbackCounter("es_backend_shed_total", "escalations not queued (queue full)", {},
                                [self] { return double(self->shed_.load()); });
    metrics->AddCallbackCounter("es_backend_store_errors_total",
                                "store failures (the message is retried)", {},
                                [self] { return double(self->store_errors_.load()); });
  }
  return w;
}

BackendWorker::~BackendWorker() { Stop(); }

Status BackendWorker::Start() {
  for (auto& v : verifiers_) {
    if (inline_verify_) break;
    Verifier* p = v.get();
    threads_.emplace_back([this, p] { VerifyLoop(p); });
  }
  MqttTransportCallbacks cb;
  cb.on_connect = [this](int rc) {
    if (rc == 0) {
      connected_ = true;
      ++connects_;
    }
  };
  cb.on_disconnect = [this](int) { connected_ = false; };
  cb.on_message = [this](const std::string& topic, std::string_view payload) {
    OnMessage(topic, payload);
  };
  return transport_->Start(std::move(cb));
}

void BackendWorker::Stop() {
  if (stop_.exchange(true)) return;
  if (transport_) transport_->Stop();
  queue_.Close();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void BackendWorker::OnMessage(const std::string& topic, std::string_view payload) {
  const int64_t received = NowMs();
  Result<IngestResult> r = ingest_.Handle(topic, payload, received);
  // Store down: pause here (the broker holds everything after this message) and retry.
  for (int delay_ms = 50; !r.ok() && !stop_; delay_ms = std::min(2000, delay_ms * 2)) {
    if (store_errors_.fetch_add(1) == 0 && o_.ingest.log) {
      o_.ingest.log("ingest paused: " + r.status().message() + " (retrying)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    r = ingest_.Handle(topic, payload, NowMs());
  }
  if (!r.ok() || !r->escalation) return;
  Escalation& e = *r->escalation;
  auto stored = store_->StoredVerdict(e.id);
  if (stored.ok() && stored->has_value()) {
    ++reanswered_;
    Publish(**stored);
    return;
  }
  if (!o_.verify_enabled) return;
  if (inline_verify_) {
    Verifier* v = TakeVerifier();
    VerifyOne(v, Job{std::move(e), received});
    ReturnVerifier(v);
    return;
  }
  if (!queue_.Push(Job{std::move(e), received})) ++shed_;
}

Verifier* BackendWorker::TakeVerifier() {
  std::unique_lock<std::mutex> lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return !pool_.empty(); });
  Verifier* v = pool_.back();
  pool_.pop_back();
  return v;
}

void BackendWorker::ReturnVerifier(Verifier* v) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    pool_.push_back(v);
  }
  pool_cv_.notify_one();
}

void BackendWorker::VerifyLoop(Verifier* verifier) {
  while (auto job = queue_.Pop()) {
    VerifyOne(verifier, std::move(*job));
    queue_.TaskDone();
  }
}

void BackendWorker::VerifyOne(Verifier* verifier, Job job) {
  const int64_t start = NowMs();
  if (queue_seconds_) queue_seconds_->Observe((start - job.received_ms) / 1000.0);
  Verdict v = verifier->Verify(job.escalation, start);
  v.received_unix_ms = job.received_ms;
  v.verified_unix_ms = NowMs();
  v.queue_ms = static_cast<double>(start - job.received_ms);
  if (verify_seconds_) verify_seconds_->Observe(v.verify_ms / 1000.0);
  ++verified_;
  Result<Verdict> first = store_->AddVerdict(v);
  for (int delay_ms = 50; !first.ok() && !stop_; delay_ms = std::min(2000, delay_ms * 2)) {
    ++store_errors_;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    first = store_->AddVerdict(v);
  }
  if (first.ok()) {
    if (first->worker == o_.worker) Count(*first);  // stored by us, not by another worker
    Publish(*first);
  }
}

void BackendWorker::Count(const Verdict& v) {
  if (metrics_ == nullptr) return;
  metrics_
      ->GetCounter("es_backend_verdicts_total", "verdicts stored, per verdict, class and device",
                   {{"verdict", VerdictKindName(v.verdict)},
                    {"class", std::string(CocoClassName(v.class_id))},
                    {"device", v.device}})
      ->Add();
}

void BackendWorker::Publish(const Verdict& v) {
  auto mid = transport_->Publish(VerdictTopic(v.device), v.ToJson().dump(), 1, false);
  if (mid.ok()) {
    ++published_;
  } else {
    ++publish_failed_;
  }
}

BackendWorkerStats BackendWorker::stats() const {
  BackendWorkerStats s;
  s.connected = connected_;
  s.connects = connects_;
  s.verified = verified_;
  s.reanswered = reanswered_;
  s.published = published_;
  s.publish_failed = publish_failed_;
  s.shed = shed_;
  s.store_errors = store_errors_;
  s.queue_depth = static_cast<int64_t>(queue_.size());
  return s;
}

}  // namespace es
