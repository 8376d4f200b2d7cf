// The `escalate:` section: defaults, values, one-line errors, per-camera overrides.
#include <gtest/gtest.h>

#include "config/config_test_util.h"
#include "config/site_config.h"

namespace es {
namespace {

using config_test::LoadError;
using config_test::LoadOk;

TEST(EscalateConfigTest, DefaultsAreOffWithTheDocumentedPolicy) {
  const AppConfig c = LoadOk("");
  EXPECT_FALSE(c.escalate.enabled);
  EXPECT_DOUBLE_EQ(c.escalate.score_lo, 0.3);
  EXPECT_DOUBLE_EQ(c.escalate.score_hi, 0.6);
  EXPECT_TRUE(c.escalate.classes.empty());
  EXPECT_TRUE(c.escalate.zones.empty());
  EXPECT_DOUBLE_EQ(c.escalate.audit_rate, 0.02);
  EXPECT_DOUBLE_EQ(c.escalate.min_interval_s, 10);
  EXPECT_EQ(c.escalate.max_per_hour, 120);
  EXPECT_DOUBLE_EQ(c.escalate.deadline_s, 10);
  EXPECT_EQ(c.escalate.max_attempts, 3);
  EXPECT_DOUBLE_EQ(c.escalate.context, 0.1);
}

TEST(EscalateConfigTest, ReadsEveryKey) {
  const AppConfig c = LoadOk(
      "analytics:\n  zones:\n    - {name: door, polygon: [[0, 0], [10, 0], [10, 10]]}\n"
      "escalate:\n  enabled: true\n  score_band: [0.25, 0.5]\n  classes: [sheep, 20, cow]\n"
      "  zones: [door]\n  audit_rate: 0.1\n  min_interval_s: 2\n  max_per_hour: 7\n"
      "  deadline_s: 1.5\n  max_attempts: 2\n  context: 0.3\n");
  EXPECT_TRUE(c.escalate.enabled);
  EXPECT_DOUBLE_EQ(c.escalate.score_lo, 0.25);
  EXPECT_DOUBLE_EQ(c.escalate.score_hi, 0.5);
  EXPECT_EQ(c.escalate.classes, (std::vector<int>{18, 20, 19}));  // sheep, elephant, cow
  EXPECT_EQ(c.escalate.zones, (std::vector<std::string>{"door"}));
  EXPECT_DOUBLE_EQ(c.escalate.audit_rate, 0.1);
  EXPECT_EQ(c.escalate.max_per_hour, 7);
  EXPECT_EQ(c.escalate.max_attempts, 2);
  EXPECT_DOUBLE_EQ(c.escalate.context, 0.3);
}

TEST(EscalateConfigTest, BadValuesAreOneLineErrorsNamingTheKey) {
  EXPECT_EQ(LoadError("escalate:\n  score_band: [0.1, 0.2, 0.3]\n"),
            "config.yaml: escalate.score_band: expected [lo, hi] (two numbers in [0, 1]), got a "
            "list of 3");
  EXPECT_EQ(LoadError("escalate:\n  score_band: 0.5\n"),
            "config.yaml: escalate.score_band: expected [lo, hi] (two numbers in [0, 1]), got 0.5");
  EXPECT_EQ(LoadError("escalate:\n  score_band: [0.1, 1.5]\n"),
            "config.yaml: escalate.score_band[1]: expected a number in [0, 1], got 1.5");
  EXPECT_EQ(LoadError("escalate:\n  score_band: [0.6, 0.3]\n"),
            "config.yaml: escalate.score_band: expected [lo, hi] with lo <= hi, got [0.6, 0.3]");
  EXPECT_EQ(LoadError("escalate:\n  classes: [persn]\n"),
            "config.yaml: escalate.classes[0]: unknown class 'persn' (did you mean 'person'?)");
  EXPECT_EQ(LoadError("escalate:\n  classes: [80]\n"),
            "config.yaml: escalate.classes[0]: expected a class name or a COCO class id in "
            "[0, 79], got 80");
  EXPECT_EQ(LoadError("escalate:\n  audit_rate: 1.5\n"),
            "config.yaml: escalate.audit_rate: expected a number in [0, 1], got 1.5");
  EXPECT_EQ(LoadError("escalate:\n  max_attempts: 0\n"),
            "config.yaml: escalate.max_attempts: expected an integer in [1, 100], got 0");
  EXPECT_EQ(LoadError("escalate:\n  deadline_s: 0\n"),
            "config.yaml: escalate.deadline_s: expected a number in (0, 3600], got 0");
  EXPECT_EQ(LoadError("escalate:\n  audit_rat: 0.1\n"),
            "config.yaml: escalate.audit_rat: unknown key (did you mean 'audit_rate'?)");
  EXPECT_EQ(LoadError("escalate:\n  enabled: maybe\n"),
            "config.yaml: escalate.enabled: expected a boolean (true or false), got \"maybe\"");
}

TEST(EscalateConfigTest, ZonesMustExist) {
  EXPECT_EQ(LoadError("analytics:\n  zones:\n    - {name: door, polygon: [[0, 0], [10, 0], "
                      "[10, 10]]}\nescalate:\n  zones: [dor]\n"),
            "config.yaml: escalate.zones[0]: unknown zone \"dor\" (did you mean 'door'?)");
  EXPECT_EQ(LoadError("escalate:\n  zones: [door]\n"),
            "config.yaml: escalate.zones[0]: unknown zone \"door\" (no zones are configured in "
            "analytics.zones)");
}

TEST(EscalateConfigTest, TopLevelIsTheDefaultAndACameraOverridesIt) {
  auto site = LoadSiteConfigString(
      "escalate:\n  enabled: true\n  audit_rate: 0.5\ncameras:\n"
      "  - {id: a, source: synthetic:walk}\n"
      "  - {id: b, source: synthetic:walk, escalate: {audit_rate: 0, score_band: [0.1, 0.2]}}\n",
      "site.yaml");
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  ASSERT_EQ(site->cameras.size(), 2u);
  EXPECT_TRUE(site->cameras[0].config.escalate.enabled);
  EXPECT_DOUBLE_EQ(site->cameras[0].config.escalate.audit_rate, 0.5);
  EXPECT_TRUE(site->cameras[1].config.escalate.enabled);
  EXPECT_DOUBLE_EQ(site->cameras[1].config.escalate.audit_rate, 0.0);
  EXPECT_DOUBLE_EQ(site->cameras[1].config.escalate.score_hi, 0.2);
  auto bad = LoadSiteConfigString(
      "cameras:\n  - {id: a, source: synthetic:walk, escalate: {max_per_hour: 0}}\n", "site.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cameras[0]"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("escalate.max_per_hour"), std::string::npos);
}

}  // namespace
}  // namespace es
