#include "ptz/ptz_simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace es {
namespace {

constexpr Duration kDt = Duration::Millis(5);

PtzCommand Continuous(double pan, double tilt) {
  return {PtzCommand::Type::kContinuous, pan, tilt, std::nullopt};
}

TEST(PtzSimulatorTest, CommandDelayIsRespected) {
  PtzSimOptions o;
  o.command_delay = Duration::Millis(100);
  PtzSimulator sim(o);
  sim.Submit(Continuous(50, 0));
  for (int i = 0; i < 19; ++i) sim.Step(kDt);  // 95 ms: not yet
  EXPECT_EQ(sim.status().pan_speed_dps, 0);
  EXPECT_EQ(sim.status().pan_deg, 0);
  EXPECT_FALSE(sim.status().idle);  // a move is pending
  for (int i = 0; i < 4; ++i) sim.Step(kDt);
  EXPECT_GT(sim.status().pan_speed_dps, 0);
}

TEST(PtzSimulatorTest, SlewAndAccelerationLimits) {
  PtzSimOptions o;
  o.max_pan_speed_dps = 60;
  o.max_accel_dps2 = 200;
  o.command_delay = Duration::Millis(0);
  PtzSimulator sim(o);
  sim.Submit(Continuous(500, -500));  // far beyond the slew limits
  double prev = 0, max_dv = 0, max_v = 0, max_tv = 0;
  for (int i = 0; i < 200; ++i) {
    sim.Submit(Continuous(500, -500));
    sim.Step(kDt);
    const PtzStatus st = sim.status();
    max_dv = std::max(max_dv, std::abs(st.pan_speed_dps - prev));
    max_v = std::max(max_v, std::abs(st.pan_speed_dps));
    max_tv = std::max(max_tv, std::abs(st.tilt_speed_dps));
    prev = st.pan_speed_dps;
  }
  EXPECT_LE(max_dv, 200 * 0.005 + 1e-9);
  EXPECT_NEAR(max_v, 60, 1e-9);
  EXPECT_NEAR(max_tv, o.max_tilt_speed_dps, 1e-9);
  // Reaching 60 deg/s at 200 deg/s^2 takes 0.3 s; 1 s of motion covers 60 - 0.5*60*0.3 deg.
  EXPECT_NEAR(sim.status().pan_deg, 60.0 - 9.0, 0.2);
}

TEST(PtzSimulatorTest, DeadbandIgnoresTinySpeeds) {
  PtzSimOptions o;
  o.speed_deadband_dps = 0.5;
  PtzSimulator sim(o);
  sim.Submit(Continuous(0.3, -0.2));
  for (int i = 0; i < 100; ++i) sim.Step(kDt);
  EXPECT_EQ(sim.status().pan_deg, 0);
  EXPECT_EQ(sim.status().tilt_deg, 0);
  EXPECT_TRUE(sim.status().idle);
}

TEST(PtzSimulatorTest, RelativeMoveReachesGoalWithoutOvershootThenIdle) {
  PtzSimulator sim;
  sim.Submit({PtzCommand::Type::kRelative, 20, -5, 4.0});
  double max_pan = 0;
  int steps = 0;
  for (; steps < 1000; ++steps) {
    sim.Step(kDt);
    max_pan = std::max(max_pan, sim.status().pan_deg);
    if (steps > 10 && sim.status().idle) break;
  }
  EXPECT_LT(steps, 1000);
  EXPECT_NEAR(sim.status().pan_deg, 20, 1e-9);
  EXPECT_NEAR(sim.status().tilt_deg, -5, 1e-9);
  EXPECT_NEAR(sim.status().zoom, 4.0, 1e-6);
  EXPECT_LE(max_pan, 20 + 1e-9);
}

TEST(PtzSimulatorTest, ContinuousMoveTimesOutAndStop) {
  PtzSimOptions o;
  o.continuous_timeout_s = 0.5;
  PtzSimulator sim(o);
  sim.Submit(Continuous(30, 0));
  for (int i = 0; i < 200; ++i) sim.Step(kDt);  // 1 s
  EXPECT_EQ(sim.status().pan_speed_dps, 0);
  EXPECT_TRUE(sim.status().idle);
  const double pan = sim.status().pan_deg;
  EXPECT_GT(pan, 5);
  sim.Submit(Continuous(30, 0));
  for (int i = 0; i < 40; ++i) sim.Step(kDt);
  sim.Submit({PtzCommand::Type::kStop, 0, 0, std::nullopt});
  for (int i = 0; i < 60; ++i) sim.Step(kDt);
  EXPECT_EQ(sim.status().pan_speed_dps, 0);
}

TEST(PtzSimulatorTest, FaultNeverIdle) {
  PtzSimOptions o;
  o.fault_never_idle = true;
  PtzSimulator sim(o);
  sim.Submit({PtzCommand::Type::kRelative, 1, 0, std::nullopt});
  for (int i = 0; i < 400; ++i) sim.Step(kDt);
  EXPECT_NEAR(sim.status().pan_deg, 1, 1e-9);
  EXPECT_FALSE(sim.status().idle);
}

TEST(PtzSimulatorTest, AbsoluteMoveReachesTheGoalWithoutOvershoot) {
  PtzSimulator sim;
  sim.SetPosition(10, 5, 1);
  sim.Submit({PtzCommand::Type::kAbsolute, -30, 200, 2.0});  // tilt beyond the limit: clamped
  double min_pan = 10;
  for (int i = 0; i < 1000; ++i) {
    sim.Step(kDt);
    min_pan = std::min(min_pan, sim.status().pan_deg);
  }
  EXPECT_NEAR(sim.status().pan_deg, -30, 1e-9);
  EXPECT_GE(min_pan, -30 - 1e-9);
  EXPECT_NEAR(sim.status().tilt_deg, sim.options().max_tilt_deg, 1e-9);
  EXPECT_NEAR(sim.status().zoom, 2.0, 1e-9);
  EXPECT_TRUE(sim.status().idle);
}

}  // namespace
}  // namespace es
