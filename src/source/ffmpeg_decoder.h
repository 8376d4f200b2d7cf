// FfmpegDecoder: decodes the packets of one video stream with libavcodec and converts each
// frame to a BGR 8-bit cv::Mat with libswscale.
//
// Contract: Open(stream) once per (re)connected stream; then the send/receive cycle of
// libavcodec: Send(pkt) (nullptr = flush at end of input), Receive() until it returns
// AVERROR(EAGAIN) (needs more input) or AVERROR_EOF (fully drained after a flush). Returns raw
// AVERROR codes; the owning source maps them to a Status. Each received image comes from the
// decoder's FramePool: a buffer no one references any more, or a new one (frames handed
// downstream are never overwritten while anyone holds them). The output size follows
// the decoded frame, so a mid-stream resolution change is handled. Thread-compatible.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>

#include "core/frame_pool.h"

namespace es {

class FfmpegDecoder {
 public:
  FfmpegDecoder() = default;
  ~FfmpegDecoder() { Close(); }
  FfmpegDecoder(const FfmpegDecoder&) = delete;
  FfmpegDecoder& operator=(const FfmpegDecoder&) = delete;

  // 0, AVERROR_DECODER_NOT_FOUND, or another AVERROR.
  int Open(const AVStream* stream);
  void Close();

  // Feeds one packet (nullptr: flush). 0, AVERROR(EAGAIN) (receive first), AVERROR_EOF (already
  // flushed), or a decode error for this packet (e.g. AVERROR_INVALIDDATA).
  int Send(const AVPacket* pkt);
  // Next decoded frame as BGR; *best_effort_pts in the stream time base (AV_NOPTS_VALUE if
  // unknown). 0, AVERROR(EAGAIN), AVERROR_EOF, or a decode/convert error.
  int Receive(cv::Mat* bgr, int64_t* best_effort_pts);

  bool is_open() const { return ctx_ != nullptr; }
  std::string codec_name() const;

 private:
  AVCodecContext* ctx_ = nullptr;
  AVFrame* frame_ = nullptr;
  SwsContext* sws_ = nullptr;
  FramePool pool_;
};

}  // namespace es
