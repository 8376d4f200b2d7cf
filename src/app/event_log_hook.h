// EventLogHook: one journal line per event when edgesight runs as a service.
//
// Contract
// - Added to every camera when stderr is the systemd journal (StderrIsJournal()); elsewhere the
//   events go to the summary, --events-out, the outbox and the API, and the terminal stays quiet.
// - OnDecision(): each event of the frame becomes one LogLine, after the outbox has committed
//   it (the hook runs after the uplink's): start and instant events at level notice, update and
//   end events at info, so `journalctl -u edgesight -p notice` lists what began:
//     event edge0/gate/42 zone start camera=gate track=7 class=0 score=0.81 zone=yard
//       [line=... direction=A->B] [clip=clip_gate_....mp4]
// - Summary(): {"lines": N}.
// Thread-safety: the track thread only (a DecisionHook).
#pragma once

#include <cstdint>
#include <string>

#include "analytics/event.h"
#include "pipeline/decision_hook.h"

namespace es {

// The line for one event (without the "edgesight: " prefix LogLine adds).
std::string EventLogLine(const Event& e);

class EventLogHook final : public DecisionHook {
 public:
  Status OnDecision(FramePacket* packet) override;
  std::string name() const override { return "event_log"; }
  nlohmann::json Summary() const override { return {{"lines", lines_}}; }

 private:
  int64_t lines_ = 0;
};

}  // namespace es
