// SettingsSlot<T>: an immutable settings snapshot that one thread swaps and others read.
//
// Contract: Store() publishes a new snapshot atomically; Load() returns the current one as a
// shared_ptr to const, so a reader keeps a consistent snapshot for as long as it holds it (a
// stage loads once per frame and never sees half an update). version() counts Store() calls
// (1 after construction), so a reader can tell cheaply that something changed.
// Thread-safety: every method may be called from any thread (std::atomic<std::shared_ptr>).
// Ownership: snapshots are shared; the slot never mutates one after publishing it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace es {

template <typename T>
class SettingsSlot {
 public:
  explicit SettingsSlot(T initial) : current_(std::make_shared<const T>(std::move(initial))) {}
  SettingsSlot(const SettingsSlot&) = delete;
  SettingsSlot& operator=(const SettingsSlot&) = delete;

  std::shared_ptr<const T> Load() const { return current_.load(std::memory_order_acquire); }
  void Store(T next) {
    current_.store(std::make_shared<const T>(std::move(next)), std::memory_order_release);
    version_.fetch_add(1, std::memory_order_acq_rel);
  }
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<const T>> current_;
  std::atomic<uint64_t> version_{1};
};

}  // namespace es
