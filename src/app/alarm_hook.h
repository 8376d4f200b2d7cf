// AlarmHook: hands every analytics event to the local AlarmDispatcher (alarm/alarm_dispatcher.h).
//
// Contract: OnDecision() calls Submit() for each event of the frame (closing events included)
// after the outbox committed them; Submit never blocks (the dispatcher queues, rate-limits and
// runs actions on its own thread), and alarm failures never stop the run: they are counted in
// Summary() (the dispatcher's stats, device-wide). The dispatcher is one per process, shared
// by every camera's hook: Finish() waits up to wait_s for queued actions; the dispatcher stops
// (bounded by its stop_timeout_s) when the last hook that shares it is destroyed.
// Thread-safety: the track thread only.
#pragma once

#include <memory>

#include "alarm/alarm_dispatcher.h"
#include "pipeline/decision_hook.h"

namespace es {

class AlarmHook final : public DecisionHook {
 public:
  AlarmHook(std::shared_ptr<AlarmDispatcher> dispatcher, double wait_s)
      : dispatcher_(std::move(dispatcher)), wait_s_(wait_s) {}
  Status OnDecision(FramePacket* packet) override {
    for (const Event& e : packet->events) dispatcher_->Submit(e);
    return Status::Ok();
  }
  Status Finish() override {
    dispatcher_->WaitIdle(wait_s_);
    return Status::Ok();
  }
  std::string name() const override { return "alarm"; }
  nlohmann::json Summary() const override { return dispatcher_->Stats().ToJson(); }
  std::string Degraded() const override {
    const AlarmStats s = dispatcher_->Stats();
    if (s.failed == 0) return {};
    return "alarm: " + std::to_string(s.failed) + " action(s) failed (last: " + s.last_error + ")";
  }

 private:
  std::shared_ptr<AlarmDispatcher> dispatcher_;
  double wait_s_;
};

}  // namespace es
