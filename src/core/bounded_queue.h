// BoundedQueue<T>: a fixed-capacity MPMC queue between pipeline threads with a named policy.
//
// Policies:
//   kDropOldest  Push never blocks; when full, the oldest item is discarded and counted
//                (latest wins: video frames, so capture never waits for inference).
//   kBlock       Push waits for space (events, offline processing that must not lose frames).
// Close() wakes every waiter: Push returns false and Pop drains what is left, then returns
// std::nullopt. Nothing deadlocks on shutdown as long as every consumer eventually sees Close().
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace es {

enum class QueuePolicy { kDropOldest, kBlock };

template <typename T>
class BoundedQueue {
 public:
  BoundedQueue(std::string name, size_t capacity, QueuePolicy policy)
      : name_(std::move(name)), capacity_(capacity == 0 ? 1 : capacity), policy_(policy) {}

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Returns false if the queue is closed (the item is discarded).
  bool Push(T item) {
    std::unique_lock lock(mu_);
    if (policy_ == QueuePolicy::kBlock) {
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    }
    if (closed_) return false;
    if (items_.size() >= capacity_) {
      items_.pop_front();
      ++dropped_;
    }
    items_.push_back(std::move(item));
    ++pushed_;
    not_empty_.notify_one();
    return true;
  }

  // Blocks until an item is available or the queue is closed and empty.
  std::optional<T> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  const std::string& name() const { return name_; }
  size_t capacity() const { return capacity_; }
  QueuePolicy policy() const { return policy_; }
  uint64_t dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
  }
  uint64_t pushed() const {
    std::lock_guard lock(mu_);
    return pushed_;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }

 private:
  const std::string name_;
  const size_t capacity_;
  const QueuePolicy policy_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  bool closed_ = false;
  uint64_t dropped_ = 0, pushed_ = 0;
};

}  // namespace es
