// OutboxEventIdSource: event id counters that survive restarts, kept in the outbox database.
//
// Contract: Next() returns Outbox::NextEventCounter(counter_name): strictly increasing across
// process restarts and crashes (the counter row is committed, fsynced, before Next() returns),
// so "<device>/<stream>/<counter>" is globally unique for a device. One durable transaction per
// event: events are rare next to frames. Next() cannot fail (EventIdSource contract): if the
// database refuses the update it continues from the last value it handed out, in memory, and
// reports the error through error() (the caller — the outbox hook — then fails the run, since
// an outbox that cannot commit cannot keep the no-loss promise either).
// Thread-safety: thread-safe (a mutex around the outbox call); the outbox must outlive it.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "analytics/event_id_source.h"
#include "edgesight/status.h"
#include "uplink/outbox.h"

namespace es {

class OutboxEventIdSource final : public EventIdSource {
 public:
  // counter_name: one counter per stream keeps each stream's counters dense ("event/<stream>").
  OutboxEventIdSource(Outbox* outbox, std::string counter_name);
  uint64_t Next() override;
  // The first storage error since construction (OK when none).
  Status error() const;

 private:
  Outbox* outbox_;
  std::string name_;
  mutable std::mutex mu_;
  uint64_t last_ = 0;
  Status error_;
};

}  // namespace es
