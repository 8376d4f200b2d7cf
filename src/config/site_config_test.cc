#include "config/site_config.h"

#include <gtest/gtest.h>

namespace es {
namespace {

SiteConfig SiteOk(const std::string& yaml) {
  auto r = LoadSiteConfigString(yaml, "site.yaml");
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << yaml;
  return r.ok() ? r.value() : SiteConfig{};
}

std::string SiteError(const std::string& yaml) {
  auto r = LoadSiteConfigString(yaml, "site.yaml");
  EXPECT_FALSE(r.ok()) << "loaded without error:\n" << yaml;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
  return r.status().message();
}

const char* kSite = R"(
gate:
  enabled: false
pipeline:
  detect_period_s: 0.2
analytics:
  zones:
    - name: door
      polygon: [[0, 0], [100, 0], [100, 100]]
      stream: gate
    - name: everywhere
      polygon: [[0, 0], [1000, 0], [1000, 1000]]
cameras:
  - id: gate
    source: synthetic:walk
    pipeline:
      priority: 90
  - id: yard
    source:
      uri: synthetic:crowd
      realtime: false
    gate:
      enabled: true
)";

TEST(SiteConfigTest, CamerasInheritDefaultsAndOverrideTheirOwnSections) {
  const SiteConfig site = SiteOk(kSite);
  ASSERT_EQ(site.cameras.size(), 2u);
  EXPECT_TRUE(site.has_cameras_list);
  const AppConfig& gate = site.cameras[0].config;
  const AppConfig& yard = site.cameras[1].config;
  EXPECT_EQ(site.cameras[0].id, "gate");
  EXPECT_EQ(gate.source.stream_id, "gate");
  EXPECT_EQ(gate.source.uri, "synthetic:walk");
  EXPECT_EQ(gate.pipeline.priority, 90);
  EXPECT_DOUBLE_EQ(gate.pipeline.detect_period_s, 0.2);  // inherited
  EXPECT_FALSE(gate.gate.enabled);
  EXPECT_EQ(yard.source.stream_id, "yard");
  EXPECT_EQ(yard.source.uri, "synthetic:crowd");
  EXPECT_FALSE(yard.source.realtime);
  EXPECT_TRUE(yard.gate.enabled);
  EXPECT_EQ(yard.pipeline.priority, 50);  // the default
}

TEST(SiteConfigTest, ZonesWithAStreamApplyToThatCameraOnly) {
  const SiteConfig site = SiteOk(kSite);
  ASSERT_EQ(site.cameras.size(), 2u);
  ASSERT_EQ(site.cameras[0].config.analytics.zones.size(), 2u);
  EXPECT_EQ(site.cameras[0].config.analytics.zones[0].name, "door");
  ASSERT_EQ(site.cameras[1].config.analytics.zones.size(), 1u);
  EXPECT_EQ(site.cameras[1].config.analytics.zones[0].name, "everywhere");
}

TEST(SiteConfigTest, WithoutCamerasTheTopLevelIsTheOneCamera) {
  const SiteConfig site = SiteOk("source:\n  uri: synthetic:walk\n  stream_id: lobby\n");
  ASSERT_EQ(site.cameras.size(), 1u);
  EXPECT_FALSE(site.has_cameras_list);
  EXPECT_EQ(site.cameras[0].id, "lobby");
  EXPECT_EQ(site.cameras[0].config.source.uri, "synthetic:walk");
}

TEST(SiteConfigTest, ErrorsNameTheCameraAndTheKeyPath) {
  EXPECT_EQ(SiteError("cameras:\n  - id: a\n    source: x.mp4\n  - id: b\n    source: y.mp4\n"
                      "    pipeline:\n      priority: 101\n"),
            "site.yaml: cameras[1].pipeline.priority: expected an integer in [0, 100], got 101");
  EXPECT_EQ(SiteError("cameras:\n  - id: a\n    source: x.mp4\n    analytics:\n      zones:\n"
                      "        - name: door\n          polygon: [[0, 0], [1, 0]]\n"),
            "site.yaml: cameras[0].analytics.zones[0] 'door': polygon needs at least 3 points, "
            "got 2");
  EXPECT_EQ(SiteError("cameras:\n  - id: a\n    source: x.mp4\n  - id: a\n    source: y.mp4\n"),
            "site.yaml: cameras[1].id: duplicate camera id \"a\"");
  EXPECT_EQ(SiteError("cameras:\n  - source: x.mp4\n"),
            "site.yaml: cameras[0].id: missing (every camera needs an id)");
  EXPECT_EQ(SiteError("cameras:\n  - id: 'a b'\n    source: x.mp4\n"),
            "site.yaml: cameras[0].id: expected 1-64 characters of [A-Za-z0-9_-], got \"a b\"");
  EXPECT_EQ(SiteError("cameras: []\n"),
            "site.yaml: cameras: expected a non-empty list of cameras, got an empty list");
  EXPECT_EQ(SiteError("cameras:\n  - id: a\n    source: x.mp4\n    detector:\n      type: hog\n"),
            "site.yaml: cameras[0].detector: is device-wide (one detector for every camera); "
            "set it at the top level");
  EXPECT_EQ(SiteError("cameras:\n  - id: a\n    source: x.mp4\n    http:\n      listen: ':1'\n"),
            "site.yaml: cameras[0].http: is device-wide (one http for every camera); "
            "set it at the top level");
  EXPECT_EQ(
      SiteError("cameras:\n  - id: a\n    source: x.mp4\n    governor:\n      enabled: true\n"),
      "site.yaml: cameras[0].governor: is device-wide (one governor for every camera); "
      "set it at the top level");
  EXPECT_EQ(SiteError("governor:\n  temp_limit_c: 70\n  temp_resume_c: 80\n"),
            "site.yaml: governor.temp_resume_c: expected below governor.temp_limit_c (70), got 80");
  EXPECT_EQ(SiteError("cameras:\n  - id: a\n    sourse: x.mp4\n"),
            "site.yaml: cameras[0].sourse: unknown key (did you mean 'source'?)");
  EXPECT_EQ(SiteError("analytics:\n  zones:\n    - name: door\n"
                      "      polygon: [[0, 0], [9, 0], [9, 9]]\n      stream: gat\n"
                      "cameras:\n  - id: gate\n    source: x.mp4\n"),
            "site.yaml: analytics.zones[0]: stream \"gat\" is not a camera (cameras: [gate])");
}

TEST(SiteConfigTest, DualLensPairsAreChecked) {
  const SiteConfig ok = SiteOk(
      "cameras:\n  - id: wide\n    source: a.mp4\n    role: wide\n    pair: tele\n"
      "  - id: tele\n    source: b.mp4\n    role: ptz\n    pair: wide\n");
  ASSERT_EQ(ok.cameras.size(), 2u);
  EXPECT_EQ(ok.cameras[1].role, "ptz");
  EXPECT_EQ(SiteError("cameras:\n  - id: tele\n    source: b.mp4\n    role: ptz\n    pair: wide\n"),
            "site.yaml: cameras[0].pair: unknown camera \"wide\"");
  EXPECT_EQ(SiteError("cameras:\n  - id: tele\n    source: b.mp4\n    role: ptz\n"),
            "site.yaml: cameras[0].pair: a ptz camera needs the id of its wide partner");
  EXPECT_EQ(SiteError("cameras:\n  - id: w\n    source: a.mp4\n  - id: t\n    source: b.mp4\n"
                      "    role: ptz\n    pair: w\n"),
            "site.yaml: cameras[1].pair: \"w\" must be a wide camera whose pair is \"t\"");
  EXPECT_EQ(SiteError("cameras:\n  - id: w\n    source: a.mp4\n    role: zoom\n"),
            "site.yaml: cameras[0].role: expected one of [wide, ptz], got \"zoom\"");
}

TEST(SiteConfigTest, OverridesApplyToEveryCameraAllOrNothing) {
  SiteConfig site = SiteOk(kSite);
  ASSERT_TRUE(ApplySiteOverrides(&site, {"pipeline.detect_period_s=0.5"}).ok());
  for (const auto& cam : site.cameras) {
    EXPECT_DOUBLE_EQ(cam.config.pipeline.detect_period_s, 0.5);
  }
  const Status bad =
      ApplySiteOverrides(&site, {"pipeline.priority=7", "pipeline.max_period_s=0.1"});
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(site.cameras[0].config.pipeline.priority, 90);  // unchanged
}

}  // namespace
}  // namespace es
