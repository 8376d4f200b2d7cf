#include "ptz/ptz_sim.h"

#include <gtest/gtest.h>

#include "ptz/predictive_controller.h"
#include "ptz/target_selector.h"

namespace es {
namespace {

const Scenario& Find(const std::vector<Scenario>& v, const std::string& name) {
  for (const auto& s : v) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no scenario " << name;
  return v.front();
}

const NetworkProfile& Profile(const std::string& name) {
  static const auto profiles = StandardNetworkProfiles();
  for (const auto& p : profiles) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no profile " << name;
  return profiles.front();
}

TEST(PtzSimTest, PredictiveOnEdgeKeepsTargetsCentred) {
  const auto scenarios = StandardScenarios();
  const RayCalibration calib = TrueWideCalibration();
  for (const char* name : {"walker", "vehicle"}) {
    SCOPED_TRACE(name);
    const Scenario& s = Find(scenarios, name);
    for (uint64_t seed : {1, 2, 3}) {
      const auto pred =
          RunPtzScenario(s, Profile("edge"), ControllerKind::kPredictive, calib, seed);
      const auto prop =
          RunPtzScenario(s, Profile("edge"), ControllerKind::kProportional, calib, seed);
      EXPECT_GE(pred.metrics.inner25_frac, 0.95);
      EXPECT_EQ(pred.metrics.losses, 0);
      EXPECT_GE(pred.metrics.time_to_acquire_s, 0);
      EXPECT_LT(pred.metrics.time_to_acquire_s, 1.5);
      EXPECT_LT(pred.metrics.mean_error_deg, prop.metrics.mean_error_deg);
      // Stop-and-go: the baseline starts the motors many times more often.
      EXPECT_LT(pred.metrics.starts_per_min * 5, prop.metrics.starts_per_min);
      EXPECT_LT(pred.metrics.motor_travel_deg, prop.metrics.motor_travel_deg);
    }
  }
}

TEST(PtzSimTest, PredictiveHuntsLessThanBaseline) {
  // Direction reversals of the pan motor, averaged over seeds. On the walker both turn exactly
  // once (slewing left onto a target that walks right); on a target that stops and turns the
  // baseline corrects back and forth around the stopped target.
  const auto scenarios = StandardScenarios();
  const RayCalibration calib = TrueWideCalibration();
  for (const char* name : {"walker", "stop_and_turn"}) {
    SCOPED_TRACE(name);
    double pred = 0, prop = 0;
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      const Scenario& s = Find(scenarios, name);
      pred += RunPtzScenario(s, Profile("edge"), ControllerKind::kPredictive, calib, seed)
                  .metrics.reversals_per_min;
      prop += RunPtzScenario(s, Profile("edge"), ControllerKind::kProportional, calib, seed)
                  .metrics.reversals_per_min;
    }
    EXPECT_LE(pred, prop);
    if (std::string(name) == "stop_and_turn") {
      EXPECT_LT(pred, prop);
    }
  }
}

TEST(PtzSimTest, Cloud4gIsWorseThanEdgeAndOutageLeavesEdgeUnchanged) {
  const auto scenarios = StandardScenarios();
  const RayCalibration calib = TrueWideCalibration();
  const Scenario& s = Find(scenarios, "vehicle");
  const auto edge = RunPtzScenario(s, Profile("edge"), ControllerKind::kPredictive, calib, 7);
  const auto g4 = RunPtzScenario(s, Profile("cloud_4g"), ControllerKind::kPredictive, calib, 7);
  const auto edge_out =
      RunPtzScenario(s, Profile("edge_4g_outage"), ControllerKind::kPredictive, calib, 7);
  EXPECT_GT(g4.metrics.mean_error_deg, edge.metrics.mean_error_deg);
  EXPECT_GT(g4.metrics.p95_error_deg, edge.metrics.p95_error_deg);
  EXPECT_GT(g4.commands_lost, 0);
  EXPECT_EQ(edge.commands_lost, 0);
  // The baseline has no latency compensation: 4G costs it most of its centring.
  const auto base_edge =
      RunPtzScenario(s, Profile("edge"), ControllerKind::kProportional, calib, 7);
  const auto base_g4 =
      RunPtzScenario(s, Profile("cloud_4g"), ControllerKind::kProportional, calib, 7);
  EXPECT_LT(base_g4.metrics.inner25_frac, base_edge.metrics.inner25_frac);
  // A 4G outage: the cloud loop loses the target, the edge loop is untouched.
  const auto g4_out =
      RunPtzScenario(s, Profile("cloud_4g_outage"), ControllerKind::kPredictive, calib, 7);
  EXPECT_LT(g4_out.metrics.inner25_frac, edge.metrics.inner25_frac);
  EXPECT_EQ(edge_out.metrics.ToJson(), edge.metrics.ToJson());
}

TEST(PtzSimTest, PredictiveControllerStopsAfterTimeout) {
  PredictiveController c;
  TargetObservation obs;
  obs.t = Timestamp::Seconds(1.0);
  obs.pan_deg = 10;
  obs.pan_rate_dps = 5;
  obs.angular_height_deg = 5;
  PtzStatus st;
  st.t = Timestamp::Seconds(1.0);
  auto cmd = c.Decide({Timestamp::Seconds(1.03), obs, st});
  ASSERT_TRUE(cmd.has_value());
  EXPECT_EQ(cmd->type, PtzCommand::Type::kContinuous);
  EXPECT_GT(cmd->pan, 0);
  EXPECT_FALSE(c.Decide({Timestamp::Seconds(1.5), std::nullopt, st}).has_value());
  auto stop = c.Decide({Timestamp::Seconds(2.2), std::nullopt, st});
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->type, PtzCommand::Type::kStop);
  EXPECT_FALSE(c.Decide({Timestamp::Seconds(2.3), std::nullopt, st}).has_value());
}

TEST(PtzSimTest, SelectorIsStickyAndHandsOff) {
  TargetSelector sel(TrueWideCalibration());
  TrackOutput small{1, kClassPerson, 0.9f, {100, 100, 20, 50}, false};
  TrackOutput big{2, kClassPerson, 0.9f, {500, 100, 40, 100}, false};
  auto o = sel.Update({small}, Timestamp::Seconds(0));
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->track_id, 1);
  o = sel.Update({small, big}, Timestamp::Seconds(0.04));  // sticky despite the bigger one
  EXPECT_EQ(o->track_id, 1);
  EXPECT_FALSE(sel.Update({big}, Timestamp::Seconds(0.2)).has_value());  // holding
  o = sel.Update({big}, Timestamp::Seconds(0.7));                        // hand-off after hold_s
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->track_id, 2);
  EXPECT_EQ(sel.handoffs(), 1);
}

TEST(PtzSimTest, RunPtzSimIsDeterministic) {
  const nlohmann::json a = RunPtzSim(123);
  const nlohmann::json b = RunPtzSim(123);
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_EQ(a["runs"].size(), 5u * 5u * 2u);
  EXPECT_LT(a["calibration"]["rms_deg"].get<double>(), 0.2);
  const nlohmann::json c = RunPtzSim(124);
  EXPECT_NE(a.dump(), c.dump());
}

}  // namespace
}  // namespace es
