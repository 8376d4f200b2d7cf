#include "ptz/simulator_driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace es {
namespace {

PtzSimOptions Fast() {
  PtzSimOptions o;
  o.command_delay = Duration::Millis(20);
  return o;
}

TEST(SimulatorDriverTest, ManualClockMovesTheHead) {
  SimulatorDriver d(Fast());
  ASSERT_TRUE(d.AbsoluteMove(10, -5, 4.0).ok());
  d.Advance(Duration::Seconds(2));
  auto st = d.GetStatus();
  ASSERT_TRUE(st.ok());
  EXPECT_NEAR(st->pan_deg, 10, 0.05);
  EXPECT_NEAR(st->tilt_deg, -5, 0.05);
  EXPECT_NEAR(st->zoom, 4.0, 1e-6);
  EXPECT_TRUE(st->idle);
  EXPECT_EQ(st->t, Timestamp::Seconds(2));
  ASSERT_TRUE(d.ContinuousMove(20, 0, std::nullopt, Duration::Seconds(1)).ok());
  d.Advance(Duration::Millis(500));
  st = d.GetStatus();
  EXPECT_GT(st->pan_deg, 15);
  EXPECT_NEAR(st->pan_speed_dps, 20, 1e-6);
  ASSERT_TRUE(d.Stop().ok());
  d.Advance(Duration::Millis(500));
  EXPECT_NEAR(d.GetStatus()->pan_speed_dps, 0, 1e-9);
  ASSERT_TRUE(d.RelativeMove(-3, 0, std::nullopt).ok());
  const double before = d.TrueStatus().pan_deg;
  d.Advance(Duration::Seconds(1));
  EXPECT_NEAR(d.TrueStatus().pan_deg, before - 3, 0.05);
  EXPECT_EQ(d.commands_applied(), 4);
  auto caps = d.GetConfigurationOptions();
  ASSERT_TRUE(caps.ok());
  EXPECT_EQ(caps->zoom.max, 20);
  EXPECT_EQ(caps->pan_speed_dps.max, 120);
}

TEST(SimulatorDriverTest, InjectedFailuresHaveNoEffect) {
  SimulatorDriver d(Fast());
  d.FailNext(2, Unavailable("simulator: link down"));
  Status s = d.AbsoluteMove(30, 0, std::nullopt);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(d.GetStatus().status().code(), StatusCode::kUnavailable);
  d.Advance(Duration::Seconds(1));
  EXPECT_NEAR(d.TrueStatus().pan_deg, 0, 1e-9);  // the failed move did nothing
  EXPECT_TRUE(d.GetStatus().ok());               // only the next two failed
  d.SetFailure(PermissionDenied("simulator: bad credentials"));
  EXPECT_EQ(d.Stop().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(d.Stop().code(), StatusCode::kPermissionDenied);
  d.SetFailure(Status::Ok());
  EXPECT_TRUE(d.Stop().ok());
  EXPECT_EQ(d.commands_applied(), 1);
}

TEST(SimulatorDriverTest, RealtimeClockFollowsTheSteadyClock) {
  SimulatorDriver d(Fast());
  d.StartRealtime(Duration::Millis(2));
  ASSERT_TRUE(d.ContinuousMove(30, 0, std::nullopt, Duration::Seconds(1)).ok());
  // Bounded wait (no speed assertion): the head starts moving within 3 s of wall time.
  const Timestamp deadline = SteadyNow() + Duration::Seconds(3);
  while (d.TrueStatus().pan_deg < 1.0 && SteadyNow() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(d.TrueStatus().pan_deg, 1.0);
  const Duration skew = SteadyNow() - d.now();
  EXPECT_GE(skew.us, 0);
  EXPECT_LT(skew.seconds(), 2.0);  // on the steady clock, not at 0
  d.StopRealtime();
  d.StopRealtime();  // idempotent
}

}  // namespace
}  // namespace es
