#include "app/outbox_hook.h"

#include <utility>

namespace es {

std::string StreamTopic(const std::string& device, const std::string& stream,
                        const std::string& leaf) {
  return "edgesight/v1/" + device + "/" + stream + "/" + leaf;
}

OutboxHook::OutboxHook(Outbox* outbox, MqttPublisher* publisher, std::string device,
                       std::shared_ptr<OutboxEventIdSource> ids,
                       std::unique_ptr<CropCollector> crops)
    : outbox_(outbox),
      publisher_(publisher),
      device_(std::move(device)),
      ids_(std::move(ids)),
      crops_(std::move(crops)) {}

Status OutboxHook::OnDecision(FramePacket* packet) {
  ES_RETURN_IF_ERROR(CommitEvents(*packet));
  if (crops_) {
    const int64_t before = crops_->stats().committed;
    ES_RETURN_IF_ERROR(crops_->OnFrame(packet->frame, packet->tracks, packet->events));
    if (publisher_ != nullptr && crops_->stats().committed != before) publisher_->Notify();
  }
  return Status::Ok();
}

Status OutboxHook::Finish() {
  if (!crops_) return Status::Ok();
  Status s = crops_->FlushAll();
  if (publisher_ != nullptr) publisher_->Notify();
  return s;
}

Status OutboxHook::CommitEvents(const FramePacket& packet) {
  if (packet.events.empty()) return Status::Ok();
  if (ids_) {
    if (Status s = ids_->error(); !s.ok()) {
      return Internal("outbox: durable event ids failed: " + s.message());
    }
  }
  // The frame's events and the id counter they advanced: one transaction, one fsync.
  std::vector<OutboxEntry> records;
  records.reserve(packet.events.size());
  for (const Event& e : packet.events) {
    OutboxEntry r;
    r.kind = OutboxKind::kEvent;
    r.topic = StreamTopic(device_, e.stream, "events");
    r.payload = e.ToJson().dump();
    r.message_id = e.id;
    records.push_back(std::move(r));
  }
  std::vector<std::pair<std::string, int64_t>> counters;
  if (ids_) counters.push_back(ids_->Persisted());
  auto seqs = outbox_->AppendBatch(records, counters);
  if (!seqs.ok()) {
    return Internal("outbox: cannot commit the events of frame " +
                    std::to_string(packet.frame.meta.seq) + ": " + seqs.status().message());
  }
  for (size_t i = 0; i < seqs->size(); ++i) {
    if ((*seqs)[i] < 0) {
      return Internal("outbox: cannot commit event " + packet.events[i].id + ": outbox full");
    }
    ++committed_;
  }
  if (publisher_ != nullptr) publisher_->Notify();
  return Status::Ok();
}

nlohmann::json OutboxHook::Summary() const {
  nlohmann::json j = {{"events_committed", committed_}};
  if (crops_) {
    const CropStats& c = crops_->stats();
    j["crops"] = {{"committed", c.committed}, {"dropped", c.dropped}, {"bytes", c.bytes}};
    if (!c.last_error.empty()) j["crops"]["last_error"] = c.last_error;
  }
  return j;
}

}  // namespace es
