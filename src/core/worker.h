// Worker: one named thread that runs a body once, the thread half of every worker in the
// runtime (the mailbox half is core/bounded_queue.h). A worker's body is a loop over its
// BoundedQueue; closing the queue ends the loop, and Join() waits for it.
//
// Contract
// - Start(name, body) starts the thread (at most once; a second Start is ignored). The name
//   (first 15 bytes, the kernel's limit) is what `top -H`, perf and gdb show.
// - Join() waits for the body to return; it is idempotent and safe from several threads at
//   once (the second caller waits for the first). The destructor joins.
// - The body runs with SIGPIPE blocked: workers write to sockets and pipes of children that may
//   have gone away, and such a write must fail with EPIPE rather than kill the process.
// Thread-safety: Start/Join/started from any thread; the body must not Join its own worker.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace es {

class Worker {
 public:
  Worker() = default;
  Worker(std::string name, std::function<void()> body) { Start(std::move(name), std::move(body)); }
  ~Worker() { Join(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Start(std::string name, std::function<void()> body);
  void Join();
  // True from Start() until Join() has returned.
  bool started() const;

 private:
  mutable std::mutex mu_;
  std::thread thread_;
};

}  // namespace es
