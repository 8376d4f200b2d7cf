#include "app/deep_hook.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <utility>

#include "app/outbox_hook.h"
#include "uplink/crop_image.h"

namespace es {
namespace {

float Round1(float v) { return std::round(v * 10.f) / 10.f; }

}  // namespace

Result<std::unique_ptr<DeepHook>> DeepHook::Create(const DeepOptions& options,
                                                   std::set<std::string> zones, std::string device,
                                                   std::string stream, Outbox* outbox,
                                                   MqttPublisher* publisher,
                                                   MetricsRegistry* metrics) {
  PoseEstimatorOptions po;
  po.model = options.model;
  po.threads = options.threads;
  auto pose = PoseEstimator::Create(po);
  if (!pose.ok()) return pose.status().WithContext("deep.model");
  std::unique_ptr<DeepHook> h(new DeepHook(options, std::move(zones), std::move(device),
                                           std::move(stream), outbox, publisher,
                                           std::move(pose).value()));
  if (metrics != nullptr) {
    const auto runs = [&](const char* person) {
      return metrics->GetCounter("edgesight_pose_runs_total",
                                 "deep analysis: poses estimated, by whether a person was there",
                                 {{"camera", h->stream_}, {"person", person}});
    };
    h->person_ = runs("true");
    h->no_person_ = runs("false");
    h->dropped_metric_ = metrics->GetCounter(
        "edgesight_pose_dropped_total", "deep analysis: crops dropped, the pose thread being busy",
        {{"camera", h->stream_}});
    h->seconds_ = metrics->GetHistogram("edgesight_pose_seconds",
                                        "deep analysis: one pose estimate (model run)",
                                        {{"camera", h->stream_}});
  }
  h->thread_ = std::thread([p = h.get()] { p->Loop(); });
  return h;
}

DeepHook::DeepHook(DeepOptions o, std::set<std::string> zones, std::string device,
                   std::string stream, Outbox* outbox, MqttPublisher* publisher,
                   std::unique_ptr<PoseEstimator> pose)
    : o_(std::move(o)),
      zones_(std::move(zones)),
      device_(std::move(device)),
      stream_(std::move(stream)),
      model_(std::filesystem::path(o_.model.empty() ? DefaultPoseModelPath() : o_.model)
                 .stem()
                 .string()),
      outbox_(outbox),
      publisher_(publisher),
      pose_(std::move(pose)),
      queue_("deep", static_cast<size_t>(std::max(1, o_.queue)), QueuePolicy::kDropOldest) {}

DeepHook::~DeepHook() { Finish(); }

Status DeepHook::OnDecision(FramePacket* p) {
  for (const Event& e : p->events) {
    if (e.type != EventType::kZone || !zones_.count(e.zone)) continue;
    if (e.phase == EventPhase::kStart && e.class_id == kClassPerson) {
      open_[e.start_id] = Episode{e.track_id, e.zone, 0};
    }
    if (e.phase == EventPhase::kEnd) open_.erase(e.start_id);
  }
  if (p->end_of_stream || p->frame.image.empty() || open_.empty()) return Status::Ok();
  const int64_t now_us = p->frame.meta.pts_us;
  const int64_t interval_us = static_cast<int64_t>(o_.min_interval_s * 1e6);
  for (auto& [start_id, ep] : open_) {
    auto last = last_us_.find(ep.track_id);
    if (last != last_us_.end() && now_us - last->second < interval_us) continue;
    const TrackOutput* track = nullptr;
    for (const TrackOutput& t : p->tracks) {
      if (t.id == ep.track_id) track = &t;
    }
    if (track == nullptr || track->predicted) continue;  // a detected box, not a guess
    Job job;
    job.crop = CutCrop(p->frame.image, track->box, o_.context, 4096, &job.crop_box);
    if (job.crop.empty()) continue;
    last_us_[ep.track_id] = now_us;
    job.box = track->box;
    job.track_id = ep.track_id;
    job.zone = ep.zone;
    job.id = start_id + "/pose/" + std::to_string(++ep.poses);
    job.pts_us = now_us;
    job.frame = p->frame.meta.seq;
    if (queue_.Offer(std::move(job)) == Offered::kDroppedOldest) {
      ++dropped_;
      if (dropped_metric_) dropped_metric_->Add();
    }
  }
  return Status::Ok();
}

void DeepHook::Loop() {
  while (auto job = queue_.Pop()) {
    Analyse(std::move(*job));
    queue_.TaskDone();
  }
}

void DeepHook::Analyse(Job job) {
  const Timestamp t0 = SteadyNow();
  Result<PoseResult> r = pose_->Estimate(job.crop);
  const Duration took = SteadyNow() - t0;
  if (!r.ok()) {
    ++errors_;
    return;
  }
  ++poses_;
  total_us_ += took.us;
  if (seconds_) seconds_->Observe(took.seconds());
  const bool person = r->presence >= o_.min_presence;
  if (person) ++person_n_;
  if (Counter* c = person ? person_ : no_person_) c->Add();
  if (outbox_ == nullptr) return;
  // Keypoints back in source pixels (the crop may have been cut at the frame's edge).
  const double sx = job.crop_box.w / std::max(1, job.crop.cols);
  const double sy = job.crop_box.h / std::max(1, job.crop.rows);
  nlohmann::json keypoints = nlohmann::json::array();
  for (const PoseKeypoint& k : r->keypoints) {
    keypoints.push_back({Round1(static_cast<float>(job.crop_box.x + k.x * sx)),
                         Round1(static_cast<float>(job.crop_box.y + k.y * sy)),
                         std::round(k.visibility * 1000.f) / 1000.f});
  }
  const nlohmann::json ev = {{"v", 1},
                             {"id", job.id},
                             {"start_id", job.id},
                             {"device", device_},
                             {"stream", stream_},
                             {"type", "pose"},
                             {"phase", "instant"},
                             {"track_id", job.track_id},
                             {"class_id", kClassPerson},
                             {"zone", job.zone},
                             {"box", {job.box.x, job.box.y, job.box.w, job.box.h}},
                             {"presence", r->presence},
                             {"torso_visibility", r->torso_visibility},
                             {"score", r->score},
                             {"person", person},
                             {"keypoints", keypoints},
                             {"model", model_},
                             {"pose_ms", std::round(took.millis() * 10) / 10},
                             {"t_us", job.pts_us},
                             {"frame", job.frame},
                             {"t_unix_ms", WallNowMicros() / 1000}};
  auto seq = outbox_->Append(OutboxKind::kEvent, StreamTopic(device_, stream_, "events"), ev.dump(),
                             job.id);
  if (!seq.ok()) {
    ++errors_;
  } else if (publisher_ != nullptr) {
    publisher_->Notify();
  }
}

Status DeepHook::Finish() {
  if (finished_) return Status::Ok();
  finished_ = true;
  queue_.WaitDone(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  queue_.Close();
  if (thread_.joinable()) thread_.join();
  return Status::Ok();
}

nlohmann::json DeepHook::Summary() const {
  const int64_t n = poses_;
  return {{"poses", n},
          {"person", person_n_.load()},
          {"no_person", n - person_n_},
          {"dropped", dropped_.load()},
          {"errors", errors_.load()},
          {"mean_ms", n ? std::round(total_us_ / 100.0 / n) / 10 : 0.0}};
}

}  // namespace es
