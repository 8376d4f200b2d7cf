// EscalationHook: one camera's escalations, on the decision path after the outbox commit (so the
// track's start event is durable before its escalation names it) and before alarms and PTZ.
//
// Contract
// - OnDecision() follows the frame's events (a track's start event id; zone entries and exits:
//   which zones each track is in), asks the camera's EscalationPolicy which tracks to escalate
//   on this frame (media time = the frame's pts), and for each cuts the box plus
//   escalate.context out of the frame (uplink/crop_image.h: the crop collector's code),
//   encodes it as a JPEG (<= 48 KiB, longest side <= max_side), takes the next durable
//   counter "escalation/<stream>" from the outbox (ids survive restarts:
//   "<device>/<stream>/esc/<n>") and hands the Escalation (reason, zone, the edge model's id)
//   to EscalationRuntime::Commit, which makes it durable and wakes the publisher.
// - The end-of-stream packet and frames without an image escalate nothing. A crop that cannot
//   be cut or encoded is counted (crop_failed) and skipped. A failure of the durable counter or
//   of the commit stops the run (as the outbox hook: an escalation the device said it sent
//   must exist).
// - Summary(): chosen per reason, skipped by the interval and the hourly budget, committed.
// Thread-safety: the camera's track thread only; the runtime and the outbox outlive the hook.
#pragma once

#include <map>
#include <set>
#include <string>

#include "app/escalation_runtime.h"
#include "pipeline/decision_hook.h"
#include "uplink/escalation_policy.h"

namespace es {

class EscalationHook final : public DecisionHook {
 public:
  EscalationHook(EscalationRuntime* runtime, Outbox* outbox, EscalateOptions options,
                 std::string stream, std::string model, int max_side = 256);
  Status OnDecision(FramePacket* packet) override;
  std::string name() const override { return "escalate"; }
  nlohmann::json Summary() const override;

 private:
  Status Escalate(const Frame& frame, const EscalationChoice& c);

  EscalationRuntime* runtime_;
  Outbox* outbox_;
  EscalationPolicy policy_;
  std::string stream_;
  std::string model_;
  int max_side_;
  std::map<int, std::string> start_ids_;           // track id -> its start event id
  std::map<int, std::set<std::string>> zones_of_;  // track id -> zones it is inside
  int64_t committed_ = 0;
  int64_t crop_failed_ = 0;
};

}  // namespace es
