#include "app/escalation_hook.h"

#include <cmath>
#include <utility>

#include "uplink/crop_image.h"

namespace es {
namespace {

constexpr int kJpegQuality = 80;
constexpr int kMinJpegQuality = 40;
constexpr int64_t kMaxJpegBytes = 48 * 1024;

}  // namespace

EscalationHook::EscalationHook(EscalationRuntime* runtime, Outbox* outbox, EscalateOptions options,
                               std::string stream, std::string model, int max_side)
    : runtime_(runtime),
      outbox_(outbox),
      policy_(std::move(options), stream),
      stream_(std::move(stream)),
      model_(std::move(model)),
      max_side_(max_side) {}

Status EscalationHook::OnDecision(FramePacket* packet) {
  for (const Event& e : packet->events) {
    if (e.type == EventType::kTrack && e.phase == EventPhase::kStart) start_ids_[e.track_id] = e.id;
    if (e.type == EventType::kZone && e.phase == EventPhase::kStart) {
      zones_of_[e.track_id].insert(e.zone);
    }
    if (e.type == EventType::kZone && e.phase == EventPhase::kEnd) {
      zones_of_[e.track_id].erase(e.zone);
    }
  }
  if (!packet->end_of_stream && !packet->frame.image.empty()) {
    const double t_s = static_cast<double>(packet->frame.meta.pts_us) / 1e6;
    for (const EscalationChoice& c : policy_.Decide(packet->tracks, zones_of_, t_s)) {
      ES_RETURN_IF_ERROR(Escalate(packet->frame, c));
    }
  }
  for (const Event& e : packet->events) {
    if (e.type == EventType::kTrack && e.phase == EventPhase::kEnd) {
      start_ids_.erase(e.track_id);
      zones_of_.erase(e.track_id);
      policy_.Forget(e.track_id);
    }
  }
  return Status::Ok();
}

Status EscalationHook::Escalate(const Frame& frame, const EscalationChoice& c) {
  BBox crop_box;
  cv::Mat crop = CutCrop(frame.image, c.track.box, policy_.options().context, max_side_, &crop_box);
  if (crop.empty()) {
    ++crop_failed_;
    return Status::Ok();
  }
  cv::Mat used;
  auto jpeg = EncodeBoundedJpeg(crop, kJpegQuality, kMinJpegQuality, kMaxJpegBytes, &used, nullptr);
  if (!jpeg.ok()) {
    ++crop_failed_;
    return Status::Ok();
  }
  auto n = outbox_->NextEventCounter("escalation/" + stream_);
  if (!n.ok()) return n.status().WithContext("escalation: durable id counter");
  Escalation e;
  e.id = runtime_->device() + "/" + stream_ + "/esc/" + std::to_string(*n);
  e.device = runtime_->device();
  e.stream = stream_;
  if (auto it = start_ids_.find(c.track.id); it != start_ids_.end()) e.event_id = it->second;
  e.track_id = c.track.id;
  e.class_id = c.track.class_id;
  e.score = std::round(c.track.score * 1000.f) / 1000.f;
  e.box = c.track.box;
  e.crop_box = crop_box;
  e.frame = frame.meta.seq;
  e.pts_us = frame.meta.pts_us;
  e.reason = c.reason;
  e.zone = c.zone;
  e.model = model_;
  e.jpeg.assign(reinterpret_cast<const char*>(jpeg->data()), jpeg->size());
  const EscalateOptions& o = policy_.options();
  const std::string id = e.id;
  ES_RETURN_IF_ERROR(
      runtime_->Commit(std::move(e), used.cols, used.rows, o.max_attempts, o.deadline_s));
  ++committed_;
  runtime_->Escalated(id, frame.image, c.track.box, c.track.class_id);  // a model shadow's view
  return Status::Ok();
}

nlohmann::json EscalationHook::Summary() const {
  const EscalationPolicyStats& s = policy_.stats();
  return {{"chosen", s.chosen},
          {"by_reason", s.by_reason},
          {"skipped_interval", s.skipped_interval},
          {"skipped_budget", s.skipped_budget},
          {"committed", committed_},
          {"crop_failed", crop_failed_}};
}

}  // namespace es
