#include "app/escalation_runtime.h"

#include <chrono>
#include <cmath>
#include <utility>

#include "app/log_line.h"
#include "app/outbox_hook.h"
#include "uplink/crop_payload.h"
#include "uplink/verdict_message.h"

namespace es {
namespace {

const std::vector<double>& RoundTripBuckets() {
  static const std::vector<double> kBuckets = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,
                                               2,    5,    10,   20,  30,  60};
  return kBuckets;
}

constexpr const char* kOutcomes[] = {"confirmed", "rejected", "uncertain",
                                     "duplicate", "unknown",  "malformed"};

}  // namespace

Result<std::unique_ptr<EscalationRuntime>> EscalationRuntime::Open(Outbox* outbox,
                                                                   MqttPublisher* publisher,
                                                                   MetricsRegistry* metrics,
                                                                   EscalationRuntimeOptions o) {
  if (outbox == nullptr) {
    return InvalidArgument("escalate.enabled needs the outbox (uplink.outbox or uplink.mqtt)");
  }
  if (metrics == nullptr) return InvalidArgument("escalation runtime: no metrics registry");
  if (o.store_path.empty()) o.store_path = EscalationStore::PathFor(outbox->path());
  if (!o.wall_now_ms) o.wall_now_ms = [] { return WallNowMicros() / 1000; };
  ES_ASSIGN_OR_RETURN(std::unique_ptr<EscalationStore> store, EscalationStore::Open(o.store_path));
  return std::unique_ptr<EscalationRuntime>(
      new EscalationRuntime(outbox, publisher, metrics, std::move(o), std::move(store)));
}

EscalationRuntime::EscalationRuntime(Outbox* outbox, MqttPublisher* publisher,
                                     MetricsRegistry* metrics, EscalationRuntimeOptions options,
                                     std::unique_ptr<EscalationStore> store)
    : outbox_(outbox),
      publisher_(publisher),
      metrics_(metrics),
      o_(std::move(options)),
      store_(std::move(store)),
      wake_("escalation-deadlines", 16, QueuePolicy::kRefuseNew) {
  const std::string esc = "edgesight_escalations_total";
  const std::string esc_help = "escalations by what happened to them";
  committed_ = metrics_->GetCounter(esc, esc_help, {{"event", "committed"}});
  resent_ = metrics_->GetCounter(esc, esc_help, {{"event", "resent"}});
  expired_ = metrics_->GetCounter(esc, esc_help, {{"event", "expired"}});
  dropped_ = metrics_->GetCounter(esc, esc_help, {{"event", "dropped"}});
  for (const char* k : kOutcomes) Outcome(k);
  round_trip_ = metrics_->GetHistogram("edgesight_escalation_round_trip_seconds",
                                       "escalation committed -> verdict applied (wall time)", {},
                                       RoundTripBuckets());
  EscalationStore* s = store_.get();
  metrics_->AddCallbackGauge("edgesight_escalations_pending",
                             "escalations waiting for a verdict (durable)", {},
                             [s] { return static_cast<double>(s->PendingCount()); });
}

EscalationRuntime::~EscalationRuntime() { Stop(); }

Counter* EscalationRuntime::Outcome(const std::string& outcome) {
  return metrics_->GetCounter("edgesight_verdicts_total",
                              "verdicts received, by verdict or by why they were ignored",
                              {{"outcome", outcome}});
}

void EscalationRuntime::SetListener(std::function<void(const VerdictNotice&)> listener) {
  listener_ = std::move(listener);
}

void EscalationRuntime::Start() {
  worker_.Start("es-escalate", [this] { Run(); });
}

void EscalationRuntime::Stop() {
  wake_.Close();
  worker_.Join();
}

void EscalationRuntime::Run() {
  while (true) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(o_.tick.us);
    (void)wake_.PopUntil(until);
    if (wake_.closed()) return;
    CheckDeadlines();
  }
}

void EscalationRuntime::LogOnce(const std::string& kind, const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!logged_.insert(kind).second) return;
  }
  LogLine(LogLevel::kWarning, "escalation: " + text + " (logged once; counted in metrics)");
}

void EscalationRuntime::SetTap(std::shared_ptr<const EscalationTap> tap) {
  std::lock_guard<std::mutex> lock(tap_mu_);
  tap_ = std::move(tap);
}

void EscalationRuntime::Escalated(const std::string& id, const cv::Mat& frame, const BBox& box,
                                  int class_id) {
  std::shared_ptr<const EscalationTap> tap;
  {
    std::lock_guard<std::mutex> lock(tap_mu_);
    tap = tap_;
  }
  if (tap && tap->escalated) tap->escalated(id, frame, box, class_id);
}

void EscalationRuntime::Notify(const VerdictNotice& n) {
  if (listener_) listener_(n);
  std::shared_ptr<const EscalationTap> tap;
  {
    std::lock_guard<std::mutex> lock(tap_mu_);
    tap = tap_;
  }
  if (tap && tap->verdict) tap->verdict(n);
}

Status EscalationRuntime::Commit(Escalation e, int jpeg_width, int jpeg_height, int max_attempts,
                                 double deadline_s) {
  const int64_t now = NowMs();
  const int64_t per_attempt = std::max<int64_t>(1, std::llround(deadline_s * 1000));
  e.created_unix_ms = now;
  e.deadline_unix_ms = now + per_attempt;
  e.attempt = 1;
  PendingEscalation p;
  p.id = e.id;
  p.stream = e.stream;
  p.event_id = e.event_id;
  p.track_id = e.track_id;
  p.class_id = e.class_id;
  p.reason = e.reason;
  p.created_unix_ms = e.created_unix_ms;
  p.deadline_unix_ms = e.deadline_unix_ms;
  p.attempt = 1;
  p.max_attempts = max_attempts;
  p.deadline_ms = per_attempt;
  p.payload = EncodeEscalation(e, jpeg_width, jpeg_height);
  ES_RETURN_IF_ERROR(store_->Add(p));
  auto seq =
      outbox_->Append(OutboxKind::kCrop, EscalationTopic(o_.device, e.stream), p.payload, e.id);
  if (!seq.ok()) {
    dropped_->Add();
    const StatusCode code = seq.status().code();
    if (code == StatusCode::kUnavailable || code == StatusCode::kInvalidArgument) {
      return Status::Ok();  // the size policy: it stays pending and is re-sent at its deadline
    }
    return seq.status().WithContext("escalation " + e.id);
  }
  committed_->Add();
  if (publisher_ != nullptr) publisher_->Notify();
  return Status::Ok();
}

void EscalationRuntime::CheckDeadlines() {
  auto due = store_->Due(NowMs());
  if (!due.ok()) {
    LogOnce("store", "cannot read pending escalations: " + due.status().message());
    return;
  }
  bool appended = false;
  for (PendingEscalation& p : *due) {
    if (p.attempt >= p.max_attempts) {
      auto expired = store_->Expire(p.id);
      if (expired.ok() && *expired) {
        expired_->Add();
        Notify({p.stream, p.track_id, p.id, p.event_id, "expired"});
      }
      continue;
    }
    auto e = DecodeEscalation(p.payload);
    if (!e.ok()) {  // cannot happen for rows we wrote; do not retry it forever
      LogOnce("payload", "pending escalation " + p.id + " unreadable: " + e.status().message());
      (void)store_->Expire(p.id);
      continue;
    }
    // Re-read the JPEG's size from the old header to keep it in the new one.
    auto msg = DecodeCropPayload(p.payload);
    const int w = msg.ok() ? msg->header.value("width", 0) : 0;
    const int h = msg.ok() ? msg->header.value("height", 0) : 0;
    e->attempt = p.attempt + 1;
    e->deadline_unix_ms = NowMs() + p.deadline_ms;
    const std::string payload = EncodeEscalation(*e, w, h);
    if (Status s = store_->Resend(p.id, e->attempt, e->deadline_unix_ms, payload); !s.ok()) {
      LogOnce("store", "cannot re-send " + p.id + ": " + s.message());
      continue;
    }
    auto seq =
        outbox_->Append(OutboxKind::kCrop, EscalationTopic(o_.device, p.stream), payload, p.id);
    if (!seq.ok()) {
      dropped_->Add();
      continue;
    }
    resent_->Add();
    appended = true;
  }
  if (appended && publisher_ != nullptr) publisher_->Notify();
}

void EscalationRuntime::OnMessage(const std::string& topic, std::string_view payload) {
  if (topic != VerdictTopic(o_.device)) return;  // not ours to judge
  auto v = DecodeVerdict(payload);
  if (!v.ok()) {
    Outcome("malformed")->Add();
    LogOnce("malformed", "ignored a malformed verdict: " + v.status().message());
    return;
  }
  if (v->device != o_.device) {
    Outcome("unknown")->Add();
    LogOnce("device", "ignored a verdict for device '" + v->device + "'");
    return;
  }
  ApplyVerdict(*v);
}

void EscalationRuntime::ApplyVerdict(const Verdict& v) {
  const std::string word = VerdictKindName(v.verdict);
  PendingEscalation row;
  auto r = store_->Resolve(v.escalation_id, word, &row);
  if (!r.ok()) {
    LogOnce("store",
            "cannot apply the verdict for " + v.escalation_id + ": " + r.status().message());
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = r.status().message();
    return;
  }
  if (*r == ResolveOutcome::kUnknown) {
    Outcome("unknown")->Add();
    LogOnce("unknown", "ignored a verdict for unknown escalation '" + v.escalation_id + "'");
    return;
  }
  if (*r == ResolveOutcome::kDuplicate) {
    Outcome("duplicate")->Add();
    return;
  }
  const int64_t now = NowMs();
  const int64_t rtt_ms = now - row.created_unix_ms;
  nlohmann::json checks = nlohmann::json::array();
  for (const VerdictCheck& c : v.checks) {
    checks.push_back({{"check", c.check},
                      {"model", c.model},
                      {"agreed", c.agreed},
                      {"score", c.score},
                      {"detail", c.detail}});
  }
  const std::string id = row.id + "/verified";
  nlohmann::json ev = {{"v", 1},
                       {"id", id},
                       {"start_id", id},
                       {"device", o_.device},
                       {"stream", row.stream},
                       {"type", "verified"},
                       {"phase", "instant"},
                       {"track_id", row.track_id},
                       {"class_id", row.class_id},
                       {"verdict", word},
                       {"score", v.score},
                       {"checks", checks},
                       {"escalation_id", row.id},
                       {"event_id", row.event_id},
                       {"reason", row.reason},
                       {"attempt", row.attempt},
                       {"worker", v.worker},
                       {"round_trip_ms", rtt_ms},
                       {"t_unix_ms", now}};
  auto seq = outbox_->Append(OutboxKind::kEvent, StreamTopic(o_.device, row.stream, "events"),
                             ev.dump(), id);
  if (!seq.ok()) {
    // The verdict is applied (the row is closed) but its event could not be stored: say so.
    LogOnce("outbox", "cannot commit verified event " + id + ": " + seq.status().message());
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = seq.status().message();
  } else if (publisher_ != nullptr) {
    publisher_->Notify();
  }
  Outcome(word)->Add();
  round_trip_->Observe(static_cast<double>(rtt_ms) / 1000.0);
  Notify({row.stream, row.track_id, row.id, row.event_id, word});
}

nlohmann::json EscalationRuntime::Summary() const {
  nlohmann::json verdicts = nlohmann::json::object();
  for (const char* k : kOutcomes) {
    verdicts[k] = metrics_->CounterValue("edgesight_verdicts_total", {{"outcome", k}});
  }
  const Histogram::Snapshot rt = round_trip_->snapshot();
  nlohmann::json j = {{"committed", committed_->value()},
                      {"resent", resent_->value()},
                      {"expired", expired_->value()},
                      {"dropped", dropped_->value()},
                      {"pending", store_->PendingCount()},
                      {"verdicts", verdicts},
                      {"round_trip_s",
                       {{"count", rt.count},
                        {"p50", rt.count ? rt.Quantile(0.5) : 0.0},
                        {"p99", rt.count ? rt.Quantile(0.99) : 0.0}}}};
  std::lock_guard<std::mutex> lock(mu_);
  if (!last_error_.empty()) j["last_error"] = last_error_;
  return j;
}

}  // namespace es
