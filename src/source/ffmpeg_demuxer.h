// FfmpegDemuxer: opens a file or rtsp:// URL with libavformat and hands out the encoded
// packets of its best video stream.
//
// Contract: Open() then ReadPacket() repeatedly; Close() (or the destructor) releases
// everything and Open() may be called again (reconnect). Every blocking libavformat call is
// bounded by the InterruptControl passed in (installed as interrupt_callback; the caller arms
// deadlines). Packets are exposed unchanged (stream-copy recording can use them together with
// stream()->codecpar and time_base). Failures are returned as raw AVERROR codes (0 = ok) so the
// owning source can map them to a Status depending on whether the input is a file or live;
// AvErrorText() renders one. Thread-compatible: one thread uses it; the InterruptControl is
// the only cross-thread path. Does not own the InterruptControl.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include <string>

#include "source/interrupt_control.h"

namespace es {

// "No such file or directory", "Connection refused", ... for an AVERROR code.
std::string AvErrorText(int averror);

// FFmpeg (and the encoders it wraps, libx264) log on stderr by default. Errors reach the user
// as one Status line each, so its own log stays quiet unless EDGESIGHT_FFMPEG_LOG=1 asks for it.
// Process-wide, once; call before opening a demuxer, decoder or encoder.
void InitFfmpegLogging();

// Open() found a still image (PNG, JPEG, ...), not a video.
inline constexpr int kAvErrorStillImage = -0x4d494553;  // -MKTAG('S','E','I','M')

struct DemuxerOptions {
  std::string url;
  bool rtsp = false;  // url is rtsp://
  std::string rtsp_transport = "tcp";
  bool rtsp_listen = false;      // act as the RTSP server (rtsp_flags=listen)
  int socket_timeout_ms = 5000;  // FFmpeg's rtsp "timeout" option (socket I/O)
};

class FfmpegDemuxer {
 public:
  explicit FfmpegDemuxer(InterruptControl* interrupt) : interrupt_(interrupt) {}
  ~FfmpegDemuxer() { Close(); }
  FfmpegDemuxer(const FfmpegDemuxer&) = delete;
  FfmpegDemuxer& operator=(const FfmpegDemuxer&) = delete;

  // Opens the input, reads stream info and selects the best video stream.
  // Returns 0, an AVERROR from libavformat, or AVERROR_STREAM_NOT_FOUND when the input
  // has no video stream (or is a format that only pretends to be video, e.g. "tty" text), or
  // kAvErrorStillImage for a single picture.
  int Open(const DemuxerOptions& options);
  // Next packet of the video stream (other streams are skipped). 0, AVERROR_EOF at the end,
  // AVERROR_EXIT when interrupted or timed out, or another AVERROR. The caller unrefs pkt.
  int ReadPacket(AVPacket* pkt);
  void Close();

  bool is_open() const { return ctx_ != nullptr; }
  const AVStream* stream() const { return stream_; }
  const AVFormatContext* format_context() const { return ctx_; }
  int stream_index() const { return stream_ ? stream_->index : -1; }

  // Nominal frame rate of the video stream (avg_frame_rate, else r_frame_rate); 0 if unknown.
  double fps() const;
  // Declared number of frames: nb_frames, else stream or container duration * fps, rounded;
  // -1 if unknown. *exact is set to true when it came from nb_frames.
  int64_t DeclaredFrames(bool* exact) const;

 private:
  InterruptControl* interrupt_;
  AVFormatContext* ctx_ = nullptr;
  AVStream* stream_ = nullptr;
};

}  // namespace es
