// PacketStreamInfo and PacketPtr: owned copies of what an encoded packet needs beyond its bytes.
//
// Contract: FFmpeg hands packets and streams to the recorder only for the duration of a call;
// PacketStreamInfo keeps an owned copy of the stream's codec parameters, time base and start
// time, shared (immutable) by every packet of that stream in the ring, the queue and the clip
// writer. ToMicros() maps a timestamp of the stream to the pipeline's stream clock exactly as
// FfmpegSource maps frame pts (ts - start_time, in microseconds), so event times (pts_us) and
// packet times compare directly. PacketPtr owns an AVPacket reference (av_packet_free).
// Failure: From() returns null when FFmpeg cannot allocate.
// Thread-safety: PacketStreamInfo is immutable after From() (share freely); a PacketPtr has one
// owner at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace es {

struct AvPacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using PacketPtr = std::unique_ptr<AVPacket, AvPacketDeleter>;

// A new reference to `pkt` (its data is shared when ref-counted, copied otherwise); null when
// FFmpeg cannot allocate.
PacketPtr ClonePacket(const AVPacket& pkt);

class PacketStreamInfo {
 public:
  ~PacketStreamInfo();
  PacketStreamInfo(const PacketStreamInfo&) = delete;
  PacketStreamInfo& operator=(const PacketStreamInfo&) = delete;

  // start_time in time_base units, or AV_NOPTS_VALUE (treated as 0).
  static std::shared_ptr<const PacketStreamInfo> From(const AVCodecParameters& par,
                                                      AVRational time_base, int64_t start_time);

  // True when `par`/`time_base` describe the same stream setup (codec, size, extradata, tb).
  bool Matches(const AVCodecParameters& par, AVRational time_base, int64_t start_time) const;
  int64_t ToMicros(int64_t ts) const;
  // True for the codecs a clip can take by stream copy (H.264, H.265).
  bool copyable() const;
  std::string codec_name() const;  // "h264", "hevc", "mpeg4", ...

  const AVCodecParameters& par() const { return *par_; }
  AVRational time_base() const { return time_base_; }

 private:
  PacketStreamInfo() = default;
  AVCodecParameters* par_ = nullptr;
  AVRational time_base_{1, 1000000};
  int64_t start_time_ = 0;
};

}  // namespace es
