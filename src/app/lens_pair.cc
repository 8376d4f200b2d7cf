#include "app/lens_pair.h"

#include <cmath>
#include <utility>

namespace es {

void LensPair::SetFollowing(int track_id, int class_id, Timestamp now) {
  std::lock_guard lock(mu_);
  if (track_id == follow_.track_id) return;
  follow_ = {track_id, class_id, now};
}

LensPair::Follow LensPair::Get() const {
  std::lock_guard lock(mu_);
  return follow_;
}

PtzConfirmHook::PtzConfirmHook(std::shared_ptr<const LensPair> pair,
                               std::shared_ptr<EventIdSource> ids, std::string device,
                               std::string stream, PtzConfirmOptions options)
    : pair_(std::move(pair)),
      ids_(std::move(ids)),
      device_(std::move(device)),
      stream_(std::move(stream)),
      options_(options) {}

const TrackOutput* PtzConfirmHook::FindTarget(const FramePacket& p, int class_id) const {
  const double w = p.frame.image.cols, h = p.frame.image.rows;
  if (w <= 0 || h <= 0) return nullptr;
  const double half = options_.center_fraction / 2;
  const TrackOutput* best = nullptr;
  for (const TrackOutput& t : p.tracks) {
    if (t.class_id != class_id || t.box.h < options_.min_fill * h) continue;
    const double cx = (t.box.x + t.box.w / 2) / w - 0.5;
    const double cy = (t.box.y + t.box.h / 2) / h - 0.5;
    if (std::fabs(cx) > half || std::fabs(cy) > half) continue;
    if (best == nullptr || t.box.h > best->box.h) best = &t;
  }
  return best;
}

void PtzConfirmHook::Emit(FramePacket* p, EventPhase phase, const TrackOutput* seen) {
  Event e = phase == EventPhase::kStart ? Event{} : start_;
  e.id = MakeEventId(device_, stream_, ids_->Next());
  e.device = device_;
  e.stream = stream_;
  e.type = EventType::kPtz;
  e.phase = phase;
  e.t = Timestamp::Micros(p->frame.meta.pts_us);
  e.frame_seq = p->end_of_stream ? start_.frame_seq : p->frame.meta.seq;
  if (seen != nullptr) {
    e.track_id = seen->id;
    e.class_id = seen->class_id;
    e.score = seen->score;
    e.box = seen->box;
  }
  if (phase == EventPhase::kStart) {
    e.start_id = e.id;
    e.t_start = e.t;
    e.wide_track_id = following_;
    start_ = e;
    ++confirmations_;
  } else {
    ++losses_;
  }
  p->events.push_back(std::move(e));
}

Status PtzConfirmHook::OnDecision(FramePacket* p) {
  if (p->end_of_stream) {
    if (confirmed_) Emit(p, EventPhase::kEnd, nullptr);
    confirmed_ = false;
    return Status::Ok();
  }
  const LensPair::Follow f = pair_->Get();
  const Timestamp now = p->frame.meta.capture;
  if (f.track_id != following_) {  // the wide lens moved on (or stopped following)
    if (confirmed_) Emit(p, EventPhase::kEnd, nullptr);
    confirmed_ = false;
    following_ = f.track_id;
  }
  if (following_ < 0 || now - f.since < Duration::Seconds(options_.settle_s)) {
    return Status::Ok();
  }
  if (const TrackOutput* seen = FindTarget(*p, f.class_id)) {
    last_seen_ = now;
    if (!confirmed_) Emit(p, EventPhase::kStart, seen);
    confirmed_ = true;
  } else if (confirmed_ && now - last_seen_ > Duration::Seconds(options_.lost_after_s)) {
    Emit(p, EventPhase::kEnd, nullptr);
    confirmed_ = false;
  }
  return Status::Ok();
}

nlohmann::json PtzConfirmHook::Summary() const {
  return {{"confirmations", confirmations_}, {"losses", losses_}, {"confirmed", confirmed_}};
}

}  // namespace es
