// VideoSource: where frames come from (file, RTSP, synthetic scene).
//
// Contract: Open() once, then Read() repeatedly from one thread. Read() fills a BGR frame with
// stream id, a 0-based sequence number, the capture time (steady clock, when decoding finished)
// and pts. It returns kEndOfStream when a file or a bounded synthetic scene ends cleanly,
// kDataLoss when a file turns out truncated or corrupt (after returning every good frame),
// kUnavailable when a network source is down after its bounded reconnect attempts. Interrupt()
// may be called from another thread to make a blocking Open()/Read() return kCancelled soon.
// MakeSource picks the implementation from the URI; it does not open anything.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/types.h"
#include "source/source_options.h"

namespace es {

struct SourceInfo {
  int width = 0, height = 0;
  double fps = 0;             // nominal frame rate (0 if unknown)
  int64_t frame_count = -1;   // declared number of frames, -1 if unknown or live
  std::string codec;          // e.g. "h264", "msmpeg4v3", "synthetic"
  bool live = false;          // network source: never pace, always drop-oldest
};

class VideoSource {
 public:
  virtual ~VideoSource() = default;
  virtual Status Open() = 0;
  virtual Status Read(Frame* frame) = 0;
  virtual SourceInfo info() const = 0;
  virtual void Interrupt() {}
  // Ground truth boxes of the frame last returned by Read(), for sources that know it
  // (synthetic scenes); MOTChallenge ids in Detection-like form. Empty otherwise.
  virtual std::vector<TrackOutput> GroundTruth() const { return {}; }
};

Result<std::unique_ptr<VideoSource>> MakeSource(const SourceOptions& options);

}  // namespace es
