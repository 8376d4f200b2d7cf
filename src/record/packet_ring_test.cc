#include "record/packet_ring.h"

#include <gtest/gtest.h>

namespace es {
namespace {

// A packet of `size` bytes whose first byte is `tag`; key every `gop` packets.
PacketPtr MakePacket(int size, uint8_t tag, bool key) {
  PacketPtr p(av_packet_alloc());
  EXPECT_EQ(av_new_packet(p.get(), size), 0);
  p->data[0] = tag;
  if (key) p->flags |= AV_PKT_FLAG_KEY;
  return p;
}

constexpr int64_t kStep = 40'000;  // 25 fps

TEST(PacketRingTest, DropsPacketsBeforeTheFirstKeyframe) {
  PacketRingBuffer ring(Duration::Seconds(2), 1 << 20);
  EXPECT_FALSE(ring.Push(*MakePacket(100, 1, false), 0, 0));
  EXPECT_TRUE(ring.empty());
  EXPECT_TRUE(ring.Push(*MakePacket(100, 2, true), kStep, kStep));
  EXPECT_EQ(ring.size(), 1u);
}

TEST(PacketRingTest, KeepsTheSpanFromAKeyframeAndDropsWholeGops) {
  PacketRingBuffer ring(Duration::Seconds(2), 1 << 20);
  for (int i = 0; i < 250; ++i) {  // 10 s, GOP of 25 (1 s)
    ring.Push(*MakePacket(100, static_cast<uint8_t>(i % 256), i % 25 == 0), i * kStep, i * kStep);
    // Always starts at a keyframe and covers [newest - 2 s, newest].
    ASSERT_LE(ring.oldest_us(), std::max<int64_t>(0, i * kStep - 2'000'000));
  }
  // newest = 9.96 s; keyframes at 7 s, 8 s, 9 s: the one at or before 7.96 s is 7 s.
  EXPECT_EQ(ring.oldest_us(), 7'000'000);
  EXPECT_EQ(ring.size(), 75u);
  EXPECT_EQ(ring.bytes(), 7500);
  std::vector<RingPacket> all = ring.CopyFrom(0);
  ASSERT_EQ(all.size(), 75u);
  EXPECT_TRUE(all.front().key);
  EXPECT_EQ(all.front().packet->data[0], 175);
}

TEST(PacketRingTest, CopyFromStartsAtTheLatestKeyframeNotAfterTheTime) {
  PacketRingBuffer ring(Duration::Seconds(10), 1 << 20);
  for (int i = 0; i < 100; ++i) ring.Push(*MakePacket(10, i, i % 25 == 0), i * kStep, i * kStep);
  EXPECT_EQ(ring.CopyFrom(1'500'000).front().t_us, 1'000'000);
  EXPECT_EQ(ring.CopyFrom(1'500'000).size(), 75u);
  EXPECT_EQ(ring.CopyFrom(2'000'000).front().t_us, 2'000'000);
  EXPECT_EQ(ring.CopyFrom(-5).front().t_us, 0);  // older than the ring: its oldest keyframe
  // The copies are new references: the ring keeps its own.
  std::vector<RingPacket> c = ring.CopyFrom(0);
  c.clear();
  EXPECT_EQ(ring.size(), 100u);
}

TEST(PacketRingTest, ByteBoundDropsOldestGopsAndAHugeGopEmptiesTheRing) {
  PacketRingBuffer ring(Duration::Seconds(60), 10'000);
  for (int i = 0; i < 100; ++i) ring.Push(*MakePacket(200, i, i % 10 == 0), i * kStep, i * kStep);
  EXPECT_LE(ring.bytes(), 10'000);
  EXPECT_TRUE(ring.CopyFrom(0).front().key);
  EXPECT_EQ(ring.overflows(), 0);
  ring.Push(*MakePacket(20'000, 0, true), 100 * kStep, 100 * kStep);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.overflows(), 1);
  EXPECT_FALSE(ring.Push(*MakePacket(10, 0, false), 101 * kStep, 101 * kStep));
}

}  // namespace
}  // namespace es
