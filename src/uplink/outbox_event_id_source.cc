#include "uplink/outbox_event_id_source.h"

#include <utility>

namespace es {

OutboxEventIdSource::OutboxEventIdSource(Outbox* outbox, std::string counter_name)
    : outbox_(outbox), name_(std::move(counter_name)) {}

uint64_t OutboxEventIdSource::Next() {
  std::lock_guard lock(mu_);
  auto next = outbox_->NextEventCounter(name_);
  if (next.ok() && static_cast<uint64_t>(*next) > last_) {
    last_ = static_cast<uint64_t>(*next);
    return last_;
  }
  if (error_.ok()) {
    error_ = next.ok() ? Internal("event counter '" + name_ + "' went backwards")
                       : next.status();
  }
  return ++last_;
}

Status OutboxEventIdSource::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace es
