#include "core/worker.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"

namespace es {
namespace {

TEST(Worker, RunsTheBodyOnANamedThreadWithSigpipeBlocked) {
  std::string name;
  bool sigpipe_blocked = false;
  {
    Worker w("es-test-worker-long-name", [&] {
      char buf[32] = {};
      pthread_getname_np(pthread_self(), buf, sizeof buf);
      name = buf;
      sigset_t set;
      pthread_sigmask(SIG_BLOCK, nullptr, &set);
      sigpipe_blocked = sigismember(&set, SIGPIPE) == 1;
    });
    EXPECT_TRUE(w.started());
  }                                    // the destructor joins
  EXPECT_EQ(name, "es-test-worker-");  // the kernel keeps 15 bytes
  EXPECT_TRUE(sigpipe_blocked);
}

TEST(Worker, JoinIsIdempotentFromSeveralThreads) {
  BoundedQueue<int> q("jobs", 4, QueuePolicy::kBlock);
  std::atomic<int> sum{0};
  Worker w;
  EXPECT_FALSE(w.started());
  w.Start("sum", [&] {
    while (auto v = q.Pop()) sum += *v;
  });
  w.Start("again", [&] { sum += 1000000; });  // ignored: already started
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(q.Push(i));
  q.Close();
  std::vector<std::thread> joiners;
  for (int i = 0; i < 3; ++i) joiners.emplace_back([&] { w.Join(); });
  for (std::thread& t : joiners) t.join();
  w.Join();
  EXPECT_FALSE(w.started());
  EXPECT_EQ(sum.load(), 55);
}

}  // namespace
}  // namespace es
