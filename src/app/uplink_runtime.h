// UplinkRuntime: the outbox and MQTT publisher of one `edgesight run`, set up from UplinkConfig.
//
// Contract
// - Open(): opens (creates) the outbox, and when a broker URL is set builds the publisher and
//   starts it (connecting in the background: a broker that is down is not an error, events wait
//   in the outbox). Bad settings (malformed URL, unreadable password file or CA file, an outbox
//   path in a missing directory, a corrupt outbox) fail here, before any pipeline thread starts,
//   with one-line errors (InvalidArgument / NotFound / DataLoss -> exit 2).
// - One UplinkRuntime per process, shared by every camera: MakeHook(stream) builds the
//   OutboxHook of one camera's pipeline; IdsFor(stream): durable event ids for that camera's
//   analyzer, one counter per stream, shared by restarts of the same device.
// - Finish(drain_timeout_s): waits up to drain_timeout_s (the config's, or less on a stop) for
//   the outbox to empty while connected, then stops
//   the publisher (which publishes the retained "offline" status on its way out); what is
//   left stays in the outbox for the next run. Summary() reports the
//   publisher state, bytes sent and what is left.
// Thread-safety: Open/MakeHook/IdsFor/Finish/Summary from the main thread; each hook runs on
// its camera's track thread (the outbox is thread-safe).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "app/outbox_hook.h"
#include "core/metrics_registry.h"
#include "uplink/mqtt_publisher.h"
#include "uplink/outbox.h"
#include "uplink/outbox_event_id_source.h"
#include "uplink/uplink_config.h"

namespace es {

// The broker connection of uplink.mqtt (URL, user, password file, CA file) as libmosquitto
// options; one-line errors like Open's. Other connections of the device (cloud-fallback's
// remote detector) use the same broker and credentials.
Result<MosquittoOptions> BrokerOptions(const UplinkConfig& config);

class UplinkRuntime {
 public:
  // Null when the config asks for neither an outbox nor a broker.
  // subscriptions: with a broker, made on every connection (the verdicts of escalations, model
  // bundles); what arrives goes to `handler`, set before the first connection (a retained
  // message delivered at once is not missed), or later with SetMessageHandler.
  static Result<std::unique_ptr<UplinkRuntime>> Open(
      const UplinkConfig& config, const std::string& device,
      std::vector<MqttSubscription> subscriptions = {},
      std::function<void(const std::string&, std::string_view)> handler = {});
  ~UplinkRuntime();

  std::shared_ptr<OutboxEventIdSource> IdsFor(const std::string& stream);
  Result<std::unique_ptr<DecisionHook>> MakeHook(const std::string& stream);
  Outbox* outbox() const { return outbox_.get(); }
  MqttPublisher* publisher() const { return publisher_.get(); }
  void Finish(double drain_timeout_s);
  // Receives the subscribed messages on the transport thread (null: dropped). Clear it before
  // what it calls goes away; the publisher's Stop() (Finish) ends every call.
  void SetMessageHandler(std::function<void(const std::string&, std::string_view)> handler);
  nlohmann::json Summary() const;
  // Live figures on `metrics`: outbox depth, oldest age, dropped entries per kind and last
  // write health; with a broker, connection state and payload bytes acknowledged per kind.
  // The callbacks read this runtime: stop every reader of `metrics` before destroying it.
  void RegisterMetrics(MetricsRegistry* metrics);
  // "uplink: never connected to <broker>: <why>" when the publisher never had a connection;
  // "" otherwise (a broker that went away later is store-and-forward, not a degradation).
  std::string Degraded() const;
  // The broker refused our credentials: reported on stderr at once (the run goes on and keeps
  // every event in the outbox); the run then exits 2.
  bool credentials_refused() const { return refused_; }

 private:
  UplinkConfig config_;
  std::string device_;
  std::string broker_;  // redacted URL
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<MqttPublisher> publisher_;
  std::map<std::string, std::shared_ptr<OutboxEventIdSource>> ids_;  // by stream
  int64_t depth_at_finish_ = -1;
  SentBytes sent_at_start_;  // the outbox's acknowledged bytes when this run opened it
  std::atomic<bool> refused_{false};
  std::mutex handler_mu_;
  std::function<void(const std::string&, std::string_view)> handler_;  // guarded by handler_mu_
};

}  // namespace es
