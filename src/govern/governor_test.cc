#include "govern/governor.h"

#include <gtest/gtest.h>

#include "govern/governor_sim.h"

namespace es {
namespace {

GovernorOptions Options() { return SimOptions(); }

int Level(const SimTrace& t, const std::string& id) { return t.samples.back().levels.at(id); }

// Seconds in [from, to) with the scenario's signal over its limit.
int SecondsOver(const SimTrace& t, double from_s, double to_s) {
  int n = 0;
  for (const SimSample& s : t.samples) n += s.t_s >= from_s && s.t_s < to_s && s.signal > t.limit;
  return n;
}

TEST(GovernorTest, ThermalRampReachesASteadyStateAndRecovers) {
  const SimTrace sim = SimulateThermalRamp(Options());
  ASSERT_FALSE(sim.changes.empty());
  // Lowest priority first; the armed camera only once the others are at the top level.
  EXPECT_EQ(sim.changes.front().camera, "low");
  EXPECT_EQ(sim.changes.front().reason.rfind("temperature ", 0), 0u) << sim.changes.front().reason;
  for (const GovernorChange& c : sim.changes) {
    if (c.camera == "armed" && c.to > c.from)
      ADD_FAILURE() << "armed camera degraded at " << c.at_s;
  }
  // Steady inside the budget: the last 8 minutes of the heat wave are below the limit, no moves.
  EXPECT_EQ(sim.ChangesBetween(480, 960), 0);
  EXPECT_EQ(SecondsOver(sim, 480, 960), 0);
  EXPECT_LE(sim.MaxChangesPerMinute(), 12);  // 60 / min_change_interval_s
  // The pressure gone, every camera is back at its own settings.
  for (const SimCamera& c : SimCameras()) EXPECT_EQ(Level(sim, c.id), 0) << c.id;
  EXPECT_EQ(sim.ChangesBetween(1800, 2400), 0);
}

TEST(GovernorTest, MotionStormIsHeldInsideTheLatencyBudget) {
  const SimTrace sim = SimulateMotionStorm(Options());
  ASSERT_FALSE(sim.changes.empty());
  EXPECT_EQ(sim.changes.front().reason.rfind("camera ", 0), 0u) << sim.changes.front().reason;
  // The load sits between two levels of the armed camera: the step down is retried with a
  // doubling hold (20, 40, ... 320 s), so in the storm's last 10 minutes at most two retries
  // (4 changes), and p95 inside the budget but for them.
  EXPECT_LE(sim.ChangesBetween(660, 1260), 4);
  EXPECT_LE(SecondsOver(sim, 660, 1260), 30);
  EXPECT_LE(sim.MaxChangesPerMinute(), 12);
  for (const SimCamera& c : SimCameras()) EXPECT_EQ(Level(sim, c.id), 0) << c.id;
}

TEST(GovernorTest, CpuHogHalvesTheDetectorAndIsRidden) {
  const SimTrace sim = SimulateCpuHog(Options());
  ASSERT_FALSE(sim.changes.empty());
  EXPECT_LE(sim.ChangesBetween(560, 960), 3);
  EXPECT_LE(SecondsOver(sim, 560, 960), 20);
  EXPECT_LE(sim.MaxChangesPerMinute(), 12);
  for (const SimCamera& c : SimCameras()) EXPECT_EQ(Level(sim, c.id), 0) << c.id;
}

TEST(GovernorTest, HysteresisBandHoldsAndPinnedCamerasNeverMove) {
  GovernorOptions g = Options();
  g.pinned = {"low"};
  Governor gov(g);
  gov.Pin("mid", 2);
  auto obs = [](double t, double temp) {
    GovernorObservation o;
    o.now_s = t;
    o.temp_c = temp;
    o.cameras = {{"low", 10, false, std::nullopt},
                 {"mid", 50, false, std::nullopt},
                 {"armed", 90, true, std::nullopt}};
    return o;
  };
  auto up = gov.Step(obs(0, 90));
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].camera, "armed");  // the only camera not pinned
  EXPECT_EQ(gov.level("low"), 0);
  EXPECT_EQ(gov.level("mid"), 2);
  EXPECT_TRUE(gov.Step(obs(1, 90)).empty());  // min_change_interval_s
  // Inside the band (75 < t < 85): nothing moves, however long.
  for (double t = 2; t < 200; ++t) EXPECT_TRUE(gov.Step(obs(t, 80)).empty()) << t;
  // Relief must hold hold_s (20 s, from the last step without relief) before a level is given
  // back.
  for (double t = 200; t < 219; ++t) EXPECT_TRUE(gov.Step(obs(t, 70)).empty()) << t;
  auto down = gov.Step(obs(219, 70));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].camera, "armed");
  EXPECT_EQ(down[0].to, 0);
  EXPECT_EQ(gov.level("mid"), 2);  // pinned
}

TEST(GovernorTest, BackoffWhenAStepDownBringsThePressureBack) {
  Governor gov(Options());
  auto obs = [](double t, double p95) {
    GovernorObservation o;
    o.now_s = t;
    o.cameras = {{"a", 50, false, p95}};
    return o;
  };
  ASSERT_EQ(gov.Step(obs(0, 2000)).size(), 1u);   // up to 1
  EXPECT_TRUE(gov.Step(obs(10, 500)).empty());    // relief starts; hold 20 s
  ASSERT_EQ(gov.Step(obs(30, 500)).size(), 1u);   // down to 0
  EXPECT_EQ(gov.Step(obs(35, 2000)).size(), 1u);  // pressure again at once: up, and hold x2
  EXPECT_DOUBLE_EQ(gov.current_hold_s(), 40);
  EXPECT_TRUE(gov.Step(obs(60, 500)).empty());  // 25 s of relief: not enough now
  EXPECT_TRUE(gov.Step(obs(74, 500)).empty());
  ASSERT_EQ(gov.Step(obs(75, 500)).size(), 1u);  // 40 s
  EXPECT_TRUE(gov.Step(obs(200, 500)).empty());  // held: the hold halves again
  EXPECT_DOUBLE_EQ(gov.current_hold_s(), 20);
}

TEST(GovernorTest, NoStepUpWhileThePressureIsEasing) {
  Governor gov(Options());
  auto obs = [](double t, double temp) {
    GovernorObservation o;
    o.now_s = t;
    o.temp_c = temp;
    o.cameras = {{"a", 50, false, std::nullopt}};
    return o;
  };
  ASSERT_EQ(gov.Step(obs(0, 95)).size(), 1u);
  EXPECT_TRUE(gov.Step(obs(10, 92)).empty());  // cooling: the last change is taking effect
  EXPECT_TRUE(gov.Step(obs(20, 90)).empty());
  EXPECT_EQ(gov.Step(obs(30, 90)).size(), 1u);  // stalled above the limit: one more level
  EXPECT_EQ(gov.level("a"), 2);
}

TEST(GovernorTest, PinnedEntriesNameACameraAndALevel) {
  auto pins = ParsePinned({"yard", "gate=3"});
  ASSERT_TRUE(pins.ok()) << pins.status().ToString();
  EXPECT_EQ(pins->at("yard"), 0);
  EXPECT_EQ(pins->at("gate"), 3);
  for (const char* bad : {"gate=7", "gate=", "=2", "gate=x", "gate=12"}) {
    auto r = ParsePinned({"ok", bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().rfind("governor.pinned[1]: expected", 0), 0u)
        << r.status().message();
  }
  GovernorOptions g = Options();
  g.pinned = {"gate=3"};
  Governor gov(g);
  EXPECT_EQ(gov.level("gate"), 3);
}

TEST(GovernorTest, SettingsLadder) {
  CameraSettings base;
  base.detect_period_s = 0.2;
  base.max_period_s = 2;
  base.gate.enabled = false;
  base.gate.min_area = 0.001f;
  base.gate.keepalive_s = 1;
  const GovernorOptions g = Options();
  EXPECT_DOUBLE_EQ(SettingsAt(base, 0, g).detect_period_s, 0.2);
  EXPECT_DOUBLE_EQ(SettingsAt(base, 1, g).detect_period_s, 0.2 * 1.5);
  EXPECT_DOUBLE_EQ(SettingsAt(base, 2, g).detect_period_s, 0.4);
  EXPECT_DOUBLE_EQ(SettingsAt(base, 3, g).detect_period_s, 0.2 * 3);
  EXPECT_DOUBLE_EQ(SettingsAt(base, 4, g).detect_period_s, 1.0);
  EXPECT_FALSE(SettingsAt(base, 4, g).gate.enabled);
  const CameraSettings l5 = SettingsAt(base, 5, g);
  EXPECT_DOUBLE_EQ(l5.detect_period_s, 1.0);
  EXPECT_TRUE(l5.gate.enabled);
  EXPECT_FLOAT_EQ(l5.gate.min_area, 0.004f);
  EXPECT_DOUBLE_EQ(l5.gate.keepalive_s, 3);
  EXPECT_DOUBLE_EQ(SettingsAt(base, 6, g).detect_period_s, 2);  // shed: max_period_s
  base.detect_period_s = 0;  // every frame: the ladder starts at base_period_s
  EXPECT_DOUBLE_EQ(SettingsAt(base, 0, g).detect_period_s, 0);
  EXPECT_DOUBLE_EQ(SettingsAt(base, 2, g).detect_period_s, g.base_period_s * 2);
  base.max_period_s = 0.5;
  EXPECT_DOUBLE_EQ(SettingsAt(base, 4, g).detect_period_s, 0.5);  // never beyond max_period_s
}

}  // namespace
}  // namespace es
