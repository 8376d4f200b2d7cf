#include "app/run_command.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "alarm/alarm_dispatcher.h"
#include "app/alarm_hook.h"
#include "app/armed_hook.h"
#include "app/component_metrics.h"
#include "app/deep_hook.h"
#include "app/escalation_hook.h"
#include "app/escalation_runtime.h"
#include "app/event_log_hook.h"
#include "app/governor_runtime.h"
#include "app/log_line.h"
#include "app/model_updater.h"
#include "app/progress.h"
#include "app/ptz_hook.h"
#include "app/service_notifier.h"
#include "app/source_usage_hook.h"
#include "app/uplink_runtime.h"
#include "core/option_schema.h"
#include "detect/detector.h"
#include "detect/retrying_detector.h"
#include "ops/device_api.h"
#include "ops/event_store_hook.h"
#include "ops/thermal.h"
#include "record/annotated_video_sink.h"
#include "record/recorder_hook.h"
#include "schedule/detection_service.h"
#include "schedule/fallback_client.h"
#include "source/ffmpeg_source.h"
#include "source/video_source.h"
#include "uplink/remote_detector.h"
#include "uplink/verdict_message.h"

namespace es {
namespace {

// What every camera of the device shares: one model, one outbox and broker connection, one
// alarm dispatcher.
struct Device {
  std::string id;
  MetricsRegistry metrics;  // live, per camera; outlives the pipelines
  std::unique_ptr<UplinkRuntime> uplink;
  std::shared_ptr<AlarmDispatcher> alarms;
  std::unique_ptr<EscalationRuntime> escalation;      // when a camera escalates
  std::atomic<EscalationRuntime*> verdicts{nullptr};  // where received verdicts go
  std::string model;                                  // the edge detector's id
  std::unique_ptr<DetectionService> detection;
  std::unique_ptr<ModelUpdater> models;    // model updates (models.store), after the service
  std::unique_ptr<RemoteDetector> remote;  // cloud-fallback, when a camera has it
  std::map<std::string, FallbackMetrics> fallback;  // by camera id, cameras with fallback
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> shed;  // the governor's, by camera
  std::map<std::string, std::shared_ptr<LiveCameraConfig>> live;   // by camera id
  std::map<std::string, std::shared_ptr<LiveView>> views;          // by camera id, with http
  std::shared_ptr<EventStore> events;                              // with http
  bool credentials_refused = false;  // a PTZ head refused them (the uplink says it itself)
  std::map<std::string, std::shared_ptr<LensPair>> lens_pairs;  // by the wide camera's id
  // Last, so it stops first: its routes read everything above.
  std::unique_ptr<HttpServer> http;
};

// The dual-lens link of a camera with a role (wide: its own id, ptz: its partner's).
std::shared_ptr<LensPair> LensPairOf(const SiteCamera& cam, Device* dev) {
  if (cam.role.empty()) return nullptr;
  auto& pair = dev->lens_pairs[cam.role == "wide" ? cam.id : cam.pair];
  if (!pair) pair = std::make_shared<LensPair>();
  return pair;
}

// Decision hooks, in order: the recorder names clips, the outbox commits the events (with their
// clip) and crops, the source usage is accounted, then local alarms and the PTZ linkage react.
Status AddDecisionHooks(const AppConfig& c, Device* dev, std::shared_ptr<LensPair> lens,
                        PipelineParts* parts) {
  const std::string& stream = c.source.stream_id;
  // One packet callback (capture thread) feeds the recorder's ring and the source accounting.
  std::vector<PacketCallback> packet_consumers;
  if (!c.recording.dir.empty()) {
    auto recorder = Recorder::Create(c.recording, stream);
    if (!recorder.ok()) return recorder.status();
    std::shared_ptr<Recorder> rec = std::move(recorder).value();
    RegisterRecorderMetrics(&dev->metrics, stream, rec);
    packet_consumers.push_back(
        [rec](const AVPacket& p, const AVStream& st) { rec->OnPacket(p, st); });
    parts->hooks.push_back(std::make_unique<RecorderHook>(rec));
  }
  if (dev->uplink) {
    auto hook = dev->uplink->MakeHook(stream);
    if (!hook.ok()) return hook.status();
    parts->hooks.push_back(std::move(hook).value());
    auto usage = std::make_unique<SourceUsageHook>(dev->uplink->outbox(), stream);
    SourceUsageHook* u = usage.get();
    packet_consumers.push_back([u](const AVPacket& p, const AVStream& st) { u->OnPacket(p, st); });
    parts->hooks.push_back(std::move(usage));
  }
  if (auto* ff = dynamic_cast<FfmpegSource*>(parts->source.get());
      ff && !packet_consumers.empty()) {
    ff->SetPacketCallback(
        [consumers = std::move(packet_consumers)](const AVPacket& p, const AVStream& st) {
          for (const auto& consume : consumers) consume(p, st);
        });
  }
  // Escalation after the outbox commit (the track's start event is durable before its
  // escalation names it), before alarms (which may wait for its verdict).
  if (c.escalate.enabled && dev->escalation) {
    parts->hooks.push_back(
        std::make_unique<EscalationHook>(dev->escalation.get(), dev->uplink->outbox(), c.escalate,
                                         stream, dev->model, c.uplink.crop_max_side));
  }
  // Deep analysis (pose on persons in the watched zones) after the outbox commits the zone
  // episodes its pose events name; it never waits for the model.
  if (c.deep.enabled) {
    std::set<std::string> zones(c.deep.zones.begin(), c.deep.zones.end());
    if (zones.empty()) {
      for (const ZoneOptions& z : c.analytics.zones) {
        if (z.armed) zones.insert(z.name);
      }
    }
    ES_ASSIGN_OR_RETURN(
        auto deep,
        DeepHook::Create(c.deep, std::move(zones), dev->id, stream,
                         dev->uplink ? dev->uplink->outbox() : nullptr,
                         dev->uplink ? dev->uplink->publisher() : nullptr, &dev->metrics));
    parts->hooks.push_back(std::move(deep));
  }
  if (dev->alarms) parts->hooks.push_back(std::make_unique<AlarmHook>(dev->alarms, 5.0));
  // PTZ last: it only reads the tracks. A bad calibration file fails here (exit 2); a head
  // that is down or refuses the credentials does not (the hook reports it in the summary).
  if (!c.ptz.driver.empty()) {
    auto ptz = PtzHook::Create(c.ptz);
    if (!ptz.ok()) return ptz.status();
    if ((*ptz)->credentials_refused()) dev->credentials_refused = true;
    if (lens) (*ptz)->SetLensPair(std::move(lens));
    RegisterPtzMetrics(&dev->metrics, stream, (*ptz)->linkage());
    parts->hooks.push_back(std::move(ptz).value());
  }
  return Status::Ok();
}

// With several cameras, an output path that more than one camera would write gets the camera id
// before its extension: ev.jsonl -> ev.gate.jsonl.
std::string CameraOutputPath(const std::string& path, const std::string& id, bool shared) {
  if (path.empty() || !shared) return path;
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return path + "." + id;
  }
  return path.substr(0, dot) + "." + id + path.substr(dot);
}

Status AddSinks(const OutputOptions& o, PipelineParts* parts) {
  if (!o.events_out.empty()) {
    ES_ASSIGN_OR_RETURN(auto sink, MakeJsonLinesSink(o.events_out));
    parts->sinks.push_back(std::move(sink));
  }
  if (!o.annotate.empty()) {
    ES_ASSIGN_OR_RETURN(auto sink, MakeAnnotatedVideoSink(o.annotate, o.trail_length));
    parts->sinks.push_back(std::move(sink));
  }
  return Status::Ok();
}

// pipeline.queue_policy auto: a live source (RTSP, or a file paced like a camera) drops the
// oldest frame when the detector falls behind; a file read as fast as possible blocks, so
// every frame is processed.
std::string ResolveQueuePolicy(const AppConfig& c) {
  if (c.pipeline.queue_policy != "auto") return c.pipeline.queue_policy;
  const bool live = c.source.uri.rfind("rtsp://", 0) == 0 || c.source.realtime;
  return live ? "drop_oldest" : "block";
}

// The camera's detection client: the device's detection service, behind cloud-fallback to the
// backend when the camera has `fallback.enabled` (schedule/fallback_client.h).
std::unique_ptr<DetectionClient> FallbackOrLocal(const AppConfig& c, const std::string& camera,
                                                 int index, Device* dev) {
  if (!c.fallback.enabled || !dev->remote) return dev->detection->Client(index);
  const FallbackOptions o = c.fallback;
  FallbackMetrics m = FallbackMetrics::Register(&dev->metrics, camera);
  dev->fallback[camera] = m;
  RemoteDetectFn remote = [link = dev->remote.get(), camera, o, bytes = m.bytes_sent,
                           sent = int64_t{0}](const cv::Mat& bgr,
                                              Timestamp) mutable -> Result<RemoteDetections> {
    RemoteRequest rq;
    rq.stream = camera;
    rq.frame = ++sent;
    rq.timeout = Duration::Seconds(o.timeout_s);
    rq.max_side = o.max_side;
    rq.jpeg_quality = o.jpeg_quality;
    rq.bytes_sent = bytes;
    ES_ASSIGN_OR_RETURN(RemoteAnswer a, link->Detect(bgr, rq));
    return RemoteDetections{std::move(a.detections), a.round_trip, std::move(a.model)};
  };
  auto shed = std::make_shared<std::atomic<bool>>(false);
  dev->shed[camera] = shed;
  return std::make_unique<FallbackClient>(
      dev->detection->Client(index, Duration::Seconds(o.stall_s)), std::move(remote), o, camera, m,
      [](const std::string& line) { LogLine(LogLevel::kWarning, line); }, std::move(shed));
}

nlohmann::json FallbackSummary(const FallbackMetrics& m) {
  const Histogram::Snapshot rt = m.round_trip->snapshot();
  const double mode = m.mode->value();
  return {{"mode", mode == 1   ? "backend"
                   : mode == 2 ? "backend_shed"
                               : "local"},
          {"to_backend", m.to_backend->value()},
          {"to_local", m.to_local->value()},
          {"backend_answered", m.backend_answered->value()},
          {"backend_unanswered", m.backend_unanswered->value()},
          {"local_failures", m.local_failures->value()},
          {"bytes_sent", m.bytes_sent->value()},
          {"round_trip_p50_ms", rt.count ? std::round(rt.Quantile(0.5) * 1e4) / 10 : 0.0},
          {"round_trip_p99_ms", rt.count ? std::round(rt.Quantile(0.99) * 1e4) / 10 : 0.0}};
}

// One camera's pipeline; its detector requests go to the device's detection service.
Result<std::unique_ptr<Pipeline>> BuildCamera(const SiteCamera& cam, bool shared_outputs,
                                              Device* dev) {
  AppConfig c = cam.config;
  c.pipeline.queue_policy = ResolveQueuePolicy(c);
  c.output.events_out = CameraOutputPath(c.output.events_out, cam.id, shared_outputs);
  c.output.annotate = CameraOutputPath(c.output.annotate, cam.id, shared_outputs);
  PipelineParts parts;
  parts.metrics = &dev->metrics;
  parts.camera = cam.id;
  ES_ASSIGN_OR_RETURN(parts.source, MakeSource(c.source));
  std::unique_ptr<Detector> own;
  if (c.detector.type == "motion") {  // background models are per camera
    ES_ASSIGN_OR_RETURN(own, MakeDetector(c.detector));
  }
  auto live = std::make_shared<LiveCameraConfig>(cam.config);
  dev->live[cam.id] = live;
  const int index =
      dev->detection->AddCamera(cam.id, ScheduleOf(*live->slot()->Load()), std::move(own));
  parts.detect =
      std::make_unique<DetectStage>(FallbackOrLocal(c, cam.id, index, dev), live->slot());
  parts.track = std::make_unique<TrackStage>(c.tracker);
  std::shared_ptr<EventIdSource> ids = std::make_shared<InMemoryEventIdSource>();
  if (dev->uplink) ids = dev->uplink->IdsFor(cam.id);
  ES_ASSIGN_OR_RETURN(Analyzer analyzer, Analyzer::Create(c.analytics, dev->id, cam.id, ids));
  parts.analytics = std::make_unique<AnalyticsStage>(std::move(analyzer));
  std::shared_ptr<LensPair> lens = LensPairOf(cam, dev);
  if (cam.role == "ptz") {  // first, so the recorder and the outbox see its events
    parts.hooks.push_back(std::make_unique<PtzConfirmHook>(lens, ids, dev->id, cam.id));
  }
  ES_RETURN_IF_ERROR(AddDecisionHooks(c, dev, cam.role == "wide" ? lens : nullptr, &parts));
  if (dev->events) {  // after the outbox: delivery first, the local copy second
    ES_ASSIGN_OR_RETURN(auto hook,
                        MakeEventStoreHook(dev->events, dev->id, c.uplink.crop_max_side));
    parts.hooks.push_back(std::move(hook));
  }
  if (StderrIsJournal()) parts.hooks.push_back(std::make_unique<EventLogHook>());
  // Last: it only steers the scheduler, after the events are committed.
  std::set<std::string> armed;
  for (const ZoneOptions& z : c.analytics.zones) {
    if (z.armed) armed.insert(z.name);
  }
  if (!armed.empty()) {
    DetectionService* service = dev->detection.get();
    parts.hooks.push_back(std::make_unique<ArmedHook>(
        std::move(armed), [service, index](bool on) { service->SetArmed(index, on); }));
  }
  ES_RETURN_IF_ERROR(AddSinks(c.output, &parts));
  if (!c.http.listen.empty()) {
    auto view = std::make_shared<LiveView>(cam.id, c.http.live_fps, c.http.live_max_width,
                                           c.analytics.zones);
    dev->views[cam.id] = view;
    parts.sinks.push_back(MakeLiveViewSink(std::move(view)));
  }
  return std::make_unique<Pipeline>(std::move(parts), c.pipeline);
}

// The device-wide parts, from the first camera's config (device-wide sections are the same in
// every camera's config: site_config.h).
// detector.workers 0 (auto): one model instance per camera up to detector.threads, which the
// instances share, so a single camera keeps every thread in one run.
DetectorOptions WorkerOptions(DetectorOptions o, size_t cameras) {
  if (o.workers == 0) o.workers = std::max(1, std::min(o.threads, static_cast<int>(cameras)));
  if (o.workers > 1) o.threads = std::max(1, o.threads / o.workers);
  return o;
}

// Cloud-fallback's link to the backend (needs the broker of uplink.mqtt).
Status OpenRemoteDetector(const AppConfig& c, Device* dev) {
  if (c.uplink.mqtt.empty()) {
    return InvalidArgument("fallback.enabled needs a broker: set uplink.mqtt (or --mqtt)");
  }
  ES_ASSIGN_OR_RETURN(MosquittoOptions mqtt, BrokerOptions(c.uplink));
  RemoteDetectorOptions ro;
  ro.device = dev->id;
  ES_ASSIGN_OR_RETURN(dev->remote, RemoteDetector::Create(std::move(mqtt), ro));
  return dev->remote->Start();
}

// A model that does not load is fatal, unless a camera can detect on the backend meanwhile:
// then the device starts, and the model is tried again every fallback.probe_s.
Result<std::unique_ptr<Detector>> MakeWorkerDetector(const DetectorOptions& o,
                                                     const FallbackOptions& fallback,
                                                     bool any_fallback) {
  Result<std::unique_ptr<Detector>> d = MakeDetector(o);
  if (d.ok() || !any_fallback) return d;
  const StatusCode code = d.status().code();
  if (code != StatusCode::kNotFound && code != StatusCode::kDataLoss) return d;
  LogLine(LogLevel::kWarning, "detector: " + d.status().ToString() +
                                  "; cameras with fallback detect on edgesight-backend until it "
                                  "loads (tried again every " +
                                  FormatNumber(fallback.probe_s) + " s)");
  return std::unique_ptr<Detector>(
      std::make_unique<RetryingDetector>(o, d.status(), Duration::Seconds(fallback.probe_s)));
}

Status OpenDevice(const AppConfig& c, size_t cameras, bool escalate, bool fallback, Device* dev) {
  // Received messages: model bundles straight into the updater's inbox (from the first
  // connection on: a retained bundle is not missed), verdicts to the escalation runtime once it
  // exists.
  std::vector<MqttSubscription> subscriptions;
  if (escalate) subscriptions.push_back({VerdictTopic(dev->id), c.uplink.verdict_qos});
  const std::string inbox = c.models.store.empty() ? "" : c.models.inbox;
  if (!inbox.empty()) subscriptions.push_back({ModelsTopic(dev->id), 1});
  auto router = [esc = &dev->verdicts, inbox, topic = ModelsTopic(dev->id)](
                    const std::string& t, std::string_view payload) {
    if (t == topic) {
      if (!inbox.empty()) (void)ModelUpdater::Deliver(inbox, payload);  // it logs a failure
    } else if (EscalationRuntime* e = esc->load()) {
      e->OnMessage(t, payload);
    }
  };
  ES_ASSIGN_OR_RETURN(dev->uplink, UplinkRuntime::Open(c.uplink, dev->id, subscriptions, router));
  if (escalate) {
    if (!dev->uplink) {
      return InvalidArgument(
          "escalate.enabled needs the outbox: set uplink.outbox (or uplink.mqtt / --mqtt)");
    }
    EscalationRuntimeOptions eo;
    eo.device = dev->id;
    ES_ASSIGN_OR_RETURN(dev->escalation,
                        EscalationRuntime::Open(dev->uplink->outbox(), dev->uplink->publisher(),
                                                &dev->metrics, eo));
    dev->verdicts = dev->escalation.get();
  }
  std::vector<std::unique_ptr<Detector>> workers;  // one model instance per parallel run
  DetectorOptions each;
  if (c.detector.type != "motion") {
    // With a model store, the device starts on its active model (model updates).
    ES_ASSIGN_OR_RETURN(DetectorOptions configured,
                        ModelUpdater::StartupModel(c.models, c.detector));
    each = WorkerOptions(configured, cameras);
    for (int w = 0; w < each.workers; ++w) {
      ES_ASSIGN_OR_RETURN(std::unique_ptr<Detector> d,
                          MakeWorkerDetector(each, c.fallback, fallback));
      workers.push_back(std::move(d));
    }
  }
  if (fallback) ES_RETURN_IF_ERROR(OpenRemoteDetector(c, dev));
  const Detector* shared = workers.empty() ? nullptr : workers.front().get();
  RegisterThermalMetrics(&dev->metrics);
  dev->metrics.GetGauge("edgesight_build_info", "edgesight's version", {{"version", "0.1.0"}})
      ->Set(1);
  dev->model = shared ? shared->name() : c.detector.type;
  dev->metrics.GetGauge("edgesight_model_info", "the detector in use", {{"model", dev->model}})
      ->Set(1);
  if (!c.http.listen.empty()) {  // bound now: a taken port fails before any camera starts
    ES_ASSIGN_OR_RETURN(dev->http, HttpServer::Bind(c.http));
    EventStoreOptions eo;
    eo.path = c.http.events_db;
    eo.max_events = c.http.events_max;
    eo.max_age_s = c.http.events_max_age_s;
    ES_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> events, EventStore::Open(eo));
    dev->events = std::move(events);
  }
  dev->detection = std::make_unique<DetectionService>(std::move(workers), SchedulerOptions{});
  if (!c.models.store.empty() && c.detector.type != "motion") {
    ModelUpdater::Deps deps;
    deps.service = dev->detection.get();
    deps.worker = WorkerOptions(c.detector, cameras);  // a rollback's last resort: the config's
    deps.worker.threads = each.threads;
    deps.workers = each.workers;
    deps.device = dev->id;
    deps.outbox = dev->uplink ? dev->uplink->outbox() : nullptr;
    deps.publisher = dev->uplink ? dev->uplink->publisher() : nullptr;
    deps.metrics = &dev->metrics;
    deps.escalation = dev->escalation.get();
    ES_ASSIGN_OR_RETURN(dev->models, ModelUpdater::Create(c.models, std::move(deps)));
  }
  if (!c.alarm.rules.empty()) {
    ES_ASSIGN_OR_RETURN(std::unique_ptr<AlarmDispatcher> alarms, AlarmDispatcher::Create(c.alarm));
    dev->alarms = std::move(alarms);
    RegisterAlarmMetrics(&dev->metrics, dev->alarms);
  }
  if (dev->escalation) {
    // Verdicts (and expiries) resolve alarms waiting for them (alarm.rules[].when: verified).
    std::weak_ptr<AlarmDispatcher> alarms = dev->alarms;
    dev->escalation->SetListener([alarms](const VerdictNotice& n) {
      if (auto a = alarms.lock()) a->OnVerdict(n.stream, n.track_id, n.outcome);
    });
    dev->escalation->Start();
  }
  return Status::Ok();
}

nlohmann::json ScheduleSummary(const DetectionService& service, int cam,
                               const CameraSettingsSlot& settings) {
  const CameraScheduleStats st = service.stats(cam);
  const std::shared_ptr<const CameraSettings> p = settings.Load();
  return {{"settings_version", settings.version()},
          {"period_target_s", p->detect_period_s},
          {"achieved_period_s", std::round(st.mean_gap_s * 1000) / 1000},
          {"effective_period_s", p->detect_period_s > 0 ? st.effective_period.seconds() : 0.0},
          {"requests", st.requests},
          {"runs", st.runs},
          {"shed", st.shed},
          {"starved", st.starved},
          {"detector_workers", service.workers()}};
}

// One camera: its own status. Several: ok when every camera is; the first camera's error when
// every camera failed (nothing ran); otherwise ok, and the failed cameras are degraded in the
// summary (SiteRunResult::ToJson).
Status CombinedStatus(const std::vector<RunResult>& cameras) {
  if (cameras.size() == 1) return cameras.front().status;
  for (const RunResult& r : cameras) {
    if (r.status.ok()) return Status::Ok();
  }
  return cameras.front().status;
}

// SIGHUP: the site's configuration again, and its live settings (camera_settings.h) on the
// running cameras. Problems are one line each on stderr; the settings then stay as they were.
void Reload(const SiteReloader& reload, Device* dev) {
  auto next = reload();
  if (!next.ok()) {
    LogLine(LogLevel::kWarning, "reload: " + next.status().ToString() + " (settings unchanged)");
    return;
  }
  for (const SiteCamera& cam : next->cameras) {
    auto it = dev->live.find(cam.id);
    if (it == dev->live.end()) {
      LogLine(LogLevel::kWarning, "reload: camera " + cam.id + " is new; restart to add it");
      continue;
    }
    it->second->Replace(cam.config);
  }
}

// What the operations API and the retained MQTT status read of the running device.
std::shared_ptr<ApiDevice> DeviceView(const SiteConfig& site, const HttpOptions& o, Device* dev) {
  auto api = std::make_shared<ApiDevice>();
  api->id = dev->id;
  api->metrics = &dev->metrics;
  api->detection = dev->detection.get();
  api->outbox = dev->uplink ? dev->uplink->outbox() : nullptr;
  api->detector_stall_s = o.detector_stall_s;
  api->events = dev->events;
  api->web_dir = o.web_dir;
  api->started = SteadyNow();
  for (size_t i = 0; i < site.cameras.size(); ++i) {
    const SiteCamera& cam = site.cameras[i];
    auto view = dev->views.find(cam.id);
    api->cameras.push_back({cam.id, RedactSource(cam.config.source.uri), cam.role,
                            static_cast<int>(i), dev->live.at(cam.id),
                            view == dev->views.end() ? nullptr : view->second,
                            cam.config.recording.dir, cam.config.pipeline.stall_after_s});
  }
  return api;
}

// The readiness in the retained MQTT status, and the operations API on the bound server, from
// now until the run ends.
void ServeDeviceView(const SiteConfig& site, const HttpOptions& o, Device* dev) {
  std::shared_ptr<const ApiDevice> view = DeviceView(site, o, dev);
  if (dev->uplink && dev->uplink->publisher()) {
    dev->uplink->publisher()->SetReadiness(
        [view] { return CheckReadiness(MeasureReadiness(*view)).body; });
    // The model in use, for fleet rollouts (edgesight-backend rollout).
    if (DetectionService* service = dev->detection.get()) {
      dev->uplink->publisher()->SetModel([service] { return service->model_id(); });
    }
  }
  if (!dev->http) return;
  AddDeviceRoutes(view, dev->http.get());
  if (dev->models) dev->models->AddRoutes(dev->http.get());  // POST /api/models
  dev->http->Start();
  LogLine(LogLevel::kInfo, "http: serving on " + dev->http->url());
}

// Runs every pipeline on its own thread until all have ended.
std::vector<RunResult> RunAll(std::vector<std::unique_ptr<Pipeline>>& pipelines, Device* dev,
                              ShutdownSignals* signals, const SiteReloader& reload,
                              ServiceNotifier* notifier) {
  if (signals != nullptr) {
    static constexpr const char* kPhase = "frames in flight, open episodes, the clip being written";
    signals->SetPhase(kPhase);
    signals->OnStop([&pipelines, notifier] {
      notifier->Stopping(kPhase);
      for (auto& p : pipelines) p->Stop();
    });
    if (reload) signals->OnReload([&reload, dev] { Reload(reload, dev); });
  }
  std::vector<RunResult> results(pipelines.size());
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < pipelines.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = pipelines[i]->Run(); });
    }
  }
  if (signals != nullptr) {  // the pipelines are about to go away
    signals->OnStop({});
    signals->OnReload({});
  }
  return results;
}

}  // namespace

SiteRunResult RunSite(const SiteConfig& site, const std::string& device, ShutdownSignals* signals,
                      const SiteReloader& reload, bool progress) {
  SiteRunResult out;
  Device dev;
  dev.id = device;
  const AppConfig& first = site.cameras.front().config;
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  const bool escalate = std::any_of(site.cameras.begin(), site.cameras.end(),
                                    [](const SiteCamera& c) { return c.config.escalate.enabled; });
  const bool fallback = std::any_of(site.cameras.begin(), site.cameras.end(),
                                    [](const SiteCamera& c) { return c.config.fallback.enabled; });
  Status built = OpenDevice(first, site.cameras.size(), escalate, fallback, &dev);
  for (size_t i = 0; built.ok() && i < site.cameras.size(); ++i) {
    auto p = BuildCamera(site.cameras[i], site.cameras.size() > 1, &dev);
    if (!p.ok()) {
      built = site.cameras.size() > 1 ? p.status().WithContext("camera " + site.cameras[i].id)
                                      : p.status();
    } else {
      pipelines.push_back(std::move(p).value());
    }
  }
  if (!built.ok()) {
    out.status = built;
    return out;
  }
  dev.detection->RegisterMetrics(&dev.metrics);
  if (dev.uplink) dev.uplink->RegisterMetrics(&dev.metrics);
  dev.detection->Start();
  if (dev.models) dev.models->Start();
  ServeDeviceView(site, first.http, &dev);
  std::vector<std::string> ids;
  for (const SiteCamera& cam : site.cameras) ids.push_back(cam.id);
  ProgressReporter reporter(&dev.metrics, ids);
  if (progress) reporter.Start();
  std::unique_ptr<GovernorRuntime> governor;
  if (first.governor.enabled) {
    std::vector<GovernorRuntime::Camera> governed;
    for (size_t i = 0; i < site.cameras.size(); ++i) {
      const std::string& id = site.cameras[i].id;
      auto shed = dev.shed.find(id);
      governed.push_back({id, static_cast<int>(i), dev.live.at(id),
                          shed == dev.shed.end() ? nullptr : shed->second});
    }
    governor = std::make_unique<GovernorRuntime>(first.governor, std::move(governed),
                                                 dev.detection.get(), &dev.metrics);
    governor->Start();
  }
  // systemd (Type=notify): ready now; the watchdog is fed while the shared detector moves.
  ServiceNotifier notifier([&dev, stall_s = first.http.detector_stall_s]() -> std::string {
    const double waited = dev.detection->OldestWait(SteadyNow()).seconds();
    if (waited <= stall_s) return "";
    return "the detector is stuck: a request has waited " + std::to_string(waited) +
           " s (http.detector_stall_s " + std::to_string(stall_s) + ")";
  });
  notifier.Ready(std::to_string(pipelines.size()) + " camera(s) running");
  out.cameras = RunAll(pipelines, &dev, signals, reload, &notifier);
  if (governor) governor->Stop();
  reporter.Stop();
  if (dev.remote) dev.remote->Stop();
  if (dev.models) {
    dev.models->Stop();
    out.models = dev.models->Summary();
  }
  dev.detection->Stop();
  for (size_t i = 0; i < out.cameras.size(); ++i) {
    RunResult& r = out.cameras[i];
    r.summary.source = site.cameras[i].config.source.uri;
    r.summary.stream = site.cameras[i].id;
    r.summary.hooks.emplace_back("schedule",
                                 ScheduleSummary(*dev.detection, static_cast<int>(i),
                                                 *dev.live.at(site.cameras[i].id)->slot()));
    if (governor)
      r.summary.hooks.emplace_back("governor", governor->CameraSummary(r.summary.stream));
    if (auto f = dev.fallback.find(r.summary.stream); f != dev.fallback.end()) {
      r.summary.hooks.emplace_back("fallback", FallbackSummary(f->second));
      if (f->second.mode->value() == 1) {
        r.summary.degraded.push_back(
            "fallback: the local detector was not running at the end; frames were detected on "
            "edgesight-backend");
      }
    }
    if (signals != nullptr && signals->stop_requested()) {
      r.summary.stopped_by = strsignal(signals->signal());
    }
  }
  pipelines.clear();  // joins what the hooks own (recorder, PTZ) before the uplink drains
  dev.alarms.reset();
  if (dev.uplink) {
    if (signals != nullptr) signals->SetPhase("the outbox drain to the broker");
    // A stop leaves the drain at most half the stop budget; what is left stays in the outbox.
    double drain_s = first.uplink.drain_timeout_s;
    if (signals != nullptr && signals->stop_requested()) {
      drain_s = std::min(drain_s, first.pipeline.stop_timeout_s / 2);
    }
    dev.uplink->Finish(drain_s);  // the publisher stops: no verdict arrives after this
    dev.uplink->SetMessageHandler(nullptr);
    out.uplink = dev.uplink->Summary();
    if (dev.escalation) {
      dev.escalation->Stop();
      out.escalation = dev.escalation->Summary();
    }
    if (std::string why = dev.uplink->Degraded(); !why.empty()) out.degraded.push_back(why);
    out.credentials_refused = dev.uplink->credentials_refused();
  }
  out.credentials_refused = out.credentials_refused || dev.credentials_refused;
  out.status = CombinedStatus(out.cameras);
  if (dev.http) {
    for (auto& [id, view] : dev.views) view->Close();  // ends the live streams
    dev.http->Stop();
  }
  return out;
}

RunResult SingleCameraResult(SiteRunResult site, const AppConfig& c) {
  RunResult r;
  if (!site.cameras.empty()) r = std::move(site.cameras.front());
  r.summary.source = c.source.uri;
  if (!site.uplink.is_null()) r.summary.hooks.emplace_back("uplink", site.uplink);
  if (!site.escalation.is_null()) r.summary.hooks.emplace_back("escalation", site.escalation);
  if (!site.models.is_null()) r.summary.hooks.emplace_back("models", site.models);
  for (auto& why : site.degraded) r.summary.degraded.push_back(std::move(why));
  r.status = site.status;
  if (!r.status.ok()) r.summary.status = r.status.ToString();
  return r;
}

RunResult BuildAndRun(const AppConfig& c, const std::string& device, ShutdownSignals* signals,
                      const SiteReloader& reload) {
  return SingleCameraResult(RunSite(SingleCameraSite(c), device, signals, reload), c);
}

}  // namespace es

namespace es {

nlohmann::ordered_json SiteRunResult::ToJson(const std::string& device) const {
  nlohmann::ordered_json j;
  j["device"] = device;
  std::vector<std::string> reasons = degraded;
  auto& cams = j["cameras"] = nlohmann::ordered_json::object();
  for (const RunResult& r : cameras) {
    const std::string id = r.summary.stream;
    cams[id] = r.summary.ToJson();
    if (!r.status.ok()) reasons.push_back(id + ": " + r.status.ToString());
    for (const auto& why : r.summary.degraded) reasons.push_back(id + ": " + why);
  }
  if (!uplink.is_null()) j["uplink"] = uplink;
  if (!escalation.is_null()) j["escalation"] = escalation;
  if (!models.is_null()) j["models"] = models;
  if (!status.ok()) {
    j["status"] = status.ToString();
  } else if (!reasons.empty()) {
    std::string why;
    for (const auto& d : reasons) why += (why.empty() ? "" : "; ") + d;
    j["status"] = "degraded: " + why;
  } else {
    j["status"] = "ok";
  }
  return j;
}

}  // namespace es
