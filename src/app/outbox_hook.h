// OutboxHook: commits every analytics event to the durable outbox on the decision path.
//
// Contract
// - For every frame with events (the end-of-stream packet included), one
//   Outbox::AppendBatch of its events (kEvent, "edgesight/v1/<device>/<stream>/events",
//   Event::ToJson(), event id), in order, together with the event id counter they advanced
//   (OutboxEventIdSource::Persisted), returns — one transaction, fsynced — before the packet
//   goes on to later hooks (alarms, PTZ), the sinks or the summary: "commit before anyone else
//   knows". Then the publisher (if any) is woken to drain.
// - Crops (optional): the CropCollector sees every frame after the events are committed and
//   commits a JPEG of each track's best view when the track ends; Finish() flushes the crops
//   of tracks still held. A crop that cannot be committed is counted, not fatal.
// - A failed commit (disk full, I/O error) or a failure of the durable event id counter stops
//   the run with that Status: losing events silently is worse than stopping (the operator sees
//   the error; the supervisor restarts; committed events are still there).
// - Summary(): events committed (the uplink summary reports depth and delivery).
// Thread-safety: the track thread only; the outbox and publisher must outlive it.
#pragma once

#include <memory>
#include <string>

#include "pipeline/decision_hook.h"
#include "uplink/crop_collector.h"
#include "uplink/mqtt_publisher.h"
#include "uplink/outbox.h"
#include "uplink/outbox_event_id_source.h"

namespace es {

// "edgesight/v1/<device>/<stream>/<leaf>".
std::string StreamTopic(const std::string& device, const std::string& stream,
                        const std::string& leaf);

class OutboxHook final : public DecisionHook {
 public:
  // ids, publisher and crops may be null (no durable ids to check / no uplink: store and
  // forward / no crops).
  OutboxHook(Outbox* outbox, MqttPublisher* publisher, std::string device,
             std::shared_ptr<OutboxEventIdSource> ids, std::unique_ptr<CropCollector> crops);
  Status OnDecision(FramePacket* packet) override;
  Status Finish() override;
  std::string name() const override { return "outbox"; }
  nlohmann::json Summary() const override;

 private:
  Status CommitEvents(const FramePacket& packet);

  Outbox* outbox_;
  MqttPublisher* publisher_;
  std::string device_;
  std::shared_ptr<OutboxEventIdSource> ids_;
  std::unique_ptr<CropCollector> crops_;
  int64_t committed_ = 0;
};

}  // namespace es
