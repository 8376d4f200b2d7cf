#include "uplink/outbox_event_id_source.h"

#include <utility>

namespace es {

OutboxEventIdSource::OutboxEventIdSource(Outbox* outbox, std::string counter_name)
    : outbox_(outbox), name_(std::move(counter_name)) {}

void OutboxEventIdSource::LoadLocked() {
  if (loaded_) return;
  loaded_ = true;
  auto stored = outbox_->CounterValue(name_);
  if (stored.ok() && *stored >= 0) {
    last_ = static_cast<uint64_t>(*stored);
  } else if (error_.ok()) {
    error_ = stored.ok() ? Internal("event counter '" + name_ + "' is negative") : stored.status();
  }
}

uint64_t OutboxEventIdSource::Next() {
  std::lock_guard lock(mu_);
  LoadLocked();
  return ++last_;
}

std::pair<std::string, int64_t> OutboxEventIdSource::Persisted() const {
  std::lock_guard lock(mu_);
  return {name_, static_cast<int64_t>(last_)};
}

Status OutboxEventIdSource::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace es
