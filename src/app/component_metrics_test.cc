#include "app/component_metrics.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(ComponentMetrics, AlarmActionsAreCountedAndKeptWhenTheDispatcherIsGone) {
  AlarmOptions o;
  AlarmRule ok, bad;
  ok.name = "ok";
  ok.command = {"true"};
  bad.name = "bad";
  bad.command = {"false"};
  o.rules = {ok, bad};
  auto created = AlarmDispatcher::Create(o);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::shared_ptr<AlarmDispatcher> alarms = std::move(created).value();
  MetricsRegistry m;
  RegisterAlarmMetrics(&m, alarms);
  Event e;
  e.id = "dev/cam/1";
  e.type = EventType::kTrack;
  e.phase = EventPhase::kStart;
  EXPECT_EQ(alarms->Submit(e), 2u);
  ASSERT_TRUE(alarms->WaitIdle(10.0));
  EXPECT_EQ(m.CounterValue("edgesight_alarm_actions_total", {{"result", "fired"}}), 1u);
  EXPECT_EQ(m.CounterValue("edgesight_alarm_actions_total", {{"result", "failed"}}), 1u);
  EXPECT_EQ(m.CounterValue("edgesight_alarm_actions_total", {{"result", "dropped"}}), 0u);
  alarms.reset();  // the run ends: the counters keep their last values, never go back
  EXPECT_EQ(m.CounterValue("edgesight_alarm_actions_total", {{"result", "fired"}}), 1u);
  EXPECT_NE(m.PrometheusText().find("edgesight_alarm_actions_total{result=\"failed\"} 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace es
