#include "app/armed_hook.h"

#include <gtest/gtest.h>

#include <vector>

namespace es {
namespace {

Event ZoneEvent(const std::string& zone, EventPhase phase, const std::string& start_id) {
  Event e;
  e.type = EventType::kZone;
  e.phase = phase;
  e.zone = zone;
  e.start_id = start_id;
  return e;
}

TEST(ArmedHookTest, ArmedWhileATrackIsInsideAnArmedZone) {
  std::vector<bool> calls;
  ArmedHook hook({"door"}, [&](bool on) { calls.push_back(on); });
  FramePacket p;
  p.events = {ZoneEvent("yard", EventPhase::kStart, "a")};  // not armed
  ASSERT_TRUE(hook.OnDecision(&p).ok());
  EXPECT_TRUE(calls.empty());
  p.events = {ZoneEvent("door", EventPhase::kStart, "b"), ZoneEvent("door", EventPhase::kStart, "c")};
  ASSERT_TRUE(hook.OnDecision(&p).ok());
  p.events = {ZoneEvent("door", EventPhase::kEnd, "b")};  // one track still inside
  ASSERT_TRUE(hook.OnDecision(&p).ok());
  p.events = {ZoneEvent("door", EventPhase::kEnd, "c")};
  ASSERT_TRUE(hook.OnDecision(&p).ok());
  EXPECT_EQ(calls, (std::vector<bool>{true, false}));
  EXPECT_EQ(hook.Summary()["armed_changes"], 2);
  EXPECT_EQ(hook.Summary()["armed"], false);
}

}  // namespace
}  // namespace es
