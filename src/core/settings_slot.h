// SettingsSlot<T>: an immutable settings snapshot that one thread swaps and others read.
//
// Contract: Store() publishes a new snapshot atomically; Load() returns the current one as a
// shared_ptr to const, so a reader keeps a consistent snapshot for as long as it holds it (a
// stage loads once per frame and never sees half an update). version() counts Store() calls
// (1 after construction), so a reader can tell cheaply that something changed.
// Thread-safety: every method may be called from any thread. The pointer is guarded by a mutex,
// not std::atomic<std::shared_ptr>: GCC 12's libstdc++ releases that type's internal lock with
// memory_order_relaxed in load(), which ThreadSanitizer reports as a race against a concurrent
// store (found with the governor patching a running camera) and which weakly ordered CPUs
// (ARM64) may act on. One uncontended lock per frame costs nothing measurable.
// Ownership: snapshots are shared; the slot never mutates one after publishing it. The replaced
// snapshot is released outside the lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace es {

template <typename T>
class SettingsSlot {
 public:
  explicit SettingsSlot(T initial) : current_(std::make_shared<const T>(std::move(initial))) {}
  SettingsSlot(const SettingsSlot&) = delete;
  SettingsSlot& operator=(const SettingsSlot&) = delete;

  std::shared_ptr<const T> Load() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Store(T next) {
    std::shared_ptr<const T> p = std::make_shared<const T>(std::move(next));
    {
      std::lock_guard lock(mu_);
      current_.swap(p);
      version_.fetch_add(1, std::memory_order_acq_rel);
    }
  }  // p, now the old snapshot, is released here
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const T> current_;
  std::atomic<uint64_t> version_{1};
};

}  // namespace es
