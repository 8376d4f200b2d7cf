#include "uplink/crop_collector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "uplink/crop_image.h"
#include "uplink/crop_payload.h"

namespace es {
namespace {

std::string CropTopic(const std::string& device, const std::string& stream) {
  return "edgesight/v1/" + device + "/" + stream + "/crops";
}

nlohmann::json BoxJson(const BBox& b) {
  auto r = [](float v) { return std::round(v * 10.f) / 10.f; };
  return nlohmann::json::array({r(b.x), r(b.y), r(b.w), r(b.h)});
}

}  // namespace

double CropQuality(const TrackOutput& t, int fw, int fh, const CropOptions& o, bool* edge_cut) {
  const BBox& b = t.box;
  const bool cut = b.x <= o.edge_margin_px || b.y <= o.edge_margin_px ||
                   b.x2() >= static_cast<float>(fw) - o.edge_margin_px ||
                   b.y2() >= static_cast<float>(fh) - o.edge_margin_px;
  if (edge_cut) *edge_cut = cut;
  // Only the part inside the frame is visible.
  const float vis_w = std::min(b.x2(), static_cast<float>(fw)) - std::max(b.x, 0.f);
  const float vis_h = std::min(b.y2(), static_cast<float>(fh)) - std::max(b.y, 0.f);
  if (vis_w <= 0 || vis_h <= 0) return 0;
  return static_cast<double>(t.score) * vis_w * vis_h * (cut ? o.edge_penalty : 1.0);
}

Result<std::unique_ptr<CropCollector>> CropCollector::Create(Outbox* outbox, CropOptions o,
                                                             MqttPublisher* publisher) {
  if (outbox == nullptr && !o.on_crop) return InvalidArgument("crops: no outbox");
  if (o.device.empty()) return InvalidArgument("crops: device id must not be empty");
  if (o.max_side < 16) return InvalidArgument("crops: max_side must be >= 16");
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100 || o.min_quality < 1 ||
      o.min_quality > o.jpeg_quality) {
    return InvalidArgument("crops: need 1 <= min_quality <= jpeg_quality <= 100");
  }
  if (o.max_jpeg_bytes < 1024) return InvalidArgument("crops: max_jpeg_bytes must be >= 1024");
  if (o.context < 0 || o.context > 1) return InvalidArgument("crops: context must be in [0, 1]");
  if (o.edge_penalty < 0 || o.edge_penalty > 1) {
    return InvalidArgument("crops: edge_penalty must be in [0, 1]");
  }
  if (o.max_tracks < 1) return InvalidArgument("crops: max_tracks must be >= 1");
  return std::unique_ptr<CropCollector>(new CropCollector(outbox, std::move(o), publisher));
}

void CropCollector::Rate(const Frame& frame, const TrackOutput& t) {
  const cv::Mat& img = frame.image;
  if (t.predicted || t.box.w < o_.min_box_side || t.box.h < o_.min_box_side) return;
  bool cut = false;
  const double q = CropQuality(t, img.cols, img.rows, o_, &cut);
  if (q <= 0) return;
  Held& h = held_[{frame.meta.stream_id, t.id}];
  h.last_seen = frame.meta.seq;
  if (!h.image.empty() && q <= h.quality) return;
  BBox crop_box;
  cv::Mat copy = CutCrop(img, t.box, o_.context, o_.max_side, &crop_box);
  if (copy.empty()) return;
  h.image = copy;
  h.quality = q;
  h.track = t;
  h.crop_box = crop_box;
  h.edge_cut = cut;
  h.frame_seq = frame.meta.seq;
  h.pts_us = frame.meta.pts_us;
  stats_.views_kept++;
}

Status CropCollector::Commit(const Key& key, const Held& h) {
  if (h.image.empty()) return Status::Ok();  // no usable view (all predicted, too small)
  cv::Mat used;
  int quality = 0;
  auto jpeg = EncodeBoundedJpeg(h.image, o_.jpeg_quality, o_.min_quality, o_.max_jpeg_bytes, &used,
                                &quality);
  if (!jpeg.ok()) {
    stats_.dropped++;
    stats_.last_error = jpeg.status().message();
    return Status::Ok();
  }
  const std::string& stream = key.first;
  const std::string event_id = h.start_id.empty() ? o_.device + "/" + stream + "/track-" +
                                                        std::to_string(key.second) + "-f" +
                                                        std::to_string(h.frame_seq)
                                                  : h.start_id;
  const std::string id = event_id + "/crop";
  nlohmann::ordered_json hdr;
  hdr["v"] = kCropFormatVersion;
  hdr["id"] = id;
  hdr["event_id"] = h.start_id;
  hdr["end_event_id"] = h.end_id;
  hdr["device"] = o_.device;
  hdr["stream"] = stream;
  hdr["track_id"] = key.second;
  hdr["class_id"] = h.track.class_id;
  hdr["score"] = std::round(h.track.score * 1000.f) / 1000.f;
  hdr["box"] = BoxJson(h.track.box);
  hdr["crop_box"] = BoxJson(h.crop_box);
  hdr["frame"] = h.frame_seq;
  hdr["pts_us"] = h.pts_us;
  hdr["edge_cut"] = h.edge_cut;
  hdr["quality"] = quality;
  hdr["width"] = used.cols;
  hdr["height"] = used.rows;
  hdr["content_type"] = "image/jpeg";
  const std::string payload = EncodeCropPayload(
      nlohmann::json(hdr),
      std::string_view(reinterpret_cast<const char*>((*jpeg).data()), (*jpeg).size()));
  const std::string_view bytes(reinterpret_cast<const char*>((*jpeg).data()), (*jpeg).size());
  if (o_.on_crop) o_.on_crop(CropView{stream, key.second, h.start_id, h.end_id, bytes});
  if (outbox_ == nullptr) {
    stats_.committed++;
    stats_.bytes += static_cast<int64_t>(bytes.size());
    return Status::Ok();
  }
  auto seq = outbox_->Append(OutboxKind::kCrop, CropTopic(o_.device, stream), payload, id);
  if (!seq.ok()) {
    stats_.dropped++;
    stats_.last_error = seq.status().message();
    // "Outbox full" (or a crop larger than the whole outbox) is the size policy working:
    // crops go before events. Not an error.
    const StatusCode code = seq.status().code();
    return code == StatusCode::kUnavailable || code == StatusCode::kInvalidArgument
               ? Status::Ok()
               : seq.status().WithContext("crops: cannot commit crop " + id);
  }
  stats_.committed++;
  stats_.bytes += static_cast<int64_t>(payload.size());
  if (publisher_ != nullptr) publisher_->Notify();
  return Status::Ok();
}

Status CropCollector::Flush(const std::string& stream, int track_id) {
  auto it = held_.find({stream, track_id});
  if (it == held_.end()) return Status::Ok();
  Held h = std::move(it->second);
  Key key = it->first;
  held_.erase(it);
  return Commit(key, h);
}

Status CropCollector::FlushAll() {
  Status first;
  while (!held_.empty()) {
    auto it = held_.begin();
    Status s = Flush(it->first.first, it->first.second);
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

Status CropCollector::EvictIfNeeded() {
  Status first;
  while (held_.size() > o_.max_tracks) {
    auto oldest = std::min_element(held_.begin(), held_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    Status s = Flush(oldest->first.first, oldest->first.second);
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

Status CropCollector::OnFrame(const Frame& frame, const std::vector<TrackOutput>& tracks,
                              const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (e.type == EventType::kTrack && e.phase == EventPhase::kStart) {
      Held& h = held_[{e.stream, e.track_id}];
      h.start_id = e.id;
      if (h.last_seen < frame.meta.seq) h.last_seen = frame.meta.seq;
    }
  }
  if (!frame.image.empty() && frame.image.type() == CV_8UC3) {
    for (const TrackOutput& t : tracks) Rate(frame, t);
  }
  Status first;
  for (const Event& e : events) {
    if (e.type != EventType::kTrack || e.phase != EventPhase::kEnd) continue;
    auto it = held_.find({e.stream, e.track_id});
    if (it == held_.end()) continue;
    it->second.end_id = e.id;
    if (it->second.start_id.empty()) it->second.start_id = e.start_id;
    Status s = Flush(e.stream, e.track_id);
    if (first.ok() && !s.ok()) first = s;
  }
  Status s = EvictIfNeeded();
  if (first.ok() && !s.ok()) first = s;
  return first;
}

}  // namespace es
