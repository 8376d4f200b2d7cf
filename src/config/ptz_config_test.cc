// The `ptz:` section: flat keys bound into PtzConfig (and its PtzLinkageOptions), class names to
// COCO ids, the zone polygon, ranges, the cross-field rules, ToYaml round trips, --set.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_checks.h"
#include "config/config_loader.h"
#include "config/config_schema.h"
#include "config/config_test_util.h"
#include "detect/coco_classes.h"

namespace es {
namespace {

using ::testing::HasSubstr;

using config_test::LoadError;
using config_test::LoadOk;

const char kFull[] = R"(
ptz:
  driver: onvif
  onvif_url: http://10.0.0.7/onvif/ptz_service
  onvif_profile: prof2
  onvif_configuration: ptzconf2
  onvif_username: admin
  onvif_password_file: /etc/edgesight/ptz.pass
  onvif_timeout_ms: 500
  calibration_file: /etc/edgesight/ptz-calibration.json
  controller: proportional
  class_priority: [car, person]
  zone: [[0, 0], [640, 0], [640, 400], [0, 400]]
  zone_mode: prefer
  rank: longest_lived
  switch_margin: 0.25
  switch_after_s: 2
  hold_s: 1
  search_s: 3
  search_zoom_out: 3
  home_pan_deg: -20
  home_tilt_deg: 5
  home_zoom: 2
  target_fill: 0.5
  ptz_hfov_deg: 55
  ptz_aspect: 1.5
  min_zoom: 1.5
  max_zoom: 30
  zoom_hysteresis: 0.2
  command_latency_ms: 80
  continuous_timeout_s: 2
  status_interval_s: 0.2
)";

TEST(PtzConfigTest, DefaultsAreTheStructDefaultsAndPtzIsOff) {
  const AppConfig c = LoadOk("ptz:\n");
  EXPECT_EQ(c.ptz.driver, "");
  const PtzLinkageOptions d;
  EXPECT_EQ(c.ptz.linkage.controller, d.controller);
  EXPECT_DOUBLE_EQ(c.ptz.linkage.max_zoom, d.max_zoom);
  EXPECT_TRUE(c.ptz.linkage.class_priority.empty());
  EXPECT_TRUE(c.ptz.linkage.zone.empty());
  EXPECT_EQ(ToYaml(c), ToYaml(AppConfig{}));
  EXPECT_TRUE(d.Validate().ok());
}

TEST(PtzConfigTest, EveryKeyLoads) {
  const AppConfig c = LoadOk(kFull);
  const PtzConfig& p = c.ptz;
  EXPECT_EQ(p.driver, "onvif");
  EXPECT_EQ(p.onvif_url, "http://10.0.0.7/onvif/ptz_service");
  EXPECT_EQ(p.onvif_profile, "prof2");
  EXPECT_EQ(p.onvif_configuration, "ptzconf2");
  EXPECT_EQ(p.onvif_username, "admin");
  EXPECT_EQ(p.onvif_password_file, "/etc/edgesight/ptz.pass");
  EXPECT_EQ(p.onvif_timeout_ms, 500);
  const PtzLinkageOptions& l = p.linkage;
  EXPECT_EQ(l.calibration_file, "/etc/edgesight/ptz-calibration.json");
  EXPECT_EQ(l.controller, "proportional");
  EXPECT_EQ(l.class_priority, (std::vector<int>{CocoClassId("car"), CocoClassId("person")}));
  ASSERT_EQ(l.zone.size(), 4u);
  EXPECT_FLOAT_EQ(l.zone[2].x, 640);
  EXPECT_FLOAT_EQ(l.zone[2].y, 400);
  EXPECT_EQ(l.zone_mode, "prefer");
  EXPECT_EQ(l.rank, "longest_lived");
  EXPECT_DOUBLE_EQ(l.switch_margin, 0.25);
  EXPECT_DOUBLE_EQ(l.switch_after_s, 2);
  EXPECT_DOUBLE_EQ(l.hold_s, 1);
  EXPECT_DOUBLE_EQ(l.search_s, 3);
  EXPECT_DOUBLE_EQ(l.search_zoom_out, 3);
  EXPECT_DOUBLE_EQ(l.home_pan_deg, -20);
  EXPECT_DOUBLE_EQ(l.home_tilt_deg, 5);
  EXPECT_DOUBLE_EQ(l.home_zoom, 2);
  EXPECT_DOUBLE_EQ(l.target_fill, 0.5);
  EXPECT_DOUBLE_EQ(l.ptz_hfov_deg, 55);
  EXPECT_DOUBLE_EQ(l.ptz_aspect, 1.5);
  EXPECT_DOUBLE_EQ(l.min_zoom, 1.5);
  EXPECT_DOUBLE_EQ(l.max_zoom, 30);
  EXPECT_DOUBLE_EQ(l.zoom_hysteresis, 0.2);
  EXPECT_DOUBLE_EQ(l.command_latency_ms, 80);
  EXPECT_DOUBLE_EQ(l.continuous_timeout_s, 2);
  EXPECT_DOUBLE_EQ(l.status_interval_s, 0.2);
  EXPECT_TRUE(l.Validate().ok());
}

TEST(PtzConfigTest, ToYamlRoundTripsAndSetOverrides) {
  const AppConfig c = LoadOk(kFull);
  const std::string yaml = ToYaml(c);
  EXPECT_THAT(yaml, HasSubstr("class_priority: [\"car\", \"person\"]"));
  const AppConfig back = LoadOk(yaml);
  EXPECT_EQ(ToYaml(back), yaml);
  EXPECT_EQ(back.ptz.linkage.class_priority, c.ptz.linkage.class_priority);

  AppConfig o;
  ASSERT_TRUE(ApplyOverrides(&o, {"ptz.driver=simulator", "ptz.calibration_file=/tmp/p.txt",
                                  "ptz.class_priority=[person]", "ptz.home_zoom=3",
                                  "ptz.zone=[[0,0],[10,0],[10,10]]"})
                  .ok());
  EXPECT_EQ(o.ptz.driver, "simulator");
  EXPECT_EQ(o.ptz.linkage.calibration_file, "/tmp/p.txt");
  EXPECT_EQ(o.ptz.linkage.class_priority, std::vector<int>{CocoClassId("person")});
  EXPECT_DOUBLE_EQ(o.ptz.linkage.home_zoom, 3);
  EXPECT_EQ(o.ptz.linkage.zone.size(), 3u);
  EXPECT_TRUE(ValidateConfig(o).ok()) << ValidateConfig(o).ToString();
}

TEST(PtzConfigTest, TypeRangeAndNameErrorsNameTheKey) {
  EXPECT_EQ(LoadError("ptz:\n  driver: pelco\n"),
            "config.yaml: ptz.driver: expected one of [\"\", simulator, onvif], got \"pelco\"");
  EXPECT_THAT(LoadError("ptz:\n  drvier: onvif\n"), HasSubstr("ptz.drvier"));
  EXPECT_THAT(LoadError("ptz:\n  drvier: onvif\n"), HasSubstr("did you mean 'driver'"));
  EXPECT_EQ(LoadError("ptz:\n  class_priority: [persn]\n"),
            "config.yaml: ptz.class_priority[0]: unknown class 'persn' (did you mean 'person'?)");
  EXPECT_THAT(LoadError("ptz:\n  class_priority: person\n"),
              HasSubstr("ptz.class_priority: expected a list of strings"));
  EXPECT_THAT(LoadError("ptz:\n  zone: [[0, 0], [1, x], [2, 2]]\n"),
              HasSubstr("ptz.zone[1]: expected a point [x, y] of numbers"));
  EXPECT_THAT(LoadError("ptz:\n  zone: [[0, 0], [10, 0]]\n"), HasSubstr("ptz.zone: "));
  EXPECT_THAT(LoadError("ptz:\n  onvif_profile: " + std::string(65, 'p') + "\n"),
              HasSubstr("ptz.onvif_profile: expected an ONVIF token (at most 64 printable"));
  EXPECT_THAT(LoadError("ptz:\n  onvif_configuration: \"a\\tb\"\n"),
              HasSubstr("ptz.onvif_configuration: expected an ONVIF token"));
  EXPECT_THAT(LoadError("ptz:\n  zone: [[0, 0], [10, 10], [10, 0], [0, 10]]\n"),
              HasSubstr("ptz.zone: "));  // self-intersecting (a bow tie)
  EXPECT_THAT(LoadError("ptz:\n  target_fill: 1.5\n"),
              HasSubstr("ptz.target_fill: expected a number in (0, 1], got 1.5"));
  EXPECT_THAT(LoadError("ptz:\n  onvif_timeout_ms: 0\n"), HasSubstr("ptz.onvif_timeout_ms: "));
  EXPECT_THAT(LoadError("ptz:\n  controller: pid\n"), HasSubstr("ptz.controller: expected one of"));
}

TEST(PtzConfigTest, CrossFieldRules) {
  EXPECT_EQ(LoadError("ptz:\n  driver: onvif\n  calibration_file: c.json\n"),
            "config.yaml: ptz.onvif_url: required when ptz.driver is onvif");
  EXPECT_EQ(LoadError("ptz:\n  driver: simulator\n"),
            "config.yaml: ptz.calibration_file: required when ptz.driver is simulator "
            "(fit one with edgesight calibrate)");
  EXPECT_EQ(LoadError("ptz:\n  driver: onvif\n  onvif_url: http://h/p\n"),
            "config.yaml: ptz.calibration_file: required when ptz.driver is onvif "
            "(fit one with edgesight calibrate)");
  EXPECT_THAT(LoadError("ptz:\n  onvif_url: https://cam/onvif\n"),
              HasSubstr("ptz.onvif_url: expected http://host[:port]/path"));
  EXPECT_EQ(LoadError("ptz:\n  min_zoom: 4\n  max_zoom: 2\n  home_zoom: 3\n"),
            "config.yaml: ptz.max_zoom: must be >= ptz.min_zoom (4), got 2");
  EXPECT_EQ(LoadError("ptz:\n  min_zoom: 2\n"),
            "config.yaml: ptz.home_zoom: must be in [ptz.min_zoom, ptz.max_zoom] ([2, 20]), got 1");
  // Config built in code gets the same checks.
  AppConfig c;
  c.ptz.driver = "simulator";
  EXPECT_THAT(ValidateConfig(c).message(), HasSubstr("ptz.calibration_file: required"));
  c.ptz.linkage.calibration_file = "x.txt";
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.ptz.linkage.class_priority = {0, 0};
  EXPECT_THAT(ValidateConfig(c).message(), HasSubstr("ptz.class_priority"));
}

}  // namespace
}  // namespace es
