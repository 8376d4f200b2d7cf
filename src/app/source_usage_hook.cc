#include "app/source_usage_hook.h"

#include <algorithm>
#include <utility>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace es {

SourceUsageHook::SourceUsageHook(Outbox* outbox, std::string stream, double flush_every_s)
    : outbox_(outbox), stream_(std::move(stream)), flush_every_s_(flush_every_s) {}

void SourceUsageHook::OnPacket(const AVPacket& packet, const AVStream& stream) {
  bytes_.fetch_add(packet.size, std::memory_order_relaxed);
  std::lock_guard lock(codec_mu_);
  if (codec_.empty() && stream.codecpar != nullptr) {
    codec_ = avcodec_get_name(stream.codecpar->codec_id);
  }
}

Status SourceUsageHook::OnDecision(FramePacket* packet) {
  if (packet->end_of_stream) return Status::Ok();
  const Frame& f = packet->frame;
  if (!f.image.empty()) {
    width_ = f.image.cols;
    height_ = f.image.rows;
  }
  if (last_pts_us_ >= 0 && f.meta.pts_us > last_pts_us_) {
    const double dt = std::min(1.0, (f.meta.pts_us - last_pts_us_) / 1e6);
    seconds_ += dt;
    unflushed_s_ += dt;
  }
  last_pts_us_ = f.meta.pts_us;
  ++frames_;
  if (unflushed_s_ >= flush_every_s_) Flush();
  return Status::Ok();
}

Status SourceUsageHook::Finish() {
  Flush();
  return Status::Ok();
}

void SourceUsageHook::Flush() {
  if (unflushed_s_ <= 0) return;
  SourceUsage delta;
  delta.stream = stream_;
  delta.seconds = unflushed_s_;
  const int64_t total = bytes_.load(std::memory_order_relaxed);
  delta.encoded_bytes = total - flushed_bytes_;
  delta.width = width_;
  delta.height = height_;
  delta.fps = seconds_ > 0 ? (frames_ - 1) / seconds_ : 0;
  {
    std::lock_guard lock(codec_mu_);
    delta.codec = codec_;
  }
  if (Status s = outbox_->AddSourceUsage(delta); !s.ok()) {
    ++failures_;
    last_error_ = s.message();
    return;  // the delta stays pending and is retried at the next flush
  }
  flushed_bytes_ = total;
  unflushed_s_ = 0;
}

nlohmann::json SourceUsageHook::Summary() const {
  std::lock_guard lock(codec_mu_);
  nlohmann::json j = {{"seconds", seconds_},
                      {"encoded_bytes", bytes_.load(std::memory_order_relaxed)},
                      {"codec", codec_},
                      {"width", width_},
                      {"height", height_}};
  if (failures_ > 0) {
    j["failures"] = failures_;
    j["last_error"] = last_error_;
  }
  return j;
}

}  // namespace es
