// FrameSink: consumer at the end of the pipeline (per-frame JSON, annotated video, ...).
//
// Consume() is called for every processed frame, in order, from the output thread only. Open
// errors are reported by the factory functions; a write failure is returned from Consume()/Close()
// as kUnavailable or kInternal and stops the run (no silent data loss).
#pragma once

#include <memory>
#include <string>

#include "edgesight/status.h"
#include "pipeline/frame_packet.h"
#include "source/video_source.h"

namespace es {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Called once, before the first Consume(), with what the opened source reported.
  virtual Status Start(const SourceInfo& info) { return Status::Ok(); }
  virtual Status Consume(const FramePacket& packet) = 0;
  virtual Status Close() = 0;
};

// One JSON object per line and frame:
// {"stream":..,"frame":N,"pts":seconds,"detector":"ran|interval|no_motion",
//  "detections":[{"class":..,"score":..,"box":[x,y,w,h]}],
//  "tracks":[{"id":7,"class":"person","score":0.8,"box":[x,y,w,h],"predicted":false}],
//  "events":[]}
Result<std::unique_ptr<FrameSink>> MakeJsonLinesSink(const std::string& path);

// The annotated video sink lives in record/annotated_video_sink.h (it encodes with FFmpeg).

}  // namespace es
