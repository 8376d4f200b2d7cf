// FrameEncoder: re-encodes decoded BGR frames into H.264 packets (libx264) — or MPEG-4 Part 2
// when the FFmpeg build has no libx264 — for sources whose packets cannot be stream-copied.
//
// Contract
// - Create() opens an encoder for width x height (odd sizes are cropped by one pixel to the
//   even size 4:2:0 needs): libx264 preset "ultrafast", tune "zerolatency" (no B-frames, no
//   look-ahead: one packet out per frame in), constant quality `crf`, one thread; MPEG-4 with a
//   fixed quantiser. Global headers (extradata) are set, as MP4/MKV need them.
// - Encode() takes frames with strictly increasing pts in microseconds (a pts not above the
//   previous one is moved 1 ms after it) and returns the packets produced, in the time base of
//   info() (1/1000 s). A keyframe is forced whenever keyframe_interval_s has passed since the
//   last one, so the pre-event ring can start a clip close to any moment.
// - info(): codec parameters for the clip writer (the same object for the encoder's lifetime).
// Failure: no usable encoder or an encoder error -> kInternal "re-encode: ..."; a frame of a
// different size -> kInvalidArgument (the caller makes a new encoder). Never throws.
// Thread-safety: one thread (the recorder's encoder thread).
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "record/packet_stream.h"

struct SwsContext;

namespace es {

class FrameEncoder {
 public:
  ~FrameEncoder();
  FrameEncoder(const FrameEncoder&) = delete;
  FrameEncoder& operator=(const FrameEncoder&) = delete;

  static Result<std::unique_ptr<FrameEncoder>> Create(int width, int height, double fps_hint,
                                                      int crf, double keyframe_interval_s);
  Status Encode(const cv::Mat& bgr, int64_t pts_us, std::vector<PacketPtr>* out);
  // Drains the encoder at the end (packets still inside it).
  Status Flush(std::vector<PacketPtr>* out);

  const std::shared_ptr<const PacketStreamInfo>& info() const { return info_; }
  const std::string& encoder_name() const { return encoder_name_; }
  int input_width() const { return in_w_; }
  int input_height() const { return in_h_; }

 private:
  FrameEncoder() = default;
  Status Drain(std::vector<PacketPtr>* out);

  AVCodecContext* ctx_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* pkt_ = nullptr;
  SwsContext* sws_ = nullptr;
  std::shared_ptr<const PacketStreamInfo> info_;
  std::string encoder_name_;
  int in_w_ = 0, in_h_ = 0;
  int64_t last_pts_ms_ = INT64_MIN;
  int64_t last_key_ms_ = INT64_MIN;
  int64_t key_interval_ms_ = 1000;
};

}  // namespace es
