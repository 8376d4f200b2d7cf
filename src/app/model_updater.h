// ModelUpdater: model updates on a running `edgesight run` — a bundle dropped into the inbox is
// verified, installed, shadowed on live frames beside the active model, promoted with a hot
// swap or rejected, and watched after promotion (rolled back on a regression). docs/models.md.
//
// Contract
// - StartupModel(): with models.store set and an active model in it, the detector options the
//   device starts with (type onnx, the model's file, head and input size); otherwise the
//   configured ones. A store whose active model fails its checksums is an error (exit 2).
// - One thread; every poll_s it takes the first *.esm file (by name) in the inbox whose size has
//   not changed since the previous poll (a file still being copied in is left for later), and:
//   1. verifies it (trusted_keys) and installs it into the store (not active): failures are a
//      `rejected` event with the one-line reason, and change nothing;
//   2. loads the candidate (one instance, off the detection threads): a model that does not
//      load is rejected;
//   3. shadow: through the detection service's tap, at most one live frame per shadow_period_s
//      (copied, then the tap returns) is run through the candidate; models/canary.h decides
//      after shadow_frames frames (agreement F1 with the active model, run p99 ratio, a
//      candidate that finds nothing; with escalation, agreement with the backend's verdicts on
//      the objects the active model escalated meanwhile: app/verdict_shadow.h), or rejects
//      after shadow_timeout_s;
//   4. promotion: one instance per detection worker is loaded, swapped in between runs
//      (DetectionService::ReplaceShared: no request lost), and the store's active model set;
//   5. watch: the promoted model's next watch_frames runs (and the verdicts on its
//      escalations); a regression (canary) rolls back to the previous model the same way (store
//      rollback, hot swap).
//   The bundle file then moves to inbox/processed/ (accepted or not; rejected ones to
//   inbox/rejected/), so it is looked at once. A bundle of the model in use is only moved (a
//   retained MQTT bundle comes again on every connection).
// - Every step is an event {"v":1,"id":"<device>/model/<n>","type":"model","action":
//   "received|rejected|promoted|rolled_back","model":"name@version","bundle_sha256":"<hex of
//   the bundle file>","reason",...figures}
//   committed to the outbox (topic edgesight/v1/<device>/device/events, stream "device") when
//   there is one, a log line, and a counter edgesight_model_updates_total{action}; the model in
//   use is the gauge edgesight_model_info{model}.
// - Stop() ends the thread (a shadow in progress is abandoned: the active model stays).
// Thread-safety: Start/Stop/Summary from the main thread; the updater thread owns the rest.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "app/escalation_runtime.h"
#include "core/metrics_registry.h"
#include "detect/detector_options.h"
#include "http/http_server.h"
#include "models/model_store.h"
#include "models/model_update_options.h"
#include "schedule/detection_service.h"
#include "uplink/mqtt_publisher.h"
#include "uplink/outbox.h"

namespace es {

// "edgesight/v1/<device>/models": where a backend (or an operator) publishes bundles for the
// device (QoS 1; the payload is the bundle file). Retained is fine: a bundle of the model in use
// is skipped.
std::string ModelsTopic(const std::string& device);

class ModelUpdater {
 public:
  struct Deps {
    DetectionService* service = nullptr;
    DetectorOptions worker;  // options of one detection worker (threads already divided)
    int workers = 1;
    std::string device;
    Outbox* outbox = nullptr;  // may be null
    MqttPublisher* publisher = nullptr;
    MetricsRegistry* metrics = nullptr;
    EscalationRuntime* escalation = nullptr;  // with escalate: verdicts as a second reference
  };

  static Result<DetectorOptions> StartupModel(const ModelUpdateOptions& o, DetectorOptions base);
  static Result<std::unique_ptr<ModelUpdater>> Create(const ModelUpdateOptions& o, Deps deps);
  ~ModelUpdater();

  void Start();
  void Stop();
  // A bundle received over MQTT (ModelsTopic): written into `inbox` atomically (a temporary
  // file renamed to mqtt-<unix ms>-<n>.esm), where the loop takes it like any other. Needs no
  // updater (it may run before one exists); called on the transport thread. Returns the file's
  // name; an inbox that cannot be written is an error (logged: the bundle is dropped); an empty
  // payload (a cleared retained bundle) is ignored ("").
  static Result<std::string> Deliver(const std::string& inbox, std::string_view bundle);
  // A bundle posted to the HTTP API: verified against trusted_keys first (a refused one is a
  // `rejected` event and this error), then delivered into the inbox like an MQTT one. Returns
  // the model id and the inbox file. Thread-safe (the HTTP threads).
  Result<std::pair<std::string, std::string>> Submit(std::string_view bundle);
  // POST /api/models (write access; body: the bundle file, at most models.http_max_bytes):
  // 202 {"model","file"}, 422 {"error"} for a refused bundle, 413 over the limit, 503 when the
  // inbox cannot be written. Only with an inbox.
  void AddRoutes(HttpServer* http);
  nlohmann::json Summary() const;

 private:
  ModelUpdater(ModelUpdateOptions o, Deps d, ModelStore store, std::vector<PublicKey> keys)
      : o_(std::move(o)), d_(std::move(d)), store_(std::move(store)), keys_(std::move(keys)) {}
  void Loop();
  bool Wait(double seconds);  // false when stopping
  void Process(const std::string& path);
  Result<std::vector<std::unique_ptr<Detector>>> Load(const InstalledModel& m, int instances,
                                                      int threads) const;
  void Event(const std::string& action, const std::string& model, nlohmann::json extra);
  void SetInUse(const std::string& model);

  ModelUpdateOptions o_;
  Deps d_;
  ModelStore store_;
  std::vector<PublicKey> keys_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int64_t events_ = 0;
  nlohmann::json counts_ = {{"received", 0}, {"rejected", 0}, {"promoted", 0}, {"rolled_back", 0}};
  std::vector<nlohmann::json> log_;  // the events of this run (summary)
  std::string in_use_;
  std::string bundle_sha256_;  // of the bundle being processed
};

}  // namespace es
