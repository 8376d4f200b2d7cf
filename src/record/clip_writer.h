// ClipWriter: writes one clip file by stream copy (libavformat remux, no decoding, no encoding).
//
// Contract
// - Open() creates `path` (exclusive: an existing file is an error, never overwritten) with the
//   container "mp4" (ISO BMFF), "mkv" (Matroska) or "ts" (MPEG-TS) and one video stream whose
//   codec parameters are copied from `info`.
// - Write() takes packets in decode order, the first a keyframe. Timestamps are rebased so the
//   first packet's decode time is 0 and rescaled to the muxer's time base; missing pts/dts are
//   filled from each other, and decode times are forced strictly increasing (a remuxed clip
//   must be playable even when the source's timestamps are not clean).
// - Finish() writes the trailer and closes the file; Abort() closes and deletes it.
// Failure: every I/O error (ENOSPC, EFBIG, EIO, a vanished directory) comes back as
// kUnavailable "clip 'PATH': <FFmpeg's reason>"; the caller then Abort()s. Never throws.
// Thread-safety: one thread per writer (the recorder's writer thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "edgesight/status.h"
#include "record/packet_stream.h"

namespace es {

class ClipWriter {
 public:
  ~ClipWriter();
  ClipWriter(const ClipWriter&) = delete;
  ClipWriter& operator=(const ClipWriter&) = delete;

  static Result<std::unique_ptr<ClipWriter>> Open(const std::string& path,
                                                  const std::string& container,
                                                  std::shared_ptr<const PacketStreamInfo> info);
  Status Write(const AVPacket& packet);
  Status Finish();
  void Abort();

  // Bytes the muxer has produced so far (the file size after Finish()).
  int64_t bytes() const;
  int64_t packets() const { return packets_; }
  const std::string& path() const { return path_; }

 private:
  ClipWriter() = default;
  Status Fail(int err, const char* what);
  void CloseIo();

  std::string path_;
  std::shared_ptr<const PacketStreamInfo> info_;
  AVFormatContext* oc_ = nullptr;
  AVStream* st_ = nullptr;
  AVPacket* tmp_ = nullptr;
  int64_t origin_ = AV_NOPTS_VALUE;  // first packet's dts (source time base)
  int64_t last_dts_ = AV_NOPTS_VALUE;
  int64_t last_src_dts_ = AV_NOPTS_VALUE;
  int64_t packets_ = 0;
  int64_t final_bytes_ = -1;
};

}  // namespace es
