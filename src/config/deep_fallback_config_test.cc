// The `fallback:` and `deep:` sections: defaults, values, one-line errors.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace es {
namespace {

using config_test::LoadError;
using config_test::LoadOk;

const char* kArmedDoor =
    "analytics:\n  zones:\n    - {name: door, polygon: [[0, 0], [10, 0], [10, 10]], armed: true}\n"
    "    - {name: yard, polygon: [[0, 0], [20, 0], [20, 20]]}\n";

TEST(FallbackConfigTest, DefaultsAndValues) {
  AppConfig c = LoadOk("");
  EXPECT_FALSE(c.fallback.enabled);
  EXPECT_DOUBLE_EQ(c.fallback.max_fps, 2);
  EXPECT_EQ(c.fallback.max_side, 416);
  EXPECT_EQ(c.fallback.switch_after, 2);
  c = LoadOk("fallback: {enabled: true, max_fps: 5, timeout_s: 0.5, probe_s: 30, stall_s: 1}\n");
  EXPECT_TRUE(c.fallback.enabled);
  EXPECT_DOUBLE_EQ(c.fallback.max_fps, 5);
  EXPECT_DOUBLE_EQ(c.fallback.timeout_s, 0.5);
  EXPECT_DOUBLE_EQ(c.fallback.probe_s, 30);
  EXPECT_EQ(LoadError("fallback:\n  max_fps: 0\n"),
            "config.yaml: fallback.max_fps: expected a number in (0, 30], got 0");
  EXPECT_EQ(LoadError("fallback:\n  probe_sec: 3\n"),
            "config.yaml: fallback.probe_sec: unknown key (did you mean 'probe_s'?)");
}

TEST(DeepConfigTest, DefaultsAndValues) {
  AppConfig c = LoadOk("");
  EXPECT_FALSE(c.deep.enabled);
  EXPECT_TRUE(c.deep.zones.empty());
  EXPECT_DOUBLE_EQ(c.deep.min_interval_s, 2);
  c = LoadOk(std::string(kArmedDoor) + "deep: {enabled: true, zones: [yard], min_presence: 0.7}\n");
  EXPECT_TRUE(c.deep.enabled);
  EXPECT_EQ(c.deep.zones, (std::vector<std::string>{"yard"}));
  EXPECT_DOUBLE_EQ(c.deep.min_presence, 0.7);
  // Without zones it watches the armed ones: fine when one is armed.
  EXPECT_TRUE(LoadOk(std::string(kArmedDoor) + "deep: {enabled: true}\n").deep.enabled);
}

TEST(DeepConfigTest, ZonesMustExistAndSomethingMustBeWatched) {
  EXPECT_EQ(LoadError(std::string(kArmedDoor) + "deep: {enabled: true, zones: [yrd]}\n"),
            "config.yaml: deep.zones[0]: unknown zone \"yrd\" (did you mean 'yard'?)");
  EXPECT_EQ(LoadError("deep: {enabled: true}\n"),
            "config.yaml: deep.enabled: no zone to watch: arm one (analytics.zones[].armed) or "
            "set deep.zones");
  EXPECT_EQ(LoadError("deep:\n  min_presence: 2\n"),
            "config.yaml: deep.min_presence: expected a number in [0, 1], got 2");
}

}  // namespace
}  // namespace es
