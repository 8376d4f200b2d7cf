#include "app/event_log_hook.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(EventLogHook, OneLineWithWhatAnOperatorGrepsFor) {
  Event e;
  e.id = "edge0/gate/42";
  e.stream = "gate";
  e.type = EventType::kZone;
  e.phase = EventPhase::kStart;
  e.track_id = 7;
  e.score = 0.8149f;
  e.zone = "yard";
  e.clip = "clip_gate_x.mp4";
  EXPECT_EQ(EventLogLine(e),
            "event edge0/gate/42 zone start camera=gate track=7 class=0 score=0.81 zone=yard "
            "clip=clip_gate_x.mp4");
  Event l;
  l.id = "edge0/gate/43";
  l.stream = "gate";
  l.type = EventType::kLine;
  l.phase = EventPhase::kInstant;
  l.line = "fence";
  l.direction = "A->B";
  EXPECT_EQ(EventLogLine(l),
            "event edge0/gate/43 line instant camera=gate track=0 class=0 score=0.00 line=fence "
            "direction=A->B");
}

TEST(EventLogHook, CountsOneLinePerEvent) {
  EventLogHook hook;
  FramePacket p;
  p.events.resize(3);
  ASSERT_TRUE(hook.OnDecision(&p).ok());
  EXPECT_EQ(hook.Summary()["lines"], 3);
}

}  // namespace
}  // namespace es
