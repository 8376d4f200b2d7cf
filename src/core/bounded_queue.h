// BoundedQueue<T>: the one mailbox between threads: a fixed-capacity MPMC queue with a named
// policy for a full queue, used by the pipeline stages and by every worker (recorder, encoder,
// alarms, PTZ, MQTT publisher) together with core/worker.h.
//
// Policies (what Push does when the queue is full):
//   kDropOldest  never blocks; the oldest item is discarded and counted (latest wins: video
//                frames, so capture never waits for inference; a PTZ command nobody sent yet).
//   kBlock       waits for space (events, offline processing that must not lose frames).
//   kRefuseNew   never blocks; the new item is refused and counted (alarm actions: the ones
//                already promised keep their place).
//   kCoalesce    never blocks; the new item is folded into the newest queued one by the merge
//                function given at construction (a command and a status request for one head).
// Capacity kUnbounded never fills (transport events, whose loss would lose acknowledgements).
// Close() wakes every waiter: Push returns false and Pop drains what is left, then returns
// std::nullopt. Nothing deadlocks on shutdown as long as every consumer eventually sees Close().
// Work accounting (as Python's queue.Queue): every accepted item is unfinished until its
// consumer calls TaskDone() after handling it (or it is dropped, coalesced or Drain()ed);
// WaitDone() waits for none to be unfinished, which is "queue empty and consumer idle".
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <string>

namespace es {

enum class QueuePolicy { kDropOldest, kBlock, kRefuseNew, kCoalesce };

// What Offer() did with an item.
enum class Offered { kQueued, kDroppedOldest, kCoalesced, kRefused, kClosed };

template <typename T>
class BoundedQueue {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  // kCoalesce: merge(newest queued item, incoming item).
  using Merge = std::function<void(T&, T&&)>;
  static constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

  BoundedQueue(std::string name, size_t capacity, QueuePolicy policy, Merge merge = {})
      : name_(std::move(name)),
        capacity_(capacity == 0 ? 1 : capacity),
        policy_(policy == QueuePolicy::kCoalesce && !merge ? QueuePolicy::kDropOldest : policy),
        merge_(std::move(merge)) {}

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Returns false if the item was not queued: the queue is closed, or full under kRefuseNew.
  bool Push(T item) {
    const Offered o = Offer(std::move(item));
    return o != Offered::kRefused && o != Offered::kClosed;
  }

  Offered Offer(T item) {
    std::unique_lock lock(mu_);
    if (policy_ == QueuePolicy::kBlock) {
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    }
    if (closed_) return Offered::kClosed;
    Offered result = Offered::kQueued;
    if (items_.size() >= capacity_) {
      ++dropped_;
      switch (policy_) {
        case QueuePolicy::kRefuseNew:
          return Offered::kRefused;
        case QueuePolicy::kCoalesce:
          merge_(items_.back(), std::move(item));
          ++pushed_;
          not_empty_.notify_one();
          return Offered::kCoalesced;
        default:
          items_.pop_front();
          FinishLocked(1);
          result = Offered::kDroppedOldest;
      }
    }
    items_.push_back(std::move(item));
    ++pushed_;
    ++unfinished_;
    not_empty_.notify_one();
    return result;
  }

  // Blocks until an item is available or the queue is closed and empty.
  std::optional<T> Pop() { return PopUntil(SteadyTime::max()); }

  // As Pop(), but gives up at `deadline` (std::nullopt; closed() tells the two apart).
  std::optional<T> PopUntil(SteadyTime deadline) {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); }) ||
        items_.empty()) {
      return std::nullopt;
    }
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // Waits until at least one item is queued, the queue is closed, or `deadline`; then takes
  // everything queued (possibly nothing).
  std::deque<T> PopAllUntil(SteadyTime deadline) {
    std::unique_lock lock(mu_);
    not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); });
    std::deque<T> out;
    out.swap(items_);
    not_full_.notify_all();
    return out;
  }

  // Removes everything queued without handing it to a consumer (they count as finished).
  std::deque<T> Drain() {
    std::lock_guard lock(mu_);
    std::deque<T> out;
    out.swap(items_);
    FinishLocked(out.size());
    not_full_.notify_all();
    return out;
  }

  // The consumer has handled `n` popped items.
  void TaskDone(size_t n = 1) {
    std::lock_guard lock(mu_);
    FinishLocked(n);
  }

  // Waits until every accepted item is finished (TaskDone, dropped or drained), at most until
  // `deadline`; true when none is left.
  bool WaitDone(SteadyTime deadline) {
    std::unique_lock lock(mu_);
    return done_.wait_until(lock, deadline, [&] { return unfinished_ == 0; });
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
  // Items discarded (kDropOldest), refused (kRefuseNew) or merged (kCoalesce) because the
  // queue was full.
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
  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

 private:
  void FinishLocked(size_t n) {
    unfinished_ = n >= unfinished_ ? 0 : unfinished_ - n;
    if (unfinished_ == 0) done_.notify_all();
  }

  const std::string name_;
  const size_t capacity_;
  const QueuePolicy policy_;
  const Merge merge_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_, not_full_, done_;
  std::deque<T> items_;
  bool closed_ = false;
  uint64_t dropped_ = 0, pushed_ = 0;
  size_t unfinished_ = 0;
};

}  // namespace es
