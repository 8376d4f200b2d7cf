// FfmpegSource: VideoSource for video files and rtsp:// streams (pull, or listen = the device
// is the RTSP server an encoder pushes to), built on FfmpegDemuxer + FfmpegDecoder.
//
// Contract (beyond VideoSource):
//  - Open(): file missing -> kNotFound "cannot open video 'PATH': No such file or directory";
//    a file that is not a video (or a moov-less MP4) -> kDataLoss "'PATH' is not a video: ...";
//    RTSP: the first attempt plus options.reconnect_attempts retries with exponential backoff
//    (reconnect_backoff_ms doubling, capped at 8 s), then kUnavailable
//    "rtsp://HOST:PORT/PATH: connection refused after N attempts" (credentials redacted).
//    Each attempt is bounded by open_timeout_ms (also while listening for a pusher).
//  - Read(): files end with kEndOfStream, or with kDataLoss "... video truncated: decoded N of M
//    frames" after every good frame when the declared frame count says frames are missing (or
//    the demuxer/decoder hit errors). A live stream that stalls for read_timeout_ms, errors or
//    ends is reconnected with the same bounded policy (seq and pts stay monotonic); if that
//    fails, kUnavailable. Interrupt() makes any blocking call return kCancelled within ~100 ms.
//  - Packets: SetPacketCallback() sees every encoded packet of the video stream before it is
//    decoded (for stream-copy recording); the packet and stream are only valid during the call.
// Thread-safety: Interrupt() from any thread; everything else from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "source/ffmpeg_decoder.h"
#include "source/ffmpeg_demuxer.h"
#include "source/interrupt_control.h"
#include "source/pacer.h"
#include "source/reconnect_policy.h"
#include "source/video_source.h"

namespace es {

using PacketCallback = std::function<void(const AVPacket& packet, const AVStream& stream)>;

class FfmpegSource : public VideoSource {
 public:
  // Truncation tolerance: frames may be missing up to max(kMissingFramesSlack,
  // kMissingFramesFraction * declared) (kEstimatedFraction when the count came from a duration).
  static constexpr int64_t kMissingFramesSlack = 2;
  static constexpr double kMissingFramesFraction = 0.01;
  static constexpr double kEstimatedFraction = 0.05;

  explicit FfmpegSource(SourceOptions options);
  ~FfmpegSource() override;

  Status Open() override;
  Status Read(Frame* frame) override;
  SourceInfo info() const override { return info_; }
  void Interrupt() override { interrupt_.Interrupt(); }

  void SetPacketCallback(PacketCallback callback) { packet_callback_ = std::move(callback); }
  // Successful reconnects of a live source since Open().
  int reconnects() const { return reconnects_; }

  // "rtsp://user:pass@host/x" -> "rtsp://***@host/x"; other strings unchanged.
  static std::string RedactUri(const std::string& uri);

 private:
  // One attempt to open demuxer + decoder; fills info_. Returns 0 or an AVERROR.
  int OpenOnce();
  // Live: attempts (first + retries) with backoff; `first_now` false starts with a delay.
  Status ConnectWithRetries(bool first_now, const std::string& what);
  Status MapFileOpenError(int err) const;
  // End of a file's input: kEndOfStream or kDataLoss.
  Status FinishFile();
  void Disconnect();

  SourceOptions options_;
  bool live_ = false;
  std::string display_uri_;
  ReconnectPolicy policy_;
  InterruptControl interrupt_;
  FfmpegDemuxer demuxer_;
  FfmpegDecoder decoder_;
  Pacer pacer_;
  PacketCallback packet_callback_;
  AVPacket* packet_ = nullptr;
  SourceInfo info_;
  bool opened_ = false;
  bool flushed_ = false;   // a flush packet was sent (input ended)
  bool finished_ = false;  // terminal status reached
  Status final_status_;
  int64_t seq_ = 0;
  int64_t decoded_ = 0;          // frames decoded (files: since open)
  int64_t corrupt_packets_ = 0;  // packets flagged corrupt by the demuxer
  int64_t decode_errors_ = 0;
  int read_error_ = 0;  // first non-EOF demuxer error of a file
  int last_decode_error_ = 0;
  int reconnects_ = 0;
  int64_t last_pts_us_ = INT64_MIN;
  int64_t pts_offset_us_ = 0;  // live: keeps pts monotonic across reconnects
  bool rebase_pts_ = false;
};

}  // namespace es
