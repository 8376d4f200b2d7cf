// DecisionHook: work that must happen on the decision path, right after analytics and before
// the frame reaches the output sinks (recorder clip naming, the durable outbox commit, local
// alarms, PTZ linkage, crops).
//
// Contract
// - OnDecision() runs on the track thread for every frame, in the order the hooks were added,
//   after the tracker and analytics filled packet->tracks and packet->events. A hook may annotate
//   the events (the recorder sets Event::clip) and later hooks see that; nothing downstream
//   (sinks, the JSON lines, the summary) sees an event before every hook has returned, so a hook
//   that commits events durably (the outbox) runs before anything else learns of them.
// - The end-of-stream packet (packet->end_of_stream, no image, the events that close open
//   episodes) also goes through every hook, then Finish() is called once on each hook from the
//   same thread after the last packet (flush and join what the hook owns, bounded in time).
// - A non-OK Status stops the run (use it for "cannot keep the no-loss promise", e.g. the outbox
//   cannot commit); optional features (alarms, recording, PTZ) degrade and report in their own
//   stats instead of failing the run.
// - Hooks must not block for long: slow work (disk, network, a PTZ head) goes to the hook's own
//   thread behind a bounded queue. Summary() adds the hook's counters to the run summary.
// Thread-safety: called from the track thread only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/status.h"
#include "pipeline/frame_packet.h"

namespace es {

class DecisionHook {
 public:
  virtual ~DecisionHook() = default;
  virtual Status OnDecision(FramePacket* packet) = 0;
  virtual Status Finish() { return Status::Ok(); }
  // Key in the summary's "hooks" object, e.g. "outbox", "recorder", "alarm", "ptz".
  virtual std::string name() const = 0;
  virtual nlohmann::json Summary() const { return nlohmann::json::object(); }
  // Why this hook's component is degraded ("alarm: 3 actions failed (...)"), or "" when it is
  // healthy. Read after Finish(); the run's status becomes "degraded: ..." when any is set.
  virtual std::string Degraded() const { return {}; }
};

}  // namespace es
