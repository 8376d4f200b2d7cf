#include "plan/site_spec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using test_util::TempDir;

std::string Error(const std::string& yaml) {
  auto r = LoadPlanSiteString(yaml, "site.yaml");
  EXPECT_FALSE(r.ok()) << yaml;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  return r.status().message();
}

TEST(SiteSpecTest, ReadsSectionsAndKeepsDefaults) {
  auto r = LoadPlanSiteString(R"(
site: {name: farm}
cameras:
  count: 4
  fps: 10
  detect_fps: 2.5
link:
  uplink_mbps: 8
  usd_per_gb: 2
constraints:
  latency_p99_ms: 500
)",
                              "site.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->site.name, "farm");
  EXPECT_EQ(r->cameras.count, 4);
  EXPECT_DOUBLE_EQ(r->cameras.detect_fps, 2.5);
  EXPECT_DOUBLE_EQ(r->link.uplink_mbps, 8);
  EXPECT_DOUBLE_EQ(r->link.usd_per_gb, 2);
  EXPECT_DOUBLE_EQ(r->constraints.latency_p99_ms, 500);
  const PlanSite defaults;
  EXPECT_EQ(r->cameras.width, defaults.cameras.width);
  EXPECT_DOUBLE_EQ(r->cloud.gpu_usd_per_hour, defaults.cloud.gpu_usd_per_hour);
  EXPECT_TRUE(LoadPlanSiteString("", "empty.yaml").ok());  // every default
}

TEST(SiteSpecTest, EveryErrorNamesTheFileAndKey) {
  EXPECT_EQ(Error("camera:\n  count: 4\n"),
            "site.yaml: camera: unknown section (did you mean 'cameras'?)");
  EXPECT_EQ(Error("link:\n  rtt_m: 40\n"),
            "site.yaml: link.rtt_m: unknown key (did you mean 'rtt_ms'?)");
  EXPECT_EQ(Error("power:\n  price: 1\n"),
            "site.yaml: power.price: unknown key (expected one of [usd_per_kwh])");
  EXPECT_EQ(Error("link:\n  rtt_ms: -5\n"),
            "site.yaml: link.rtt_ms: expected a number in [0, 10000], got -5");
  EXPECT_EQ(Error("cameras:\n  count: many\n"),
            "site.yaml: cameras.count: expected an integer, got \"many\"");
  EXPECT_EQ(Error("cameras:\n  fps: 5\n  detect_fps: 10\n"),
            "site.yaml: cameras.detect_fps: expected at most cameras.fps (5), got 10");
  EXPECT_EQ(Error("cameras: 4\n"), "site.yaml: cameras: expected a mapping, got 4");
  EXPECT_EQ(Error("- a\n"), "site.yaml: expected a mapping, got a list");
  EXPECT_EQ(Error("link:\n  loss: 0.1\n  loss: 0.2\n"), "site.yaml: link.loss: duplicate key");
  EXPECT_NE(Error("link: [\n").find("site.yaml:"), std::string::npos);
}

TEST(SiteSpecTest, FilesAndTheKeyReference) {
  TempDir dir;
  auto missing = LoadPlanSite(dir / "none.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::ofstream(dir / "s.yaml") << "edge:\n  unit_usd: 250\n";
  auto ok = LoadPlanSite(dir / "s.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_DOUBLE_EQ(ok->edge.unit_usd, 250);
  const std::string keys = DescribePlanSite();
  EXPECT_NE(keys.find("link.rtt_ms\tfloat\t[0, 10000]\t80\t"), std::string::npos) << keys;
  EXPECT_NE(keys.find("cloud.egress_usd_per_tb"), std::string::npos);
}

}  // namespace
}  // namespace es
