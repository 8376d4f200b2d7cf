#include "app/backend_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <opencv2/core/utils/logger.hpp>
#include <string>

#include "app/exit_codes.h"
#include "app/log_line.h"
#include "app/mqtt_url.h"
#include "app/rollout_command.h"
#include "app/shutdown_signals.h"
#include "backend/backend_api.h"
#include "backend/backend_config.h"
#include "backend/backend_store.h"
#include "backend/backend_worker.h"
#include "backend/frame_detector.h"
#include "core/password_file.h"
#include "detect/pose_estimator.h"
#include "http/http_server.h"

namespace es {
namespace {

struct BackendFlags {
  std::string config;
  std::string mqtt, nats, worker, group, db, http;
  bool keys = false;
};

int Fail(const Status& s) {
  std::cerr << "edgesight-backend: error: " << OneLine(s.message()) << std::endl;
  return ExitCodeFor(s);
}

std::string DefaultWorkerId() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::snprintf(host, 8, "host");
  std::string id = std::string(host) + "-" + std::to_string(getpid());
  for (char& c : id) {
    if (c == '/' || c == '+' || c == '#') c = '_';
  }
  return id;
}

Result<BackendWorkerOptions> WorkerOptions(const BackendConfig& c) {
  BackendWorkerOptions o;
  ES_RETURN_IF_ERROR(ParseMqttUrl(c.mqtt.url, &o.mqtt));
  if (!c.mqtt.password_file.empty()) {
    ES_ASSIGN_OR_RETURN(o.mqtt.password,
                        ReadPasswordFile("mqtt.password_file", c.mqtt.password_file));
  }
  if (!c.mqtt.tls_cafile.empty()) o.mqtt.tls_cafile = c.mqtt.tls_cafile;
  o.group = c.mqtt.group;
  o.nats.url = c.nats.url;
  o.nats.stream = c.nats.stream;
  o.nats.replicas = c.nats.replicas;
  o.nats.ack_wait_s = c.nats.ack_wait_s;
  o.worker = c.mqtt.worker.empty() ? DefaultWorkerId() : c.mqtt.worker;
  o.ingest.max_payload_bytes = c.ingest.max_payload_bytes;
  o.ingest.devices.insert(c.ingest.devices.begin(), c.ingest.devices.end());
  o.ingest.log = [](const std::string& line) { LogLine(LogLevel::kWarning, line); };
  const BackendVerifyConfig& v = c.verify;
  o.verify_enabled = v.enabled;
  o.verify_threads = v.verifiers;
  o.queue_capacity = v.queue;
  o.verify.detector.type = v.model.empty() ? "nanodet" : "onnx";
  o.verify.detector.model = v.model;
  o.verify.detector.format = v.format;
  o.verify.detector.input_size = v.input_size;
  o.verify.detector.threads = v.threads;
  o.verify.detector.workers = 1;
  o.verify.confirm_score = static_cast<float>(v.confirm_score);
  o.verify.reject_score = static_cast<float>(v.reject_score);
  o.verify.min_iou = static_cast<float>(v.min_iou);
  o.verify.min_object_px = static_cast<float>(v.min_object_px);
  o.verify.skip_expired = v.skip_expired;
  o.verify.pose_confirm = static_cast<float>(v.pose_confirm);
  o.verify.pose_reject = static_cast<float>(v.pose_reject);
  if (v.pose && v.enabled) {
    o.verify.pose_model = v.pose_model.empty() ? DefaultPoseModelPath() : v.pose_model;
    if (v.pose_model.empty() && access(o.verify.pose_model.c_str(), R_OK) != 0) {
      LogLine(LogLevel::kWarning, "verify: pose model " + o.verify.pose_model +
                                      " is absent (scripts/fetch_assets.sh): person check off");
      o.verify.pose_model.clear();
    }
  }
  return o;
}

// Cloud-fallback detection (detect section): same broker, group and worker id as the verifier.
FrameDetectorOptions DetectOptions(const BackendConfig& c, const BackendWorkerOptions& w) {
  FrameDetectorOptions o;
  o.mqtt = w.mqtt;
  o.group = w.group;
  o.worker = w.worker;
  const BackendDetectConfig& d = c.detect;
  o.detector.type = d.model.empty() ? "nanodet" : "onnx";
  o.detector.model = d.model;
  o.detector.format = d.format;
  o.detector.input_size = d.input_size;
  o.detector.threads = d.threads;
  o.detector.workers = 1;
  o.detector.score_threshold = static_cast<float>(d.score_threshold);
  o.threads = d.workers;
  o.queue = d.queue;
  o.max_payload_bytes = c.ingest.max_payload_bytes;
  o.devices = c.ingest.devices;
  o.log = [](const std::string& line) { LogLine(LogLevel::kWarning, line); };
  return o;
}

nlohmann::json Summary(const BackendWorker& w, BackendStore* store) {
  const BackendWorkerStats s = w.stats();
  const IngestCounts in = w.ingest_counts();
  nlohmann::json ingest, rejected;
  for (int k = 0; k < kIngestKindCount - 1; ++k) {
    ingest[IngestKindName(static_cast<IngestKind>(k))] = {{"stored", in.stored[k]},
                                                          {"duplicates", in.duplicates[k]}};
  }
  for (int r = 0; r < kRejectReasonCount; ++r) {
    rejected[RejectReasonName(static_cast<RejectReason>(r))] = in.rejected[r];
  }
  nlohmann::json j = {{"ingest", ingest},         {"rejected", rejected},
                      {"verified", s.verified},   {"reanswered", s.reanswered},
                      {"published", s.published}, {"publish_failed", s.publish_failed},
                      {"shed", s.shed},           {"store_errors", s.store_errors},
                      {"connects", s.connects}};
  if (auto c = store->Counts(); c.ok()) {
    j["store"] = {{"events", c->events},
                  {"crops", c->crops},
                  {"escalations", c->escalations},
                  {"verdicts", c->verdicts},
                  {"devices", c->devices}};
  }
  return j;
}

int Serve(const BackendFlags& f) {
  BackendConfig c;
  if (!f.config.empty()) {
    auto loaded = LoadBackendConfig(f.config);
    if (!loaded.ok()) return Fail(loaded.status());
    c = *loaded;
  }
  if (!f.mqtt.empty()) c.mqtt.url = f.mqtt;
  if (!f.nats.empty()) c.nats.url = f.nats;
  if (!f.worker.empty()) c.mqtt.worker = f.worker;
  if (!f.group.empty()) c.mqtt.group = f.group;
  if (!f.http.empty()) c.http.listen = f.http == "off" ? "" : f.http;
  if (!f.db.empty()) c.store.path = f.db;
  // The flags are keys too: the same ranges and rules as in the file.
  if (Status s = CheckBackendConfig(c); !s.ok()) return Fail(s);
  auto options = WorkerOptions(c);
  if (!options.ok()) return Fail(options.status());

  auto store = OpenBackendStore(c.store.path, c.store.busy_timeout_ms);
  if (!store.ok()) {
    // Unreachable database at start: a runtime failure (1), unless the file is not a store.
    const Status& s = store.status();
    if (s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kInvalidArgument) {
      return Fail(s);
    }
    std::cerr << "edgesight-backend: error: " << OneLine(s.message()) << std::endl;
    return kExitRuntime;
  }
  MetricsRegistry metrics;
  auto worker = BackendWorker::Create(*options, store->get(), &metrics);
  if (!worker.ok()) return Fail(worker.status());
  std::unique_ptr<FrameDetector> frames;
  if (c.detect.enabled) {
    auto made = FrameDetector::Create(DetectOptions(c, *options), &metrics);
    if (!made.ok()) return Fail(made.status());
    frames = std::move(made).value();
  }

  std::unique_ptr<HttpServer> http;
  if (!c.http.listen.empty()) {
    HttpOptions ho;
    ho.listen = c.http.listen;
    ho.token_file = c.http.token_file;
    if (Status s = ValidateHttpOptions(ho); !s.ok()) return Fail(s);
    auto bound = HttpServer::Bind(ho);
    if (!bound.ok()) return Fail(bound.status());
    http = std::move(*bound);
    AddBackendRoutes(http.get(), store->get(), worker->get(), &metrics);
  }

  ShutdownSignals signals(Duration::Seconds(30));
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  signals.OnStop([&] {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
    cv.notify_all();
  });
  if (Status s = (*worker)->Start(); !s.ok()) return Fail(s);
  if (frames) {
    if (Status s = frames->Start(); !s.ok()) return Fail(s);
  }
  if (http) http->Start();
  LogLine(LogLevel::kInfo,
          "worker '" + options->worker + "' in group '" + options->group + "': " +
              (c.nats.url.empty() ? "broker " + RedactMqttUrl(c.mqtt.url)
                                  : "nats " + c.nats.url + " stream " + c.nats.stream) +
              ", store " + (*store)->Describe() + (http ? ", http " + http->url() : ""));
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return stop; });
  }
  signals.SetPhase("stopping the backend worker");
  if (http) http->Stop();
  if (frames) frames->Stop();
  (*worker)->Stop();
  nlohmann::json summary = Summary(**worker, store->get());
  if (frames) {
    const FrameDetectorStats fs = frames->stats();
    summary["frames"] = {{"received", fs.received},
                         {"answered", fs.answered},
                         {"expired", fs.expired},
                         {"dropped", fs.dropped},
                         {"rejected", fs.rejected}};
  }
  // One line when stdout is the journal (the service's stop), indented otherwise.
  std::cout << (IsJournalStream(1) ? summary.dump() : summary.dump(2)) << std::endl;
  signals.Disarm();
  return kExitOk;
}

}  // namespace

int BackendMain(int argc, char** argv) {
  BlockShutdownSignals();
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  ConfigureLogging();
  if (argc > 1 && std::string(argv[1]) == "rollout") return RolloutMain(argc - 1, argv + 1);
  CLI::App app{"edgesight-backend: verifies escalations, stores every device's messages"};
  app.set_version_flag("--version", "edgesight-backend 0.1.0");
  BackendFlags f;
  app.add_option("--config", f.config, "backend.yaml (every key optional)");
  app.add_option("--mqtt", f.mqtt, "broker URL (overrides mqtt.url)");
  app.add_option("--nats", f.nats, "NATS JetStream URL(s) instead of MQTT (overrides nats.url)");
  app.add_option("--worker", f.worker, "worker id (overrides mqtt.worker)");
  app.add_option("--group", f.group, "shared-subscription group (overrides mqtt.group)");
  app.add_option("--db", f.db, "store file (overrides store.path)");
  app.add_option("--http", f.http, "HOST:PORT or 'off' (overrides http.listen)");
  app.add_flag("--keys", f.keys, "list every configuration key with its default and exit");
  app.footer("Fleet model rollouts: edgesight-backend rollout --help");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "edgesight-backend: error: " << e.what() << " (see --help)" << std::endl;
    return kExitBadInput;
  }
  if (f.keys) {
    std::cout << DescribeBackendConfig();
    return kExitOk;
  }
  return Serve(f);
}

}  // namespace es
