// ArmedHook: tells the shared detector which cameras are armed.
//
// Contract: a camera is armed while at least one track is inside one of its armed zones
// (analytics.zones[].armed), as the zone episodes say: a zone start event opens one, its end
// event closes it (the end-of-stream packet closes them all). On every change of that state the
// hook calls set_armed(bool) (DetectionService::SetArmed for this camera), so the scheduler
// serves an armed camera before unarmed ones and sheds it last. Pure bookkeeping on the events:
// no I/O, never fails. Summary(): {"armed": now, "armed_changes": n}.
// Thread-safety: the track thread only; set_armed must be thread-safe.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>

#include "pipeline/decision_hook.h"

namespace es {

class ArmedHook final : public DecisionHook {
 public:
  ArmedHook(std::set<std::string> armed_zones, std::function<void(bool)> set_armed)
      : zones_(std::move(armed_zones)), set_armed_(std::move(set_armed)) {}

  Status OnDecision(FramePacket* packet) override {
    for (const Event& e : packet->events) {
      if (e.type != EventType::kZone || !zones_.count(e.zone)) continue;
      if (e.phase == EventPhase::kStart) open_.insert(e.start_id);
      if (e.phase == EventPhase::kEnd) open_.erase(e.start_id);
    }
    const bool armed = !open_.empty();
    if (armed != armed_) {
      armed_ = armed;
      ++changes_;
      set_armed_(armed);
    }
    return Status::Ok();
  }
  std::string name() const override { return "armed"; }
  nlohmann::json Summary() const override {
    return {{"armed", armed_}, {"armed_changes", changes_}};
  }

 private:
  std::set<std::string> zones_;
  std::function<void(bool)> set_armed_;
  std::set<std::string> open_;  // start ids of open episodes in armed zones
  bool armed_ = false;
  int changes_ = 0;
};

}  // namespace es
