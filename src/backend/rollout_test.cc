#include "backend/rollout.h"

#include <gtest/gtest.h>

#include <cmath>

namespace es {
namespace {

RolloutPlan TestPlan() {
  RolloutPlan p;
  p.model = "det@2";
  p.bundle_sha256 = "abc";
  p.selector = "site-*";
  p.stages = {10, 50, 100};
  p.max_failure_rate = 0.25;
  p.soak_s = 5;
  p.report_timeout_s = 30;
  return p;
}

std::vector<RolloutCandidate> Fleet(int n) {
  std::vector<RolloutCandidate> out;
  for (int i = n - 1; i >= 0; --i) out.push_back({"site-" + std::to_string(i), true, "det@1"});
  out.push_back({"lab-0", true, "det@1"});  // not selected
  return out;
}

nlohmann::json Ev(const std::string& device, const std::string& action,
                  const std::string& sha = "abc") {
  return {{"type", "model"},  {"device", device},     {"action", action},
          {"model", "det@2"}, {"bundle_sha256", sha}, {"reason", "why"}};
}

const RolloutDevice& Dev(const Rollout& r, const std::string& id) {
  for (const RolloutDevice& d : r.devices()) {
    if (d.id == id) return d;
  }
  static RolloutDevice none;
  ADD_FAILURE() << id << " not in the rollout";
  return none;
}

TEST(Rollout, StagesSplitTheSortedDevicesByCumulativePercentage) {
  auto r = Rollout::Plan(TestPlan(), Fleet(10), 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->devices().size(), 10u);  // lab-0 is not selected
  std::vector<int> per_stage(3);
  for (const RolloutDevice& d : r->devices()) per_stage[d.stage]++;
  EXPECT_EQ(per_stage, (std::vector<int>{1, 4, 5}));
  EXPECT_EQ(r->devices().front().id, "site-0");
  // Fewer devices than stages: every stage that can have one gets one.
  auto two = Rollout::Plan(TestPlan(), Fleet(2), 0);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->devices()[0].stage, 0);
  EXPECT_EQ(two->devices()[1].stage, 1);
}

TEST(Rollout, PassingReportsAdvanceEveryStageToDone) {
  auto r = Rollout::Plan(TestPlan(), Fleet(4), 0);
  ASSERT_TRUE(r.ok());
  // 4 devices at 10/50/100 %: stage 1 {site-0}, stage 2 {site-1}, stage 3 {site-2, site-3}.
  EXPECT_EQ(r->Tick(0), (std::vector<std::string>{"site-0"}));
  EXPECT_EQ(r->Tick(100), (std::vector<std::string>{"site-0"}));  // not yet acknowledged
  r->MarkDelivered("site-0");
  EXPECT_TRUE(r->Tick(200).empty());
  r->OnEvent(Ev("site-0", "received"), 1000);
  r->OnEvent(Ev("site-0", "promoted"), 2000);
  EXPECT_EQ(Dev(*r, "site-0").state, RolloutDeviceState::kPromoted);
  EXPECT_TRUE(r->Tick(6000).empty());  // soaking: 4 s of 5
  EXPECT_EQ(r->stage(), 0);
  EXPECT_EQ(r->Tick(7000), (std::vector<std::string>{"site-1"}));
  EXPECT_EQ(Dev(*r, "site-0").state, RolloutDeviceState::kPassed);
  r->MarkDelivered("site-1");
  // A status naming the model in use counts as the promotion (its event not seen).
  r->OnStatus("site-1", true, "det@2", 8000);
  EXPECT_EQ(Dev(*r, "site-1").state, RolloutDeviceState::kPromoted);
  EXPECT_EQ(r->Tick(13000), (std::vector<std::string>{"site-2", "site-3"}));
  r->MarkDelivered("site-2");
  r->MarkDelivered("site-3");
  for (const char* d : {"site-2", "site-3"}) r->OnEvent(Ev(d, "promoted"), 14000);
  r->Tick(19000);
  EXPECT_EQ(r->state(), RolloutState::kDone) << r->reason();
  EXPECT_NE(r->reason().find("4 of 4 device(s) passed"), std::string::npos) << r->reason();
}

TEST(Rollout, FailuresPastTheThresholdPauseAndLaterStagesGetNothing) {
  auto r = Rollout::Plan(TestPlan(), Fleet(10), 0);
  ASSERT_TRUE(r.ok());
  r->Tick(0);
  r->MarkDelivered("site-0");
  r->OnEvent(Ev("site-0", "promoted"), 1000);
  const std::vector<std::string> stage2 = r->Tick(6000);
  EXPECT_EQ(stage2.size(), 4u);
  for (const std::string& d : stage2) r->MarkDelivered(d);
  // An event of another bundle changes nothing.
  r->OnEvent(Ev(stage2[0], "rejected", "other"), 6500);
  EXPECT_EQ(Dev(*r, stage2[0]).state, RolloutDeviceState::kSent);
  r->OnEvent(Ev(stage2[0], "rejected"), 7000);
  r->Tick(7000);
  EXPECT_EQ(r->state(), RolloutState::kRunning);  // 1 of 5 = 0.2 <= 0.25
  r->OnEvent(Ev(stage2[1], "promoted"), 7000);
  r->OnEvent(Ev(stage2[1], "rolled_back"), 8000);  // regressed after promotion
  EXPECT_TRUE(r->Tick(8000).empty());
  EXPECT_EQ(r->state(), RolloutState::kPaused);
  EXPECT_NE(r->reason().find("2 of 5 device(s) failed"), std::string::npos) << r->reason();
  EXPECT_NE(r->reason().find("rolled back: why"), std::string::npos) << r->reason();
  for (const RolloutDevice& d : r->devices()) {
    if (d.stage == 2) {
      EXPECT_EQ(d.state, RolloutDeviceState::kPending) << d.id;
    }
  }
  EXPECT_TRUE(r->Tick(60000).empty());  // paused stays paused
}

TEST(Rollout, OfflineDevicesWaitAndSilentOnlineOnesTimeOut) {
  RolloutPlan p = TestPlan();
  p.stages = {100};
  p.max_failure_rate = 0.5;
  auto fleet = Fleet(3);
  fleet[0].online = false;   // site-2
  fleet[1].model = "det@2";  // site-1 already runs it
  auto r = Rollout::Plan(p, fleet, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Dev(*r, "site-1").state, RolloutDeviceState::kPassed);
  EXPECT_EQ(r->Tick(0), (std::vector<std::string>{"site-0", "site-2"}));  // retained for site-2
  r->MarkDelivered("site-0");
  r->MarkDelivered("site-2");
  r->Tick(29000);
  EXPECT_EQ(Dev(*r, "site-0").state, RolloutDeviceState::kSent);
  r->Tick(31000);  // online and silent for 30 s: failed; offline site-2 is not timed out
  EXPECT_EQ(Dev(*r, "site-0").state, RolloutDeviceState::kFailed);
  EXPECT_EQ(Dev(*r, "site-2").state, RolloutDeviceState::kSent);
  EXPECT_EQ(r->state(), RolloutState::kDone) << r->reason();  // 1 of 3 failed <= 0.5
  EXPECT_NE(r->reason().find("1 offline"), std::string::npos) << r->reason();
  // Back online: it takes the retained bundle; its result is still recorded.
  r->OnStatus("site-2", true, "det@1", 40000);
  r->OnEvent(Ev("site-2", "promoted"), 45000);
  EXPECT_EQ(Dev(*r, "site-2").state, RolloutDeviceState::kPromoted);
}

TEST(Rollout, AbortOnFailureAndTheStateRoundTrips) {
  RolloutPlan p = TestPlan();
  p.abort_on_failure = true;
  p.stages = {100};
  auto r = Rollout::Plan(p, Fleet(2), 0);
  ASSERT_TRUE(r.ok());
  r->Tick(0);
  r->MarkDelivered("site-0");
  r->OnEvent(Ev("site-0", "rejected"), 500);
  r->Tick(1000);
  EXPECT_EQ(r->state(), RolloutState::kAborted);
  auto back = Rollout::FromJson(nlohmann::json::parse(r->ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson().dump(), r->ToJson().dump());
  nlohmann::json bad = r->ToJson();
  bad["devices"][0]["state"] = "exploded";
  EXPECT_FALSE(Rollout::FromJson(bad).ok());
  bad = r->ToJson();
  bad.erase("stages");
  EXPECT_FALSE(Rollout::FromJson(bad).ok());
}

TEST(Rollout, BadPlansAndArgumentsAreOneLineErrors) {
  RolloutPlan p = TestPlan();
  p.selector = "nothing-*";
  EXPECT_EQ(Rollout::Plan(p, Fleet(3), 0).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(ParseStages("5,25").ok());       // does not end at 100
  EXPECT_FALSE(ParseStages("50,25,100").ok());  // falls
  EXPECT_FALSE(ParseStages("5,x,100").ok());
  EXPECT_FALSE(ParseStages("0,100").ok());
  p = TestPlan();
  p.max_failure_rate = std::nan("");
  EXPECT_EQ(CheckPlan(p).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Rollout::Plan(p, Fleet(3), 0).ok());
  p.max_failure_rate = 1.5;
  EXPECT_FALSE(CheckPlan(p).ok());
  EXPECT_TRUE(CheckPlan(TestPlan()).ok());
  EXPECT_EQ(*ParseStages("5,25,100"), (std::vector<int>{5, 25, 100}));
  EXPECT_DOUBLE_EQ(*ParseSeconds("10m"), 600);
  EXPECT_DOUBLE_EQ(*ParseSeconds("30s"), 30);
  EXPECT_DOUBLE_EQ(*ParseSeconds("2h"), 7200);
  EXPECT_DOUBLE_EQ(*ParseSeconds("1.5"), 1.5);
  EXPECT_FALSE(ParseSeconds("10 minutes").ok());
  EXPECT_FALSE(ParseSeconds("-1").ok());
  EXPECT_FALSE(ParseSeconds("").ok());
  EXPECT_TRUE(SelectorMatches("lab-*,site-1", "site-1"));
  EXPECT_FALSE(SelectorMatches("lab-*,site-1", "site-10"));
}

}  // namespace
}  // namespace es
