#include "app/uplink_runtime.h"

#include <chrono>
#include <thread>

#include "app/exit_codes.h"
#include "app/mqtt_url.h"
#include "core/password_file.h"
#include "uplink/status_message.h"
#include "uplink/verdict_message.h"

namespace es {

Result<MosquittoOptions> BrokerOptions(const UplinkConfig& config) {
  MosquittoOptions mqtt;
  mqtt.tls_cafile = config.tls_cafile;
  ES_RETURN_IF_ERROR(ParseMqttUrl(config.mqtt, &mqtt));
  if (!config.username.empty()) mqtt.username = config.username;
  if (!config.password_file.empty()) {
    ES_ASSIGN_OR_RETURN(mqtt.password,
                        ReadPasswordFile("uplink.password_file", config.password_file));
  }
  return mqtt;
}

Result<std::unique_ptr<UplinkRuntime>> UplinkRuntime::Open(
    const UplinkConfig& config, const std::string& device,
    std::vector<MqttSubscription> subscriptions,
    std::function<void(const std::string&, std::string_view)> handler) {
  if (config.mqtt.empty() && config.outbox.empty()) return std::unique_ptr<UplinkRuntime>();
  auto rt = std::unique_ptr<UplinkRuntime>(new UplinkRuntime());
  rt->config_ = config;
  rt->device_ = device;
  rt->handler_ = std::move(handler);
  MosquittoOptions mqtt;
  if (!config.mqtt.empty()) {
    ES_ASSIGN_OR_RETURN(mqtt, BrokerOptions(config));
    rt->broker_ = RedactMqttUrl(config.mqtt);
  }
  const std::string path = config.outbox.empty() ? UplinkConfig::kDefaultOutboxPath : config.outbox;
  OutboxOptions oo;
  oo.max_bytes = config.max_outbox_bytes;
  ES_ASSIGN_OR_RETURN(rt->outbox_, Outbox::Open(path, oo));
  ES_ASSIGN_OR_RETURN(rt->sent_at_start_, rt->outbox_->SentTotal());
  if (!config.mqtt.empty()) {
    PublisherOptions po;
    po.device_id = device;
    po.cap_bytes_per_hour = config.cap_bytes_per_hour;
    po.status_interval = Duration::Micros(static_cast<int64_t>(config.status_interval_s * 1e6));
    UplinkRuntime* self = rt.get();
    po.on_refused = [self](const std::string& why) {
      self->refused_ = true;
      ReportError(PermissionDenied(why + "; events stay in the outbox"));
    };
    if (!subscriptions.empty()) {
      mqtt.subscriptions = std::move(subscriptions);
      po.on_message = [self](const std::string& topic, std::string_view payload) {
        std::lock_guard<std::mutex> lock(self->handler_mu_);
        if (self->handler_) self->handler_(topic, payload);
      };
    }
    ES_ASSIGN_OR_RETURN(rt->publisher_, MqttPublisher::Create(rt->outbox_.get(), mqtt, po));
    ES_RETURN_IF_ERROR(rt->publisher_->Start());
  }
  return rt;
}

UplinkRuntime::~UplinkRuntime() {
  if (publisher_) publisher_->Stop();
}

std::shared_ptr<OutboxEventIdSource> UplinkRuntime::IdsFor(const std::string& stream) {
  auto& ids = ids_[stream];
  if (!ids) ids = std::make_shared<OutboxEventIdSource>(outbox_.get(), "event/" + stream);
  return ids;
}

Result<std::unique_ptr<DecisionHook>> UplinkRuntime::MakeHook(const std::string& stream) {
  std::unique_ptr<CropCollector> crops;
  if (config_.crops) {
    CropOptions co;
    co.device = device_;
    co.max_side = config_.crop_max_side;
    ES_ASSIGN_OR_RETURN(crops, CropCollector::Create(outbox_.get(), co, publisher_.get()));
  }
  return std::unique_ptr<DecisionHook>(std::make_unique<OutboxHook>(
      outbox_.get(), publisher_.get(), device_, IdsFor(stream), std::move(crops)));
}

void UplinkRuntime::SetMessageHandler(
    std::function<void(const std::string&, std::string_view)> handler) {
  std::lock_guard<std::mutex> lock(handler_mu_);
  handler_ = std::move(handler);
}

void UplinkRuntime::Finish(double drain_timeout_s) {
  if (publisher_) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(drain_timeout_s);
    while (std::chrono::steady_clock::now() < deadline && outbox_->Depth() > 0 &&
           publisher_->state() != PublisherState::kUnavailable) {
      publisher_->Notify();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    publisher_->Stop();
  }
  depth_at_finish_ = outbox_->Depth();
}

std::string UplinkRuntime::Degraded() const {
  if (!publisher_) return {};
  const PublisherStats st = publisher_->stats();
  if (st.connects > 0) return {};
  return "uplink: never connected to " + broker_ +
         (st.last_error.empty() ? std::string() : ": " + st.last_error);
}

nlohmann::json UplinkRuntime::Summary() const {
  nlohmann::json j;
  j["outbox"] = outbox_->path();
  j["depth"] = depth_at_finish_ >= 0 ? depth_at_finish_ : outbox_->Depth();
  if (publisher_) {
    PublisherStats st = publisher_->stats();
    j["broker"] = broker_;
    j["published"] = st.published;
    j["acked"] = st.acked;
    j["resent"] = st.resent;
    j["connects"] = st.connects;
    if (!st.last_error.empty()) j["last_error"] = st.last_error;
  }
  // Wire bytes the broker acknowledged during this run, counted where `uplink-stats` counts
  // them (the outbox), so the two never disagree.
  if (auto now = outbox_->SentTotal(); now.ok()) {
    j["sent_bytes"] = SentBytesJson(SentSince(*now, sent_at_start_));
  }
  return j;
}

void UplinkRuntime::RegisterMetrics(MetricsRegistry* m) {
  Outbox* box = outbox_.get();
  m->AddCallbackGauge("edgesight_outbox_depth", "entries waiting in the outbox", {},
                      [box] { return static_cast<double>(box->Depth()); });
  m->AddCallbackGauge("edgesight_outbox_oldest_age_seconds",
                      "age of the oldest entry waiting in the outbox", {},
                      [box] { return box->OldestAge().seconds(); });
  m->AddCallbackGauge("edgesight_outbox_write_ok", "1 when the outbox's last write committed", {},
                      [box] { return box->LastWriteError().empty() ? 1.0 : 0.0; });
  for (int k = 0; k < kOutboxKindCount; ++k) {
    const MetricLabels kind = {{"kind", OutboxKindName(static_cast<OutboxKind>(k))}};
    m->AddCallbackCounter("edgesight_outbox_dropped_total",
                          "entries evicted or refused for space (persisted)", kind,
                          [box, k] { return static_cast<double>(box->Stats().dropped[k]); });
  }
  MqttPublisher* pub = publisher_.get();
  if (pub == nullptr) return;
  m->AddCallbackGauge("edgesight_uplink_connected", "1 while connected to the MQTT broker", {},
                      [pub] { return pub->state() == PublisherState::kConnected ? 1.0 : 0.0; });
  for (int k = 0; k < kOutboxKindCount; ++k) {
    const MetricLabels kind = {{"kind", OutboxKindName(static_cast<OutboxKind>(k))}};
    m->AddCallbackCounter("edgesight_uplink_sent_bytes_total",
                          "wire bytes the broker acknowledged (persisted: as uplink-stats)", kind,
                          [box, k] {
                            auto total = box->SentTotal();
                            return total.ok() ? static_cast<double>(total->bytes[k]) : 0.0;
                          });
  }
  m->AddCallbackCounter("edgesight_uplink_acked_total", "outbox entries the broker acknowledged",
                        {}, [pub] { return static_cast<double>(pub->stats().acked); });
}

}  // namespace es
