#include "govern/governor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace es {
namespace {

// Share of its full detector load a camera puts on the device at a level: the period ladder
// (x1.5, x2, x3, x5), then the less sensitive gate (about 0.6 of the runs left), then shedding.
double Load(int level) {
  constexpr double kDivisor[] = {1, 1.5, 2, 3, 5, 8, 10};
  return 1.0 / kDivisor[level];
}

GovernorOptions Options() {
  GovernorOptions g;
  g.enabled = true;
  g.interval_s = 1;
  g.temp_limit_c = 85;
  g.temp_resume_c = 75;
  g.latency_p95_ms = 1000;
  g.hold_s = 20;
  g.min_change_interval_s = 5;
  return g;
}

struct Cam {
  std::string id;
  int priority;
  bool armed;
};

const std::vector<Cam> kCams = {{"low", 10, false}, {"mid", 50, false}, {"armed", 90, true}};

// A device simulated one second at a time. `world(t, load, o, p95)` sets the device's signals
// (temperature) and the shared detector's p95 from the cameras' mean load; every change is kept.
struct Sim {
  Governor gov{Options()};
  std::vector<GovernorChange> changes;
  std::vector<double> temps, p95s;

  using World = std::function<void(double t, double load, GovernorObservation* o,
                                   std::optional<double>* p95)>;
  void Run(double from_s, double to_s, const World& world) {
    for (double t = from_s; t < to_s; t += 1) {
      double load = 0;
      for (const Cam& c : kCams) load += Load(gov.level(c.id)) / kCams.size();
      GovernorObservation o;
      o.now_s = t;
      std::optional<double> p95;  // one shared detector: the same for every camera
      world(t, load, &o, &p95);
      for (const Cam& c : kCams) o.cameras.push_back({c.id, c.priority, c.armed, p95});
      if (o.temp_c) temps.push_back(*o.temp_c);
      if (p95) p95s.push_back(*p95);
      for (GovernorChange& ch : gov.Step(o)) changes.push_back(ch);
    }
  }
  int ChangesBetween(double a, double b) const {
    return static_cast<int>(std::count_if(
        changes.begin(), changes.end(), [&](const auto& c) { return c.at_s >= a && c.at_s < b; }));
  }
  int MaxChangesPerMinute() const {
    int worst = 0;
    for (const GovernorChange& c : changes)
      worst = std::max(worst, ChangesBetween(c.at_s, c.at_s + 60));
    return worst;
  }
  int Level(const std::string& id) const { return gov.level(id); }
};

// First-order thermal model: the die approaches ambient + 45 C x load with a 30 s time constant.
struct Thermal {
  double temp = 40;
  std::function<double(double)> ambient;
  void operator()(double t, double load, GovernorObservation* o, std::optional<double>*) {
    temp += (ambient(t) + 45 * load - temp) / 30;
    o->temp_c = temp;
  }
};

TEST(GovernorTest, ThermalRampReachesASteadyStateAndRecovers) {
  Sim sim;
  Thermal thermal;
  thermal.temp = 60;
  // 25 C, then a 15-minute heat wave at 60 C (full load would reach 105 C), then 25 C again.
  thermal.ambient = [](double t) { return t >= 60 && t < 960 ? 60.0 : 25.0; };
  sim.Run(0, 2400, std::ref(thermal));

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
  for (double t = 480; t < 960; ++t) EXPECT_LT(sim.temps[t], 85) << t;
  EXPECT_LE(sim.MaxChangesPerMinute(), 12);  // 60 / min_change_interval_s
  // The pressure gone, every camera is back at its own settings.
  EXPECT_EQ(sim.Level("low"), 0);
  EXPECT_EQ(sim.Level("mid"), 0);
  EXPECT_EQ(sim.Level("armed"), 0);
  EXPECT_EQ(sim.ChangesBetween(1800, 2400), 0);
}

// The shared detector as a queue: 50 ms per run, 30 runs/s demanded at full load x motion;
// p95 = 50 / (1 - utilisation), saturated at 5 s.
struct Detector {
  std::function<double(double)> capacity;  // runs per second
  std::function<double(double)> motion;    // demand multiplier (the gate lets more through)
  void operator()(double t, double load, GovernorObservation*, std::optional<double>* p95) {
    const double rho = 30 * load * motion(t) / capacity(t);
    *p95 = rho < 0.99 ? std::min(5000.0, 50 / (1 - rho)) : 5000.0;
  }
};

TEST(GovernorTest, MotionStormIsHeldInsideTheLatencyBudget) {
  Sim sim;
  // A quiet yard (motion 0.5), a 20-minute storm (rain, headlights: x2), quiet again.
  Detector det{[](double) { return 20.0; },
               [](double t) { return t >= 60 && t < 1260 ? 2.0 : 0.5; }};
  sim.Run(0, 4200, std::ref(det));
  ASSERT_FALSE(sim.changes.empty());
  EXPECT_EQ(sim.changes.front().reason.rfind("camera ", 0), 0u) << sim.changes.front().reason;
  // Steady: over the storm's last 10 minutes, p95 inside the budget but for the retries.
  // The load sits between two levels of the armed camera: the step down is retried with a
  // doubling hold (20, 40, ... 320 s), so in 10 minutes at most two retries (4 changes).
  EXPECT_LE(sim.ChangesBetween(660, 1260), 4);
  int over = 0;
  for (double t = 660; t < 1260; ++t) over += sim.p95s[t] > 1000 ? 1 : 0;
  EXPECT_LE(over, 30) << "seconds over budget in the storm's steady state";
  EXPECT_LE(sim.MaxChangesPerMinute(), 12);
  EXPECT_EQ(sim.Level("low"), 0);
  EXPECT_EQ(sim.Level("mid"), 0);
  EXPECT_EQ(sim.Level("armed"), 0);
}

TEST(GovernorTest, CpuHogHalvesTheDetectorAndIsRidden) {
  Sim sim;
  // A CPU hog beside the pipeline for 15 minutes: the detector gets half its runs per second.
  Detector det{[](double t) { return t >= 60 && t < 960 ? 12.0 : 24.0; },
               [](double) { return 0.6; }};
  sim.Run(0, 3600, std::ref(det));
  ASSERT_FALSE(sim.changes.empty());
  EXPECT_LE(sim.ChangesBetween(560, 960), 3);
  int over = 0;
  for (double t = 560; t < 960; ++t) over += sim.p95s[t] > 1000 ? 1 : 0;
  EXPECT_LE(over, 20);
  EXPECT_LE(sim.MaxChangesPerMinute(), 12);
  EXPECT_EQ(sim.Level("low") + sim.Level("mid") + sim.Level("armed"), 0);
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
