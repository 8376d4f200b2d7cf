// OutboxEventIdSource: event id counters that survive restarts, kept in the outbox database.
//
// Contract: Next() hands out the next value of the persistent counter `counter_name` from memory
// (the first call reads the stored value). It does no I/O per event: the value reaches the
// database in the same transaction as the events that carry the ids (Persisted(), passed to
// Outbox::AppendBatch by the outbox hook), so one decision frame costs one fsync. An id handed
// out but never committed (a crash in between) is handed out again after a restart; nobody saw
// it, because nothing learns of an event before the outbox has it. Ids are therefore strictly
// increasing across restarts among committed events, and "<device>/<stream>/<counter>" is
// globally unique for a device. Next() cannot fail (EventIdSource contract): if the stored value
// cannot be read it counts from 0 and reports the error through error() (the outbox hook then
// fails the run: an outbox that cannot be read cannot keep the no-loss promise either).
// Thread-safety: thread-safe (a mutex); the outbox must outlive it.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "analytics/event_id_source.h"
#include "edgesight/status.h"
#include "uplink/outbox.h"

namespace es {

class OutboxEventIdSource final : public EventIdSource {
 public:
  // counter_name: one counter per stream keeps each stream's counters dense ("event/<stream>").
  OutboxEventIdSource(Outbox* outbox, std::string counter_name);
  uint64_t Next() override;
  // (counter name, last value handed out), for Outbox::AppendBatch's counters_at_least.
  std::pair<std::string, int64_t> Persisted() const;
  // The first storage error since construction (OK when none).
  Status error() const;

 private:
  void LoadLocked();

  Outbox* outbox_;
  std::string name_;
  mutable std::mutex mu_;
  bool loaded_ = false;
  uint64_t last_ = 0;
  Status error_;
};

}  // namespace es
