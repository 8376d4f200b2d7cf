#include "app/outbox_hook.h"

#include <utility>

namespace es {

std::string StreamTopic(const std::string& device, const std::string& stream,
                        const std::string& leaf) {
  return "edgesight/v1/" + device + "/" + stream + "/" + leaf;
}

OutboxHook::OutboxHook(Outbox* outbox, MqttPublisher* publisher, std::string device,
                       std::shared_ptr<OutboxEventIdSource> ids)
    : outbox_(outbox), publisher_(publisher), device_(std::move(device)), ids_(std::move(ids)) {}

Status OutboxHook::OnDecision(FramePacket* packet) {
  if (packet->events.empty()) return Status::Ok();
  if (ids_) {
    if (Status s = ids_->error(); !s.ok()) {
      return Internal("outbox: durable event ids failed: " + s.message());
    }
  }
  for (const Event& e : packet->events) {
    auto seq = outbox_->Append(OutboxKind::kEvent, StreamTopic(device_, e.stream, "events"),
                               e.ToJson().dump(), e.id);
    if (!seq.ok()) return Internal("outbox: cannot commit event " + e.id + ": " + seq.status().message());
    ++committed_;
  }
  if (publisher_ != nullptr) publisher_->Notify();
  return Status::Ok();
}

nlohmann::json OutboxHook::Summary() const {
  return {{"events_committed", committed_}};
}

}  // namespace es
