#include "ops/live_view.h"

#include <opencv2/imgproc.hpp>

#include "core/jpeg_codec.h"
#include "pipeline/overlay.h"

namespace es {

LiveView::LiveView(std::string camera, double max_fps, int max_width,
                   std::vector<ZoneOptions> zones)
    : camera_(std::move(camera)), max_fps_(max_fps), max_width_(max_width), zones_(std::move(zones)) {}

void LiveView::Offer(const FramePacket& p) {
  if (p.end_of_stream || p.frame.image.empty()) return;
  const Timestamp now = SteadyNow();
  if (last_offer_.us != 0 && (now - last_offer_).seconds() < 1.0 / max_fps_) return;
  last_offer_ = now;
  auto shot = std::make_shared<Shot>();
  const cv::Mat& src = p.frame.image;
  if (src.cols > max_width_) {
    shot->scale = static_cast<double>(max_width_) / src.cols;
    cv::resize(src, shot->image, {}, shot->scale, shot->scale, cv::INTER_AREA);
  } else {
    shot->image = src.clone();
  }
  shot->detections = p.detections;
  shot->tracks = p.tracks;
  shot->frame = p.frame.meta.seq;
  {
    std::lock_guard lock(mu_);
    shot->seq = (shot_ ? shot_->seq : 0) + 1;
    shot_ = std::move(shot);
  }
  cv_.notify_all();
}

LiveView::Jpeg LiveView::Latest() {
  std::lock_guard encode(encode_mu_);
  std::shared_ptr<const Shot> shot;
  {
    std::lock_guard lock(mu_);
    if (!shot_ || encoded_.seq == shot_->seq) return encoded_;
    shot = shot_;
  }
  // The preview may be downscaled: the geometry (frame pixels) is scaled to it.
  const auto s = static_cast<float>(shot->scale);
  auto scaled = [s](BBox b) { return BBox{b.x * s, b.y * s, b.w * s, b.h * s}; };
  std::vector<Detection> dets = shot->detections;
  for (auto& d : dets) d.box = scaled(d.box);
  std::vector<TrackOutput> tracks = shot->tracks;
  for (auto& t : tracks) t.box = scaled(t.box);
  std::vector<ZoneOptions> zones = zones_;
  for (auto& z : zones) {
    for (auto& pt : z.polygon) {
      pt.x *= shot->scale;
      pt.y *= shot->scale;
    }
  }
  cv::Mat img = shot->image.clone();
  DrawZones(zones, &img);
  DrawDetections(dets, &img);
  DrawTracks(tracks, &img);
  DrawHud(camera_ + " frame " + std::to_string(shot->frame) + " tracks " +
              std::to_string(shot->tracks.size()),
          &img);
  Result<std::vector<uint8_t>> jpg = EncodeJpeg(img, 80);
  std::lock_guard lock(mu_);
  if (!jpg.ok()) return encoded_;  // frames are 8-bit BGR: cannot happen; keep the last one
  Jpeg out{shot->seq, std::make_shared<const std::string>(jpg->begin(), jpg->end())};
  encoded_ = out;
  return out;
}

bool LiveView::WaitNewer(uint64_t seq, Duration timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::microseconds(timeout.us),
                      [&] { return closed_ || (shot_ && shot_->seq > seq); }) &&
         !closed_;
}

void LiveView::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool LiveView::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

namespace {

class LiveViewSink : public FrameSink {
 public:
  explicit LiveViewSink(std::shared_ptr<LiveView> view) : view_(std::move(view)) {}
  Status Consume(const FramePacket& p) override {
    view_->Offer(p);
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }

 private:
  std::shared_ptr<LiveView> view_;
};

}  // namespace

std::unique_ptr<FrameSink> MakeLiveViewSink(std::shared_ptr<LiveView> view) {
  return std::make_unique<LiveViewSink>(std::move(view));
}

}  // namespace es
