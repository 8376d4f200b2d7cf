#include "app/lens_pair.h"

#include <gtest/gtest.h>

namespace es {
namespace {

// A 640x480 frame of the PTZ camera at media time t_ms with the given tracks.
FramePacket Frame(int64_t t_ms, std::vector<TrackOutput> tracks) {
  FramePacket p;
  p.frame.image = cv::Mat(480, 640, CV_8UC3);
  p.frame.meta.seq = t_ms / 100;
  p.frame.meta.pts_us = t_ms * 1000;
  p.frame.meta.capture = Timestamp::Micros(t_ms * 1000);
  p.tracks = std::move(tracks);
  return p;
}

TrackOutput Person(int id, float cx, float cy, float h) {
  TrackOutput t;
  t.id = id;
  t.class_id = kClassPerson;
  t.score = 0.8f;
  t.box = {cx - h * 0.2f, cy - h / 2, h * 0.4f, h};
  return t;
}

struct Fixture {
  std::shared_ptr<LensPair> pair = std::make_shared<LensPair>();
  PtzConfirmHook hook{pair, std::make_shared<InMemoryEventIdSource>(), "dev", "tele"};
  std::vector<Event> events;
  void Step(FramePacket p) {
    ASSERT_TRUE(hook.OnDecision(&p).ok());
    for (auto& e : p.events) events.push_back(e);
  }
};

TEST(PtzConfirmHookTest, ConfirmsACentredTargetAfterSettlingThenLosesIt) {
  Fixture f;
  f.pair->SetFollowing(7, kClassPerson, Timestamp::Micros(0));
  f.Step(Frame(500, {Person(1, 320, 240, 300)}));  // still settling: no judgement
  EXPECT_TRUE(f.events.empty());
  f.Step(Frame(1200, {Person(1, 320, 240, 300)}));  // centred, large: confirmed
  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_EQ(f.events[0].type, EventType::kPtz);
  EXPECT_EQ(f.events[0].phase, EventPhase::kStart);
  EXPECT_EQ(f.events[0].wide_track_id, 7);
  EXPECT_EQ(f.events[0].track_id, 1);
  EXPECT_EQ(f.events[0].id, "dev/tele/1");
  EXPECT_EQ(f.events[0].ToJson()["wide_track_id"], 7);
  f.Step(Frame(2000, {Person(1, 320, 240, 300)}));  // still there: nothing new
  f.Step(Frame(3000, {Person(1, 600, 240, 300)}));  // off centre: unseen
  EXPECT_EQ(f.events.size(), 1u);
  f.Step(Frame(4500, {}));  // unseen for 2.5 s > lost_after_s: lost
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].phase, EventPhase::kEnd);
  EXPECT_EQ(f.events[1].start_id, "dev/tele/1");
  EXPECT_EQ(f.hook.Summary()["losses"], 1);
}

TEST(PtzConfirmHookTest, SmallOrOtherClassDoesNotConfirmAndEveryStartGetsItsEnd) {
  Fixture f;
  f.pair->SetFollowing(3, kClassPerson, Timestamp::Micros(0));
  TrackOutput car = Person(2, 320, 240, 300);
  car.class_id = 2;
  f.Step(Frame(1500, {Person(1, 320, 240, 30), car}));  // too small; wrong class
  EXPECT_TRUE(f.events.empty());
  f.Step(Frame(1600, {Person(1, 320, 240, 200)}));
  ASSERT_EQ(f.events.size(), 1u);
  f.pair->SetFollowing(4, kClassPerson, Timestamp::Micros(1700'000));  // wide lens moves on
  f.Step(Frame(1700, {Person(1, 320, 240, 200)}));
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].phase, EventPhase::kEnd);
  f.Step(Frame(3000, {Person(1, 320, 240, 200)}));  // the new target, confirmed
  ASSERT_EQ(f.events.size(), 3u);
  EXPECT_EQ(f.events[2].wide_track_id, 4);
  FramePacket tail;
  tail.end_of_stream = true;
  f.Step(std::move(tail));  // the end of the stream closes it
  ASSERT_EQ(f.events.size(), 4u);
  EXPECT_EQ(f.events[3].phase, EventPhase::kEnd);
  EXPECT_EQ(f.events[3].start_id, f.events[2].id);
}

}  // namespace
}  // namespace es
