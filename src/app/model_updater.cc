#include "app/model_updater.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/log_line.h"
#include "app/verdict_shadow.h"
#include "core/bounded_queue.h"
#include "core/text_file.h"
#include "detect/detector.h"
#include "models/canary.h"
#include "models/signing_key.h"

namespace es {
namespace {

namespace fs = std::filesystem;

struct Sample {
  cv::Mat frame;  // empty for watch samples
  std::vector<Detection> detections;
  Duration run;
};

DetectorOptions OptionsFor(const InstalledModel& m, DetectorOptions base) {
  base.type = "onnx";
  base.model = m.model_path;
  base.format = m.manifest.head;
  base.input_size = m.manifest.input_size;
  base.model_classes = m.manifest.classes;  // another class list than COCO's is allowed
  return base;
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

// Tap samples into `queue`: with a frame copy at most one per period (shadow), or every run's
// count and time (watch).
DetectionService::Tap MakeTap(std::shared_ptr<BoundedQueue<Sample>> queue, bool frames,
                              Duration period) {
  auto last = std::make_shared<std::atomic<int64_t>>(INT64_MIN / 2);
  return [queue, frames, period, last](const cv::Mat& img, const std::vector<Detection>& d,
                                       Duration run) {
    if (frames) {
      const int64_t now = SteadyNow().us;
      int64_t seen = last->load();
      if (now - seen < period.us || !last->compare_exchange_strong(seen, now)) return;
      queue->Offer(Sample{img.clone(), d, run});
    } else {
      queue->Offer(Sample{cv::Mat(), d, run});
    }
  };
}

}  // namespace

std::string ModelsTopic(const std::string& device) { return "edgesight/v1/" + device + "/models"; }

Result<std::string> ModelUpdater::Deliver(const std::string& inbox, std::string_view bundle) {
  if (bundle.empty()) return std::string();  // a retained bundle cleared (an aborted rollout)
  static std::atomic<int64_t> delivered{0};
  const std::string name =
      "mqtt-" + std::to_string(WallNowMicros() / 1000) + "-" + std::to_string(++delivered) + ".esm";
  const auto failed = [&](const std::string& why) {
    LogLine(LogLevel::kWarning,
            "models: cannot write a received bundle into " + inbox + ": " + why);
    return Unavailable("models.inbox " + inbox + ": " + why);
  };
  std::error_code ec;
  fs::create_directories(inbox, ec);
  const fs::path tmp = fs::path(inbox) / ("." + name + ".part");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bundle.data(), static_cast<std::streamsize>(bundle.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return failed(std::strerror(errno));
    }
  }
  fs::rename(tmp, fs::path(inbox) / name, ec);  // the loop sees it whole or not at all
  if (ec) {
    fs::remove(tmp, ec);
    return failed(ec.message());
  }
  return name;
}

Result<std::pair<std::string, std::string>> ModelUpdater::Submit(std::string_view bundle) {
  Result<Bundle> b = DecodeBundle(bundle, keys_);
  if (!b.ok()) {
    Event("rejected", "http",
          {{"reason", b.status().message()}, {"bundle_sha256", Sha256Hex(bundle)}});
    return b.status();
  }
  ES_ASSIGN_OR_RETURN(std::string file, Deliver(o_.inbox, bundle));
  return std::pair<std::string, std::string>(ModelId(b->manifest), file);
}

void ModelUpdater::AddRoutes(HttpServer* http) {
  if (o_.inbox.empty() || http == nullptr) return;
  http->Route(
      "POST", "/api/models", HttpAccess::kWrite,
      [this](const httplib::Request& req, httplib::Response& res) {
        auto taken = Submit(req.body);
        if (!taken.ok()) {
          return JsonError(res, taken.status().code() == StatusCode::kUnavailable ? 503 : 422,
                           taken.status().message());
        }
        res.status = 202;
        res.set_content(nlohmann::json{{"model", taken->first}, {"file", taken->second}}.dump(),
                        "application/json");
      },
      o_.http_max_bytes);
}

Result<DetectorOptions> ModelUpdater::StartupModel(const ModelUpdateOptions& o,
                                                   DetectorOptions base) {
  if (o.store.empty()) return base;
  ES_ASSIGN_OR_RETURN(ModelStore store, ModelStore::Open(o.store));
  ES_ASSIGN_OR_RETURN(std::optional<InstalledModel> active, store.Active());
  if (!active) return base;
  return OptionsFor(*active, base);
}

Result<std::unique_ptr<ModelUpdater>> ModelUpdater::Create(const ModelUpdateOptions& o, Deps deps) {
  ES_ASSIGN_OR_RETURN(ModelStore store, ModelStore::Open(o.store));
  std::vector<PublicKey> keys;
  for (const std::string& path : o.trusted_keys) {
    auto k = ReadPublicKey(path);
    if (!k.ok()) return k.status().WithContext("models.trusted_keys");
    keys.push_back(*k);
  }
  if (!o.inbox.empty()) {
    std::error_code ec;
    fs::create_directories(o.inbox, ec);
    if (ec) return Unavailable("models.inbox " + o.inbox + ": " + ec.message());
  }
  auto u = std::unique_ptr<ModelUpdater>(
      new ModelUpdater(o, std::move(deps), std::move(store), std::move(keys)));
  auto active = u->store_.Active();
  u->SetInUse(active.ok() && *active ? (*active)->id : u->d_.service->shared_name());
  if (active.ok() && *active) u->d_.service->SetModelId((*active)->id);  // events name it
  return u;
}

ModelUpdater::~ModelUpdater() { Stop(); }

void ModelUpdater::Start() {
  if (o_.inbox.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ModelUpdater::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (d_.service) d_.service->SetTap(nullptr);
  if (d_.escalation) d_.escalation->SetTap(nullptr);
}

bool ModelUpdater::Wait(double seconds) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return stop_; });
  return !stop_;
}

void ModelUpdater::SetInUse(const std::string& model) {
  std::lock_guard lock(mu_);
  if (d_.metrics && !in_use_.empty()) {
    d_.metrics
        ->GetGauge("edgesight_model_in_use", "the detection model in use", {{"model", in_use_}})
        ->Set(0);
  }
  in_use_ = model;
  if (d_.metrics) {
    d_.metrics->GetGauge("edgesight_model_in_use", "the detection model in use", {{"model", model}})
        ->Set(1);
  }
}

void ModelUpdater::Event(const std::string& action, const std::string& model,
                         nlohmann::json extra) {
  const int64_t now_ms = WallNowMicros() / 1000;
  nlohmann::json ev;
  {
    std::lock_guard lock(mu_);
    ev = {{"v", 1},
          {"id", d_.device + "/model/" + std::to_string(now_ms) + "-" + std::to_string(++events_)},
          {"device", d_.device},
          {"stream", "device"},
          {"type", "model"},
          {"phase", "instant"},
          {"action", action},
          {"model", model},
          {"t_unix_ms", now_ms}};
    ev["start_id"] = ev["id"];
    if (!bundle_sha256_.empty()) ev["bundle_sha256"] = bundle_sha256_;
    for (auto& [k, v] : extra.items()) ev[k] = v;
    counts_[action] = counts_[action].get<int>() + 1;
    log_.push_back(ev);
  }
  if (d_.metrics) {
    d_.metrics
        ->GetCounter("edgesight_model_updates_total", "model update steps, by action",
                     {{"action", action}})
        ->Add();
  }
  std::string line = "models: " + model + ": " + action;
  if (ev.contains("reason")) line += " (" + ev["reason"].get<std::string>() + ")";
  LogLine(action == "rejected" || action == "rolled_back" ? LogLevel::kWarning : LogLevel::kInfo,
          line);
  if (d_.outbox) {
    auto seq = d_.outbox->Append(OutboxKind::kEvent, "edgesight/v1/" + d_.device + "/device/events",
                                 ev.dump(), ev["id"].get<std::string>());
    if (seq.ok() && d_.publisher) d_.publisher->Notify();
  }
}

Result<std::vector<std::unique_ptr<Detector>>> ModelUpdater::Load(const InstalledModel& m,
                                                                  int instances,
                                                                  int threads) const {
  DetectorOptions o = OptionsFor(m, d_.worker);
  o.threads = threads;
  o.workers = 1;
  std::vector<std::unique_ptr<Detector>> out;
  for (int i = 0; i < instances; ++i) {
    ES_ASSIGN_OR_RETURN(std::unique_ptr<Detector> d, MakeDetector(o));
    out.push_back(std::move(d));
  }
  return out;
}

void ModelUpdater::Loop() {
  // A file is taken once its size was the same at two polls in a row: one still being copied
  // into the inbox is not read half-written.
  std::map<std::string, uintmax_t> sizes;
  while (Wait(o_.poll_s)) {
    std::map<std::string, uintmax_t> now;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(o_.inbox, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".esm") {
        now[e.path().string()] = e.file_size(ec);
      }
    }
    std::string stable;
    for (const auto& [path, size] : now) {  // in name order
      auto before = sizes.find(path);
      if (before != sizes.end() && before->second == size) {
        stable = path;
        break;
      }
    }
    if (!stable.empty()) {
      Process(stable);
      now.erase(stable);  // moved away (or to be looked at again from scratch)
    }
    sizes = std::move(now);
  }
}

void ModelUpdater::Process(const std::string& path) {
  const std::string file = fs::path(path).filename().string();
  const auto done = [&](const char* where) {
    std::error_code ec;
    fs::create_directories(fs::path(o_.inbox) / where, ec);
    fs::rename(path, fs::path(o_.inbox) / where / file, ec);
    if (ec) fs::remove(path, ec);  // never looked at twice
  };
  // 1. verify and install.
  auto bytes = ReadTextFile(path, kMaxBundleBytes);
  {
    std::lock_guard lock(mu_);  // every event of this bundle names it (fleet rollouts match on it)
    bundle_sha256_ = bytes.ok() ? Sha256Hex(*bytes) : "";
  }
  Result<Bundle> bundle = bytes.ok() ? DecodeBundle(*bytes, keys_) : Result<Bundle>(bytes.status());
  if (!bundle.ok()) {
    Event("rejected", file, {{"reason", bundle.status().message()}});
    return done("rejected");
  }
  const std::string id = ModelId(bundle->manifest);
  {
    std::lock_guard lock(mu_);
    if (id == in_use_) return done("processed");  // already running it (a retained re-send)
  }
  auto installed = store_.Install(*bundle);
  if (!installed.ok()) {
    Event("rejected", id, {{"reason", installed.status().message()}});
    return done("rejected");
  }
  Event("received", id, {{"bundle", file}, {"key_id", bundle->manifest.key_id}});
  // 2. load the candidate, off the detection threads.
  const Timestamp t_arrival = SteadyNow();
  auto candidate = Load(*installed, 1, 1);
  if (!candidate.ok()) {
    Event("rejected", id, {{"reason", "does not load: " + candidate.status().message()}});
    return done("rejected");
  }
  // 3. shadow on live frames.
  CanaryOptions co;
  co.shadow_frames = o_.shadow_frames;
  co.min_f1 = o_.min_f1;
  co.max_latency_ratio = o_.max_latency_ratio;
  co.watch_frames = o_.watch_frames;
  co.min_detection_ratio = o_.min_detection_ratio;
  co.min_verdicts = o_.min_verdicts;
  co.min_verdict_agreement = o_.min_verdict_agreement;
  co.max_rejected_increase = o_.max_rejected_increase;
  Canary canary(co);
  auto queue = std::make_shared<BoundedQueue<Sample>>("shadow", 2, QueuePolicy::kDropOldest);
  d_.service->SetTap(MakeTap(queue, true, Duration::Seconds(o_.shadow_period_s)));
  Detector* cand = candidate->front().get();
  VerdictShadow verdicts;  // the backend's verdicts on what the active model escalates meanwhile
  if (d_.escalation) d_.escalation->SetTap(verdicts.Tap(true));
  while (!canary.ShadowDone() && (SteadyNow() - t_arrival).seconds() < o_.shadow_timeout_s) {
    if (!Wait(0)) break;
    for (int failed = verdicts.RunCandidate(cand); failed > 0; --failed) canary.AddShadowError();
    for (const auto& [confirmed, found] : verdicts.TakeShadowPairs()) {
      canary.AddShadowVerdict(confirmed, found);
    }
    auto s = queue->PopUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    if (!s) continue;
    const Timestamp t0 = SteadyNow();
    auto r = cand->Detect(s->frame);
    if (r.ok()) {
      canary.AddShadow(s->detections, *r, s->run, SteadyNow() - t0);
    } else {
      canary.AddShadowError();
    }
    queue->TaskDone();
  }
  d_.service->SetTap(nullptr);
  if (d_.escalation) d_.escalation->SetTap(nullptr);
  if (!Wait(0)) return;  // stopping: the active model stays, the bundle is looked at again
  const CanaryVerdict v = canary.Decide();
  const nlohmann::json figures = {{"f1", Round3(v.f1)},
                                  {"precision", Round3(v.precision)},
                                  {"recall", Round3(v.recall)},
                                  {"active_p99_ms", Round3(v.active_p99_ms)},
                                  {"candidate_p99_ms", Round3(v.candidate_p99_ms)},
                                  {"shadow_frames", v.frames},
                                  {"verdicts", v.verdicts},
                                  {"verdict_agreement", Round3(v.verdict_agreement)}};
  if (!v.promote) {
    nlohmann::json extra = figures;
    extra["reason"] = v.reason;
    Event("rejected", id, extra);
    return done("rejected");
  }
  // 4. promote: one instance per worker, swapped in between runs.
  std::string before;
  {
    std::lock_guard lock(mu_);
    before = in_use_;
  }
  auto instances = Load(*installed, d_.workers, std::max(1, d_.worker.threads));
  Status swapped = instances.ok() ? d_.service->ReplaceShared(std::move(instances).value(), id)
                                  : instances.status();
  if (swapped.ok()) swapped = store_.Activate(id);
  if (!swapped.ok()) {
    Event("rejected", id, {{"reason", "promotion failed: " + swapped.message()}});
    return done("rejected");
  }
  SetInUse(id);
  nlohmann::json extra = figures;
  extra["replaces"] = before;
  extra["seconds_to_promotion"] = Round3((SteadyNow() - t_arrival).seconds());
  Event("promoted", id, extra);
  done("processed");
  // 5. watch the promoted model; roll back on a regression.
  canary.StartWatch(canary.ShadowDetectionsPerFrame());
  auto watch = std::make_shared<BoundedQueue<Sample>>("watch", 1024, QueuePolicy::kDropOldest);
  d_.service->SetTap(MakeTap(watch, false, Duration{}));
  VerdictShadow watched;  // the verdicts on the promoted model's escalations
  if (d_.escalation) d_.escalation->SetTap(watched.Tap(false));
  const Timestamp t_watch = SteadyNow();
  while (!canary.WatchDone() && (SteadyNow() - t_watch).seconds() < o_.shadow_timeout_s) {
    if (!Wait(0)) break;
    for (bool confirmed : watched.TakeWatchOutcomes()) canary.AddWatchVerdict(confirmed);
    auto s = watch->PopUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    if (!s) continue;
    canary.AddWatch(s->detections.size(), s->run);
    watch->TaskDone();
  }
  d_.service->SetTap(nullptr);
  if (d_.escalation) d_.escalation->SetTap(nullptr);
  const std::optional<std::string> regressed = canary.Regressed();
  if (!regressed) return;
  // Back to the previous model: the store's, or the configured detector when there was none.
  Status back = store_.Rollback();
  const bool from_store = back.ok();
  Result<std::vector<std::unique_ptr<Detector>>> previous = InvalidArgument("no previous model");
  std::string previous_id;
  if (back.ok()) {
    auto active = store_.Active();
    if (active.ok() && *active) {
      previous_id = (*active)->id;
      previous = Load(**active, d_.workers, std::max(1, d_.worker.threads));
    }
  } else {
    back = store_.Deactivate();
    std::vector<std::unique_ptr<Detector>> configured;
    Status made = Status::Ok();
    for (int i = 0; made.ok() && i < d_.workers; ++i) {
      auto det = MakeDetector(d_.worker);
      if (det.ok()) configured.push_back(std::move(det).value());
      made = det.status();
    }
    previous_id = before;
    previous = made.ok() ? Result<std::vector<std::unique_ptr<Detector>>>(std::move(configured))
                         : Result<std::vector<std::unique_ptr<Detector>>>(made);
  }
  if (!previous.ok()) {
    Event("rolled_back", id,
          {{"reason", *regressed + "; but the previous model does not load: " +
                          previous.status().message()}});
    return;
  }
  if (Status s =
          d_.service->ReplaceShared(std::move(previous).value(), from_store ? previous_id : "");
      !s.ok()) {
    Event("rolled_back", id, {{"reason", *regressed + "; swap failed: " + s.message()}});
    return;
  }
  SetInUse(previous_id);
  Event("rolled_back", id,
        {{"reason", *regressed},
         {"back_to", previous_id},
         {"watch_detections_per_frame", Round3(canary.watch_detections_per_frame())}});
}

nlohmann::json ModelUpdater::Summary() const {
  std::lock_guard lock(mu_);
  nlohmann::json j = counts_;
  j["in_use"] = in_use_;
  j["events"] = log_;
  return j;
}

}  // namespace es
