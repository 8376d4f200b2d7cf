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

TEST(BoundedQueue, RefuseNewKeepsTheQueuedOnes) {
  BoundedQueue<int> q("q", 2, QueuePolicy::kRefuseNew);
  EXPECT_EQ(q.Offer(1), Offered::kQueued);
  EXPECT_EQ(q.Offer(2), Offered::kQueued);
  EXPECT_EQ(q.Offer(3), Offered::kRefused);
  EXPECT_FALSE(q.Push(4));
  EXPECT_EQ(q.dropped(), 2u);
  EXPECT_EQ(*q.Pop(), 1);
  EXPECT_EQ(*q.Pop(), 2);
  q.Close();
  EXPECT_EQ(q.Offer(5), Offered::kClosed);
}

TEST(BoundedQueue, CoalesceMergesIntoTheNewestItem) {
  struct Job {
    int command = -1;
    bool status = false;
  };
  int superseded = 0;
  BoundedQueue<Job> q("q", 1, QueuePolicy::kCoalesce, [&](Job& queued, Job&& incoming) {
    if (incoming.command >= 0) {
      if (queued.command >= 0) ++superseded;
      queued.command = incoming.command;
    }
    queued.status = queued.status || incoming.status;
  });
  EXPECT_EQ(q.Offer(Job{7, false}), Offered::kQueued);
  EXPECT_EQ(q.Offer(Job{-1, true}), Offered::kCoalesced);  // keeps command 7
  EXPECT_EQ(q.Offer(Job{9, false}), Offered::kCoalesced);  // 9 supersedes 7
  EXPECT_EQ(q.size(), 1u);
  const Job j = *q.Pop();
  EXPECT_EQ(j.command, 9);
  EXPECT_TRUE(j.status);
  EXPECT_EQ(superseded, 1);
}

TEST(BoundedQueue, PopUntilGivesUpAtTheDeadline) {
  BoundedQueue<int> q("q", 2, QueuePolicy::kBlock);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(q.PopUntil(t0 + std::chrono::milliseconds(30)).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(30));
  EXPECT_FALSE(q.closed());
  ASSERT_TRUE(q.Push(5));
  EXPECT_EQ(*q.PopUntil(std::chrono::steady_clock::now()), 5);  // queued: no wait needed
}

TEST(BoundedQueue, PopAllTakesEverythingQueued) {
  BoundedQueue<int> q("q", BoundedQueue<int>::kUnbounded, QueuePolicy::kBlock);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(q.Push(i));
  const std::deque<int> all = q.PopAllUntil(std::chrono::steady_clock::now());
  ASSERT_EQ(all.size(), 100u);
  EXPECT_EQ(all.front(), 0);
  EXPECT_EQ(all.back(), 99);
  EXPECT_TRUE(q.PopAllUntil(std::chrono::steady_clock::now()).empty());
}

TEST(BoundedQueue, WaitDoneMeansEmptyAndConsumerIdle) {
  BoundedQueue<int> q("q", 8, QueuePolicy::kBlock);
  const auto soon = [] { return std::chrono::steady_clock::now() + std::chrono::milliseconds(5); };
  EXPECT_TRUE(q.WaitDone(soon()));
  ASSERT_TRUE(q.Push(1));
  ASSERT_TRUE(q.Push(2));
  EXPECT_FALSE(q.WaitDone(soon()));
  ASSERT_TRUE(q.Pop().has_value());
  EXPECT_FALSE(q.WaitDone(soon()));  // popped but not handled yet
  q.TaskDone();
  EXPECT_FALSE(q.WaitDone(soon()));  // one still queued
  EXPECT_EQ(q.Drain().size(), 1u);   // drained items count as finished
  EXPECT_TRUE(q.WaitDone(soon()));
}

TEST(BoundedQueue, DroppedItemsCountAsFinished) {
  BoundedQueue<int> q("q", 1, QueuePolicy::kDropOldest);
  ASSERT_TRUE(q.Push(1));
  ASSERT_TRUE(q.Push(2));  // drops 1
  ASSERT_TRUE(q.Pop().has_value());
  q.TaskDone();
  EXPECT_TRUE(q.WaitDone(std::chrono::steady_clock::now()));
}

TEST(BoundedQueue, WaitDoneFollowsAConsumerThread) {
  BoundedQueue<int> q("q", 4, QueuePolicy::kBlock);
  std::atomic<int> handled{0};
  std::thread consumer([&] {
    while (auto v = q.Pop()) {
      handled += *v;
      q.TaskDone();
    }
  });
  for (int i = 1; i <= 1000; ++i) ASSERT_TRUE(q.Push(i));
  EXPECT_TRUE(q.WaitDone(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(handled.load(), 500500);
  q.Close();
  consumer.join();
}

}  // namespace
}  // namespace es
