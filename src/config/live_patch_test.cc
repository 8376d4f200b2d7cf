#include "config/live_patch.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(LivePatch, SettingsJsonHasTheLiveKeysTyped) {
  AppConfig c;
  c.pipeline.detect_period_s = 0.25;
  c.pipeline.priority = 70;
  const nlohmann::json j = LiveSettingsJson(c);
  EXPECT_EQ(j["pipeline"]["detect_period_s"], 0.25);
  EXPECT_EQ(j["pipeline"]["priority"], 70);
  EXPECT_EQ(j["pipeline"].size(), 4u);
  EXPECT_EQ(j["gate"]["enabled"], true);
  EXPECT_TRUE(j["gate"]["var_threshold"].is_number());
  EXPECT_FALSE(j.contains("source"));
}

TEST(LivePatch, AppliesASubsetAndKeepsTheRest) {
  AppConfig c;
  c.source.uri = "cam.mp4";
  auto next = ApplyLivePatch(
      c, nlohmann::json::parse(R"({"gate": {"enabled": false}, "pipeline": {"priority": 90}})"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_FALSE(next->gate.enabled);
  EXPECT_EQ(next->pipeline.priority, 90);
  EXPECT_EQ(next->source.uri, "cam.mp4");
  EXPECT_EQ(next->pipeline.detect_period_s, c.pipeline.detect_period_s);
  EXPECT_TRUE(c.gate.enabled);  // the current config is not touched
}

TEST(LivePatch, ErrorsAreTheConfigFilesAndNonLiveKeysAreRefused) {
  const AppConfig c;
  struct Case {
    const char* patch;
    const char* error;
  };
  for (const Case& k : {
           Case{R"({"gate": {"var_treshold": 3}})",
                "gate.var_treshold: unknown key (did you mean 'var_threshold'?)"},
           Case{R"({"pipeline": {"priority": 101}})", "pipeline.priority: expected an integer"},
           Case{R"({"pipeline": {"detect_period_s": "soon"}})", "pipeline.detect_period_s"},
           Case{R"({"pipeline": {"queue_capacity": 4}})",
                "pipeline.queue_capacity: not a live setting; change the config file and restart"},
           Case{R"({"detector": {"score_threshold": 0.2}})", "detector: not a live setting"},
           Case{R"({"gaet": {}})", "unknown section"},
           Case{R"([1])", "settings: expected a JSON object"},
           Case{R"({"gate": {"a": [[[[[[[[[[1]]]]]]]]]]}})", "settings: nested deeper than 8"},
       }) {
    auto r = ApplyLivePatch(c, nlohmann::json::parse(k.patch));
    ASSERT_FALSE(r.ok()) << k.patch;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(k.error), std::string::npos)
        << k.patch << " -> " << r.status().message();
  }
}

}  // namespace
}  // namespace es
