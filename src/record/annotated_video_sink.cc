#include "record/annotated_video_sink.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <opencv2/imgproc.hpp>

#include "record/clip_writer.h"
#include "record/frame_encoder.h"
#include "pipeline/overlay.h"

namespace es {
namespace {

constexpr int kCrf = 23;                  // x264's default quality
constexpr double kKeyframeIntervalS = 2;  // seekable without bloating the file

// The muxer for a file name's extension, or "" when it is not a video container we write.
std::string ContainerFor(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".mp4" || ext == ".m4v" || ext == ".mov") return "mp4";
  if (ext == ".mkv") return "mkv";
  if (ext == ".ts") return "ts";
  return "";
}

class AnnotatedVideoSink : public FrameSink {
 public:
  AnnotatedVideoSink(std::string path, std::string container, int trail)
      : path_(std::move(path)),
        context_("annotated video '" + path_ + "'"),
        container_(std::move(container)),
        trail_(trail) {}

  Status Start(const SourceInfo& info) override {
    if (info.fps > 0 && info.fps < 1000) fps_ = info.fps;
    step_ms_ = std::max<int64_t>(1, std::llround(1000.0 / fps_));
    return Status::Ok();
  }

  Status Consume(const FramePacket& p) override {
    if (p.end_of_stream || p.frame.image.empty()) return Status::Ok();
    cv::Mat img = p.frame.image.clone();
    DrawDetections(p.detections, &img);
    std::map<int, bool> seen;
    for (const auto& t : p.tracks) {
      auto& trail = trails_[t.id];
      trail.emplace_back(t.box.cx(), t.box.y2());
      while (static_cast<int>(trail.size()) > trail_) trail.pop_front();
      seen[t.id] = true;
      const cv::Scalar color = ColorForId(t.id);
      for (size_t i = 1; i < trail.size(); ++i) cv::line(img, trail[i - 1], trail[i], color, 2);
    }
    DrawTracks(p.tracks, &img);
    for (auto it = trails_.begin(); it != trails_.end();) {
      it = seen.count(it->first) ? std::next(it) : trails_.erase(it);
    }
    DrawHud(p.frame.meta.stream_id + " frame " + std::to_string(p.frame.meta.seq) + " tracks " +
                std::to_string(p.tracks.size()) + " detector " + DetectDecisionName(p.decision),
            &img);
    if (!writer_) ES_RETURN_IF_ERROR(Open(img.cols, img.rows));
    const int64_t pts_ms = p.frame.meta.pts_us / 1000;
    if (last_pts_ms_ != INT64_MIN && pts_ms > last_pts_ms_) step_ms_ = pts_ms - last_pts_ms_;
    last_pts_ms_ = pts_ms;
    std::vector<PacketPtr> out;
    ES_RETURN_IF_ERROR(encoder_->Encode(img, p.frame.meta.pts_us, &out).WithContext(context_));
    return Write(out);
  }

  Status Close() override {
    if (!writer_ || closed_) return Status::Ok();  // no frame, or the file never opened
    closed_ = true;
    std::vector<PacketPtr> out;
    Status s = encoder_->Flush(&out).WithContext(context_);
    if (s.ok()) s = Write(out);
    if (s.ok()) s = writer_->Finish().WithContext(context_);
    if (!s.ok()) writer_->Abort();
    return s;
  }

 private:
  // Both or neither: a writer that cannot open leaves no encoder behind.
  Status Open(int width, int height) {
    auto enc = FrameEncoder::Create(width, height, fps_, kCrf, kKeyframeIntervalS);
    if (!enc.ok()) return enc.status().WithContext(context_);
    ::unlink(path_.c_str());  // made by MakeAnnotatedVideoSink to test the path; the writer is exclusive
    auto writer = ClipWriter::Open(path_, container_, (*enc)->info());
    if (!writer.ok()) return writer.status().WithContext(context_);
    encoder_ = std::move(enc).value();
    writer_ = std::move(writer).value();
    return Status::Ok();
  }

  // Every packet gets a duration (the last frame step): MP4 drops a last sample without one.
  Status Write(const std::vector<PacketPtr>& packets) {
    for (const PacketPtr& pkt : packets) {
      if (pkt->duration <= 0) pkt->duration = step_ms_;  // the encoder's time base is 1/1000 s
      ES_RETURN_IF_ERROR(writer_->Write(*pkt).WithContext(context_));
    }
    return Status::Ok();
  }

  std::string path_;
  std::string context_;  // names the output in every FFmpeg error
  std::string container_;
  double fps_ = 25.0;
  int64_t last_pts_ms_ = INT64_MIN;
  int64_t step_ms_ = 40;  // until two frames have been seen: 1 / fps_
  int trail_;
  std::unique_ptr<FrameEncoder> encoder_;
  std::unique_ptr<ClipWriter> writer_;
  bool closed_ = false;
  std::map<int, std::deque<cv::Point2f>> trails_;
};

}  // namespace

Result<std::unique_ptr<FrameSink>> MakeAnnotatedVideoSink(const std::string& path,
                                                          int trail_length) {
  const std::string container = ContainerFor(path);
  if (container.empty()) {
    return InvalidArgument("annotated video '" + path +
                           "': the file name must end in .mp4, .m4v, .mov, .mkv or .ts");
  }
  // Fail early on an unwritable path rather than at the first frame.
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return InvalidArgument("cannot open annotated video output '" + path + "'");
  std::fclose(f);
  return std::unique_ptr<FrameSink>(new AnnotatedVideoSink(path, container, trail_length));
}

}  // namespace es
