// SourceUsageHook: records in the outbox what the camera delivered (seconds of video, encoded
// bytes, geometry, codec), so `edgesight uplink-stats` can compare the bytes uplinked per
// camera-hour with what streaming the raw video would have cost.
//
// Contract
// - OnPacket() (the source's packet callback, capture thread) adds the packet size and notes the
//   codec; it is two atomic/locked updates, never I/O. Sources without packets (synthetic) leave
//   the bytes at 0 and the report estimates them from the geometry.
// - OnDecision() (track thread) measures media time from the frames' pts (the gap to the
//   previous frame, capped at 1 s so a stall is not counted as video) and, every flush_every_s
//   of media time and at Finish(), adds the delta since the last flush to the outbox
//   (Outbox::AddSourceUsage): a crash loses at most flush_every_s of accounting, never events.
// - Accounting failures are counted in Summary(), never fatal.
// Thread-safety: OnPacket from one thread, the hook methods from the track thread.
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "pipeline/decision_hook.h"
#include "uplink/outbox.h"

extern "C" {
struct AVPacket;
struct AVStream;
}

namespace es {

class SourceUsageHook final : public DecisionHook {
 public:
  SourceUsageHook(Outbox* outbox, std::string stream, double flush_every_s = 60.0);
  void OnPacket(const AVPacket& packet, const AVStream& stream);
  Status OnDecision(FramePacket* packet) override;
  Status Finish() override;
  std::string name() const override { return "source_usage"; }
  nlohmann::json Summary() const override;

 private:
  void Flush();

  Outbox* outbox_;
  std::string stream_;
  double flush_every_s_;
  std::atomic<int64_t> bytes_{0};
  mutable std::mutex codec_mu_;
  std::string codec_;
  // Track thread only.
  int64_t last_pts_us_ = -1;
  int64_t frames_ = 0;
  double seconds_ = 0, unflushed_s_ = 0;
  int64_t flushed_bytes_ = 0;
  int width_ = 0, height_ = 0;
  int failures_ = 0;
  std::string last_error_;
};

}  // namespace es
