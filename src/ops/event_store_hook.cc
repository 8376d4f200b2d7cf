#include "ops/event_store_hook.h"


namespace es {

namespace {

int64_t WallMillis() { return WallNowMicros() / 1000; }

}  // namespace

EventStoreHook::EventStoreHook(std::shared_ptr<EventStore> store,
                               std::unique_ptr<CropCollector> crops)
    : store_(std::move(store)), crops_(std::move(crops)) {}

void EventStoreHook::Note(const Status& s) {
  if (s.ok()) return;
  ++failures_;
  last_error_ = s.message();
}

Status EventStoreHook::OnDecision(FramePacket* p) {
  if (!p->events.empty()) {
    const Status s = store_->Add(p->events, WallMillis());
    Note(s);
    if (s.ok()) stored_ += static_cast<int64_t>(p->events.size());
  }
  if (crops_) Note(crops_->OnFrame(p->frame, p->tracks, p->events));
  return Status::Ok();
}

Status EventStoreHook::Finish() {
  if (crops_) Note(crops_->FlushAll());
  return Status::Ok();
}

nlohmann::json EventStoreHook::Summary() const {
  nlohmann::json j = {{"stored", stored_}, {"failures", failures_}};
  if (crops_) j["crops"] = crops_->stats().committed;
  if (!last_error_.empty()) j["last_error"] = last_error_;
  return j;
}

std::string EventStoreHook::Degraded() const {
  return failures_ > 0 ? "event store: " + last_error_ : std::string();
}

Result<std::unique_ptr<DecisionHook>> MakeEventStoreHook(std::shared_ptr<EventStore> store,
                                                          const std::string& device,
                                                          int crop_max_side) {
  CropOptions o;
  o.device = device;
  o.max_side = crop_max_side;
  EventStore* raw = store.get();
  o.on_crop = [raw](const CropView& v) {
    if (v.start_id.empty()) return;  // a track without a start event: nothing links to it
    (void)raw->PutCrop(v.stream, v.track_id, v.start_id, v.jpeg, WallMillis());
  };
  ES_ASSIGN_OR_RETURN(std::unique_ptr<CropCollector> crops,
                      CropCollector::Create(nullptr, std::move(o)));
  return std::unique_ptr<DecisionHook>(
      std::make_unique<EventStoreHook>(std::move(store), std::move(crops)));
}

}  // namespace es
