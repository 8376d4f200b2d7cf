// RecorderHook: plugs a Recorder into the pipeline's decision path (pipeline/decision_hook.h).
//
// Contract
// - OnDecision(): hands the frame to Recorder::OnFrame (used only when the source must be
//   re-encoded) and the frame's events to Recorder::OnEvents, which sets Event::clip before the
//   later hooks (the outbox) and the sinks see the events. Always returns Ok: recording is
//   optional and degrades on its own (stats), it never stops the run.
// - Finish(): Recorder::Finish() (bounded by recording.finish_timeout_s); returns Ok.
// - Summary(): RecorderStats::ToJson() under the key "recorder".
// The encoded packets do not pass through here: the source's packet callback must call
// Recorder::OnPacket (FfmpegSource::SetPacketCallback), see docs/recording.md.
// Thread-safety: the track thread only (as every DecisionHook); shares the Recorder.
#pragma once

#include <memory>
#include <string>

#include "pipeline/decision_hook.h"
#include "record/recorder.h"

namespace es {

class RecorderHook final : public DecisionHook {
 public:
  explicit RecorderHook(std::shared_ptr<Recorder> recorder) : recorder_(std::move(recorder)) {}
  Status OnDecision(FramePacket* packet) override;
  Status Finish() override;
  std::string name() const override { return "recorder"; }
  nlohmann::json Summary() const override { return recorder_->stats().ToJson(); }
  std::string Degraded() const override {
    const RecorderStats s = recorder_->stats();
    if (s.degraded_count == 0 && s.clips_failed == 0) return {};
    return "recorder: " + (s.degraded_reason.empty() ? std::to_string(s.clips_failed) +
                                                           " clip(s) failed"
                                                     : s.degraded_reason);
  }

 private:
  std::shared_ptr<Recorder> recorder_;
};

}  // namespace es
