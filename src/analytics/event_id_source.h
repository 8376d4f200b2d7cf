// EventIdSource: the monotonic counter behind globally unique event ids.
//
// Contract: Next() returns a strictly increasing value on every call (never repeats within the
// life of the source). An event id is "<device>/<stream>/<counter>" (see MakeEventId); for ids
// to stay unique across restarts a durable implementation (e.g. one that persists a reserved
// block of counters in the outbox) is plugged in later behind this interface. Next() cannot
// fail: a durable implementation reserves blocks ahead and reports storage trouble elsewhere.
// InMemoryEventIdSource is the process-local implementation (tests, runs without an outbox);
// it is thread-safe (atomic), so several streams may share one.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace es {

class EventIdSource {
 public:
  virtual ~EventIdSource() = default;
  virtual uint64_t Next() = 0;
};

class InMemoryEventIdSource final : public EventIdSource {
 public:
  // The first Next() returns `first`.
  explicit InMemoryEventIdSource(uint64_t first = 1) : next_(first) {}
  uint64_t Next() override { return next_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> next_;
};

// "<device>/<stream>/<counter>", e.g. "cam-host-1/front/42".
std::string MakeEventId(const std::string& device, const std::string& stream, uint64_t counter);

}  // namespace es
