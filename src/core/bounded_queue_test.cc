#include "core/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace es {
namespace {

TEST(BoundedQueue, DropOldestKeepsLatestAndCounts) {
  BoundedQueue<int> q("q", 2, QueuePolicy::kDropOldest);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.Push(i));
  EXPECT_EQ(q.dropped(), 3u);
  EXPECT_EQ(q.pushed(), 5u);
  EXPECT_EQ(*q.Pop(), 3);
  EXPECT_EQ(*q.Pop(), 4);
  EXPECT_EQ(q.size(), 0u);
}

TEST(BoundedQueue, CloseDrainsThenEnds) {
  BoundedQueue<int> q("q", 4, QueuePolicy::kBlock);
  ASSERT_TRUE(q.Push(1));
  ASSERT_TRUE(q.Push(2));
  q.Close();
  EXPECT_FALSE(q.Push(3));
  EXPECT_EQ(*q.Pop(), 1);
  EXPECT_EQ(*q.Pop(), 2);
  EXPECT_FALSE(q.Pop().has_value());
}

TEST(BoundedQueue, BlockPolicyNeverDropsUnderContention) {
  BoundedQueue<int> q("q", 3, QueuePolicy::kBlock);
  constexpr int kN = 20000;
  std::thread producer([&] {
    for (int i = 0; i < kN; ++i) ASSERT_TRUE(q.Push(i));
    q.Close();
  });
  int expected = 0;
  while (auto v = q.Pop()) {
    ASSERT_EQ(*v, expected);
    ++expected;
  }
  producer.join();
  EXPECT_EQ(expected, kN);
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(BoundedQueue, CloseWakesBlockedProducerAndConsumer) {
  BoundedQueue<int> full("full", 1, QueuePolicy::kBlock);
  ASSERT_TRUE(full.Push(0));
  BoundedQueue<int> empty("empty", 1, QueuePolicy::kBlock);
  std::atomic<int> finished{0};
  std::thread blocked_push([&] {
    EXPECT_FALSE(full.Push(1));  // waits for space until Close
    ++finished;
  });
  std::thread blocked_pop([&] {
    EXPECT_FALSE(empty.Pop().has_value());  // waits for an item until Close
    ++finished;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(finished.load(), 0);
  full.Close();
  empty.Close();
  blocked_push.join();
  blocked_pop.join();
  EXPECT_EQ(finished.load(), 2);
}

TEST(BoundedQueue, DropOldestProducerNeverBlocksOnSlowConsumer) {
  BoundedQueue<int> q("q", 1, QueuePolicy::kDropOldest);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(q.Push(i));  // would hang if it blocked
  EXPECT_EQ(q.dropped(), 999u);
  EXPECT_EQ(*q.Pop(), 999);
}

}  // namespace
}  // namespace es
