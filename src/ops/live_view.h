// LiveView: the latest frame of one camera for people watching it (snapshot, MJPEG), taken
// without ever slowing the pipeline.
//
// Contract
// - Offer(packet) runs on the camera's output thread: at most max_fps times a second it copies
//   the frame (downscaled to max_width) with its detections and tracks; other frames cost one
//   clock read. Nothing is drawn or encoded there.
// - Jpeg() draws the overlay (zones, detections, tracks, a heads-up line) and encodes it on
//   the caller's thread, once per offered frame: concurrent viewers share the encoding, and a
//   viewer that is behind simply gets the latest frame (frames in between are skipped).
// - WaitNewer(seq, timeout) blocks a viewer until a frame newer than seq exists, Close() is
//   called, or the timeout passes. Close() (the run is ending) wakes every viewer for good.
// Thread-safety: every method is thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "analytics/analytics_options.h"
#include "edgesight/time.h"
#include "pipeline/frame_packet.h"
#include "pipeline/frame_sink.h"

namespace es {

class LiveView {
 public:
  LiveView(std::string camera, double max_fps, int max_width, std::vector<ZoneOptions> zones);

  void Offer(const FramePacket& packet);
  struct Jpeg {
    uint64_t seq = 0;  // 0 = no frame yet
    std::shared_ptr<const std::string> bytes;
  };
  Jpeg Latest();
  // True when a frame newer than seq exists (false on timeout or Close()).
  bool WaitNewer(uint64_t seq, Duration timeout);
  void Close();
  bool closed() const;
  double max_fps() const { return max_fps_; }

 private:
  struct Shot {
    uint64_t seq = 0;
    cv::Mat image;
    double scale = 1;
    std::vector<Detection> detections;
    std::vector<TrackOutput> tracks;
    uint64_t frame = 0;
  };
  const std::string camera_;
  const double max_fps_;
  const int max_width_;
  const std::vector<ZoneOptions> zones_;
  Timestamp last_offer_;  // output thread only
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  std::shared_ptr<const Shot> shot_;
  Jpeg encoded_;
  std::mutex encode_mu_;  // one encoder at a time; the others then share its result
};

// A sink that offers every frame to the live view (the view keeps what it needs).
std::unique_ptr<FrameSink> MakeLiveViewSink(std::shared_ptr<LiveView> view);

}  // namespace es
