// EventStoreHook: puts each decision frame's events, and each track's best crop, into the
// local event store (event_store.h) for the API and the dashboard.
//
// Contract: runs after the outbox hook (events are committed for delivery first). A store
// that fails (disk full) never stops the run: the failure is counted and the camera reports
// "event store: <error>" as a degradation; the next frames are tried again.
// Thread-safety: the camera's track thread only; the store is shared and thread-safe.
#pragma once

#include <memory>
#include <string>

#include "ops/event_store.h"
#include "pipeline/decision_hook.h"
#include "uplink/crop_collector.h"

namespace es {

class EventStoreHook final : public DecisionHook {
 public:
  // crops: a collector whose on_crop feeds the same store (MakeEventStoreHook builds both).
  EventStoreHook(std::shared_ptr<EventStore> store, std::unique_ptr<CropCollector> crops);
  Status OnDecision(FramePacket* packet) override;
  Status Finish() override;
  std::string name() const override { return "event_store"; }
  nlohmann::json Summary() const override;
  std::string Degraded() const override;

 private:
  void Note(const Status& s);

  std::shared_ptr<EventStore> store_;
  std::unique_ptr<CropCollector> crops_;
  int64_t stored_ = 0;
  int64_t failures_ = 0;
  std::string last_error_;
};

Result<std::unique_ptr<DecisionHook>> MakeEventStoreHook(std::shared_ptr<EventStore> store,
                                                          const std::string& device,
                                                          int crop_max_side);

}  // namespace es
