#include <deque>
#include <map>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "pipeline/frame_sink.h"
#include "pipeline/overlay.h"

namespace es {
namespace {

class AnnotatedVideoSink : public FrameSink {
 public:
  AnnotatedVideoSink(std::string path, int trail) : path_(std::move(path)), trail_(trail) {}

  Status Start(const SourceInfo& info) override {
    if (info.fps > 0 && info.fps < 1000) fps_ = info.fps;
    return Status::Ok();
  }

  Status Consume(const FramePacket& p) override {
    if (p.end_of_stream) return Status::Ok();
    const cv::Mat& src = p.frame.image;
    if (!writer_.isOpened()) ES_RETURN_IF_ERROR(OpenWriter(src.size()));
    cv::Mat img = src.clone();
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
    try {
      writer_.write(img);
    } catch (const cv::Exception& e) {
      return Internal("annotated video '" + path_ + "': " + e.what());
    }
    return Status::Ok();
  }

  Status Close() override {
    if (writer_.isOpened()) writer_.release();
    return Status::Ok();
  }

 private:
  Status OpenWriter(cv::Size size) {
    for (const char* fourcc : {"avc1", "mp4v"}) {
      try {
        const int cc = cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
        if (writer_.open(path_, cv::CAP_FFMPEG, cc, fps_, size)) return Status::Ok();
      } catch (const cv::Exception&) {
      }
    }
    return InvalidArgument("cannot open annotated video output '" + path_ + "'");
  }

  std::string path_;
  double fps_ = 25.0;
  int trail_;
  cv::VideoWriter writer_;
  std::map<int, std::deque<cv::Point2f>> trails_;
};

}  // namespace

Result<std::unique_ptr<FrameSink>> MakeAnnotatedVideoSink(const std::string& path,
                                                          int trail_length) {
  // Fail early on an unwritable path rather than at the first frame.
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return InvalidArgument("cannot open annotated video output '" + path + "'");
  std::fclose(f);
  return std::unique_ptr<FrameSink>(new AnnotatedVideoSink(path, trail_length));
}

}  // namespace es
