// The analytics (zones, lines, loitering) and alarm sections of the config: loading, errors,
// round trips and overrides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_checks.h"
#include "config/config_loader.h"
#include "config/config_test_util.h"
#include "edgesight/types.h"

namespace es {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using config_test::LoadError;
using config_test::LoadOk;

const char kFull[] = R"(
source:
  stream_id: gate-1
analytics:
  anchor: center
  end_after_s: 3
  loiter_update_s: 0.5
  line_hysteresis_px: 6
  zones:
    - name: door
      polygon: [[100, 100], [300, 100], [300, 400], [100, 400]]
      classes: [person, car]
      loiter_s: 20
      stream: gate-1
    - name: yard
      polygon:
        - [0, 0]
        - [50, 0]
        - [50, 50]
  lines:
    - name: entry
      a: [0, 240]
      b: [640, 240.5]
      classes: [person]
alarm:
  queue_capacity: 8
  stop_timeout_s: 1
  rules:
    - name: door-loiter
      on: [loiter.start]
      zones: [door]
      http: http://127.0.0.1:8080/alarm
      min_interval_s: 30
      timeout_s: 2
    - name: count-entry
      on: [line]
      lines: [entry]
      command: [/bin/sh, -c, "cat >> /tmp/x.jsonl"]
)";

std::string Zone(const std::string& body) { return "analytics:\n  zones:\n" + body; }

const char kSquare[] = "[[0, 0], [10, 0], [10, 10], [0, 10]]";

// ---- valid configs ----

TEST(AnalyticsConfigTest, LoadsZonesLinesTimersAndAlarmRules) {
  AppConfig c = LoadOk(kFull);
  EXPECT_EQ(c.analytics.anchor, AnchorPoint::kCenter);
  EXPECT_DOUBLE_EQ(c.analytics.end_after_s, 3.0);
  EXPECT_DOUBLE_EQ(c.analytics.loiter_update_s, 0.5);
  EXPECT_DOUBLE_EQ(c.analytics.line_hysteresis_px, 6.0);
  ASSERT_EQ(c.analytics.zones.size(), 2u);
  const ZoneOptions& door = c.analytics.zones[0];
  EXPECT_EQ(door.name, "door");
  ASSERT_EQ(door.polygon.size(), 4u);
  EXPECT_EQ(door.polygon[2], Point2(300, 400));
  EXPECT_EQ(door.classes, (std::vector<int>{kClassPerson, 2}));  // COCO: car = 2
  EXPECT_DOUBLE_EQ(door.loiter_s, 20.0);
  EXPECT_EQ(c.analytics_streams.zones.at("door"), "gate-1");
  EXPECT_EQ(c.analytics.zones[1].polygon.size(), 3u);
  EXPECT_TRUE(c.analytics.zones[1].classes.empty());
  EXPECT_DOUBLE_EQ(c.analytics.zones[1].loiter_s, 0.0);
  EXPECT_EQ(c.analytics_streams.zones.count("yard"), 0u);
  ASSERT_EQ(c.analytics.lines.size(), 1u);
  EXPECT_EQ(c.analytics.lines[0].b, Point2(640, 240.5f));
  ASSERT_EQ(c.alarm.rules.size(), 2u);
  EXPECT_EQ(c.alarm.queue_capacity, 8);
  const AlarmRule& r0 = c.alarm.rules[0];
  EXPECT_EQ(r0.on, std::vector<std::string>{"loiter.start"});
  EXPECT_EQ(r0.zones, std::vector<std::string>{"door"});
  EXPECT_EQ(r0.http, "http://127.0.0.1:8080/alarm");
  EXPECT_DOUBLE_EQ(r0.min_interval_s, 30.0);
  EXPECT_DOUBLE_EQ(r0.timeout_s, 2.0);
  EXPECT_EQ(c.alarm.rules[1].command,
            (std::vector<std::string>{"/bin/sh", "-c", "cat >> /tmp/x.jsonl"}));
  EXPECT_DOUBLE_EQ(c.alarm.rules[1].timeout_s, 5.0);  // default
}

TEST(AnalyticsConfigTest, DefaultsHaveNoZonesLinesOrRules) {
  AppConfig c = LoadOk("analytics:\nalarm:\n");
  EXPECT_TRUE(c.analytics.zones.empty());
  EXPECT_TRUE(c.analytics.lines.empty());
  EXPECT_TRUE(c.alarm.rules.empty());
  EXPECT_EQ(c.analytics.anchor, AnchorPoint::kBottomCenter);
  EXPECT_TRUE(LoadOk("analytics:\n  zones: []\n  lines:\n").analytics.zones.empty());
}

TEST(AnalyticsConfigTest, ToYamlRoundTripsListsAndStreams) {
  AppConfig c = LoadOk(kFull);
  const std::string yaml = ToYaml(c);
  AppConfig back = LoadOk(yaml);
  EXPECT_EQ(ToYaml(back), yaml);
  EXPECT_EQ(back.analytics.zones[0].polygon, c.analytics.zones[0].polygon);
  EXPECT_EQ(back.analytics.zones[0].classes, c.analytics.zones[0].classes);
  EXPECT_EQ(back.analytics_streams.zones, c.analytics_streams.zones);
  EXPECT_EQ(back.analytics.lines[0].b, c.analytics.lines[0].b);
  EXPECT_EQ(back.alarm.rules[1].command, c.alarm.rules[1].command);
  EXPECT_EQ(back.alarm.rules[0].http, c.alarm.rules[0].http);
  EXPECT_EQ(back.analytics.anchor, AnchorPoint::kCenter);
  // Unset optional keys stay out: no stream on yard, no http on a command rule.
  EXPECT_THAT(yaml, HasSubstr("stream: \"gate-1\""));
  EXPECT_EQ(yaml.find("http: \"\""), std::string::npos);
  EXPECT_EQ(yaml.find("command: []"), std::string::npos);
}

TEST(AnalyticsConfigTest, MotionIsAClassForMotionBlobs) {
  AppConfig c = LoadOk(Zone("    - {name: z, polygon: " + std::string(kSquare) +
                            ", classes: [motion, person, person]}\n"));
  EXPECT_EQ(c.analytics.zones[0].classes, (std::vector<int>{kClassMotion, kClassPerson}));
}

// ---- zone errors ----

TEST(AnalyticsConfigTest, SelfIntersectingPolygon) {
  EXPECT_EQ(LoadError(Zone("    - {name: ok, polygon: " + std::string(kSquare) + "}\n" +
                           "    - name: door\n      polygon: [[0, 0], [2, 2], [2, 0], [0, 2]]\n")),
            "config.yaml: analytics.zones[1] 'door': polygon is self-intersecting: edge 0 "
            "(0,0)-(2,2) crosses edge 2 (2,0)-(0,2)");
}

TEST(AnalyticsConfigTest, PolygonWithFewerThanThreePoints) {
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: [[0, 0], [5, 5]]}\n")),
            "config.yaml: analytics.zones[0] 'door': polygon needs at least 3 points, got 2");
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: []}\n")),
            "config.yaml: analytics.zones[0] 'door': polygon needs at least 3 points, got 0");
  EXPECT_THAT(LoadError(Zone("    - {name: flat, polygon: [[0, 0], [5, 5], [9, 9]]}\n")),
              StartsWith("config.yaml: analytics.zones[0] 'flat': polygon is degenerate"));
}

TEST(AnalyticsConfigTest, UnknownStream) {
  EXPECT_EQ(
      LoadError("source:\n  stream_id: cam0\n" +
                Zone("    - {name: door, polygon: " + std::string(kSquare) + ", stream: cam9}\n")),
      "config.yaml: analytics.zones[0] 'door': unknown stream \"cam9\" (known streams: "
      "[cam0], set by source.stream_id)");
  EXPECT_THAT(LoadError("analytics:\n  lines:\n    - {name: l, a: [0, 0], b: [1, 1], stream: x}\n"),
              StartsWith("config.yaml: analytics.lines[0] 'l': unknown stream \"x\""));
  // The stream may come after the zones in the file; the check sees the final config.
  LoadOk(Zone("    - {name: door, polygon: " + std::string(kSquare) + ", stream: cam9}\n") +
         "source:\n  stream_id: cam9\n");
}

TEST(AnalyticsConfigTest, UnknownClass) {
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: " + std::string(kSquare) +
                           ", classes: [person, persn]}\n")),
            "config.yaml: analytics.zones[0] 'door': classes[1]: unknown class 'persn' (did you "
            "mean 'person'?)");
  EXPECT_THAT(LoadError("analytics:\n  lines:\n    - {name: l, a: [0, 0], b: [1, 1], classes: "
                        "[spaceship]}\n"),
              StartsWith("config.yaml: analytics.lines[0] 'l': classes[0]: unknown class "
                         "'spaceship' (expected a COCO class name"));
  // Exact spelling, like detector.classes.
  EXPECT_THAT(LoadError(Zone("    - {name: d, polygon: " + std::string(kSquare) +
                             ", classes: [Person]}\n")),
              HasSubstr("unknown class 'Person' (did you mean 'person'?)"));
}

TEST(AnalyticsConfigTest, DuplicateNames) {
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: " + std::string(kSquare) + "}\n" +
                           "    - {name: door, polygon: " + std::string(kSquare) + "}\n")),
            "config.yaml: analytics.zones[1] 'door': duplicate name");
  EXPECT_EQ(LoadError("analytics:\n  lines:\n    - {name: l, a: [0, 0], b: [1, 1]}\n"
                      "    - {name: l, a: [0, 0], b: [1, 2]}\n"),
            "config.yaml: analytics.lines[1] 'l': duplicate name");
  // A zone and a line may share a name: events say which one.
  LoadOk(Zone("    - {name: gate, polygon: " + std::string(kSquare) + "}\n") +
         "  lines:\n    - {name: gate, a: [0, 0], b: [1, 1]}\n");
}

TEST(AnalyticsConfigTest, UnknownAndMissingKeys) {
  EXPECT_EQ(LoadError(Zone("    - {name: door, polgon: " + std::string(kSquare) + "}\n")),
            "config.yaml: analytics.zones[0] 'door': polgon: unknown key (did you mean "
            "'polygon'?)");
  EXPECT_EQ(LoadError(Zone("    - {name: door, colour: red}\n")),
            "config.yaml: analytics.zones[0] 'door': colour: unknown key (expected one of "
            "[name, polygon, classes, loiter_s, stream, armed])");
  EXPECT_EQ(LoadError(Zone("    - {polygon: " + std::string(kSquare) + "}\n")),
            "config.yaml: analytics.zones[0]: missing key 'name'");
  EXPECT_EQ(LoadError(Zone("    - {name: door}\n")),
            "config.yaml: analytics.zones[0] 'door': missing key 'polygon'");
  EXPECT_EQ(LoadError("analytics:\n  lines:\n    - {name: l, a: [0, 0]}\n"),
            "config.yaml: analytics.lines[0] 'l': missing key 'b'");
  EXPECT_EQ(LoadError(Zone("    - {name: door, name: x, polygon: " + std::string(kSquare) + "}\n")),
            "config.yaml: analytics.zones[0] 'door': name: duplicate key");
  EXPECT_EQ(LoadError("analytics:\n  zone: []\n"),
            "config.yaml: analytics.zone: unknown key (did you mean 'zones'?)");
}

TEST(AnalyticsConfigTest, WrongTypes) {
  EXPECT_EQ(LoadError("analytics:\n  zones: door\n"),
            "config.yaml: analytics.zones: expected a list of mappings, got \"door\"");
  EXPECT_EQ(LoadError("analytics:\n  zones: [door]\n"),
            "config.yaml: analytics.zones[0]: expected a mapping, got \"door\"");
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: [[0, 0], {x: 1}, [2, 2]]}\n")),
            "config.yaml: analytics.zones[0] 'door': polygon[1]: expected a point [x, y], got a "
            "mapping");
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: [[0, 0], [1, 1, 1], [2, 2]]}\n")),
            "config.yaml: analytics.zones[0] 'door': polygon[1]: expected a point [x, y], got a "
            "list of 3");
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: [[0, 0], [a, 1], [2, 2]]}\n")),
            "config.yaml: analytics.zones[0] 'door': polygon[1]: expected a point [x, y] of "
            "numbers, got \"a\" for x");
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: 5}\n")),
            "config.yaml: analytics.zones[0] 'door': polygon: expected a list of points "
            "[[x, y], ...], got 5");
  EXPECT_EQ(LoadError(Zone("    - {name: door, polygon: " + std::string(kSquare) +
                           ", loiter_s: long}\n")),
            "config.yaml: analytics.zones[0] 'door': loiter_s: expected a number, got \"long\"");
  EXPECT_EQ(
      LoadError(Zone("    - {name: door, polygon: " + std::string(kSquare) + ", loiter_s: -1}\n")),
      "config.yaml: analytics.zones[0] 'door': loiter_s: expected a number >= 0, got -1");
  EXPECT_EQ(LoadError(Zone("    - {name: [a], polygon: " + std::string(kSquare) + "}\n")),
            "config.yaml: analytics.zones[0]: name: expected a non-empty string, got a list");
  EXPECT_EQ(LoadError("analytics:\n  lines:\n    - {name: l, a: [3, 3], b: [3, 3]}\n"),
            "config.yaml: analytics.lines[0] 'l': a and b are the same point");
}

TEST(AnalyticsConfigTest, ScalarRangesAndAnchor) {
  EXPECT_EQ(LoadError("analytics:\n  anchor: middle\n"),
            "config.yaml: analytics.anchor: expected one of [bottom_center, center], got "
            "\"middle\"");
  EXPECT_EQ(LoadError("analytics:\n  end_after_s: 0\n"),
            "config.yaml: analytics.end_after_s: expected a number in (0, 3600], got 0");
  EXPECT_EQ(LoadError("analytics:\n  line_hysteresis_px: -1\n"),
            "config.yaml: analytics.line_hysteresis_px: expected a number in [0, 10000], got -1");
  EXPECT_EQ(LoadOk("analytics:\n  anchor: CENTER\n").analytics.anchor, AnchorPoint::kCenter);
}

// ---- alarm errors ----

std::string Rule(const std::string& body) { return "alarm:\n  rules:\n    - " + body + "\n"; }

TEST(AlarmConfigTest, NonLoopbackUrl) {
  EXPECT_EQ(LoadError(Rule("{name: siren, http: \"http://192.168.1.20:8080/alarm\"}")),
            "config.yaml: alarm.rules[0] 'siren': http: host '192.168.1.20' is not loopback: "
            "alarms allow only 127.0.0.1, ::1 and localhost, so they work with no network");
  EXPECT_THAT(LoadError(Rule("{name: siren, http: \"https://localhost/alarm\"}")),
              StartsWith("config.yaml: alarm.rules[0] 'siren': http: https is not supported"));
  LoadOk(Rule("{name: a, http: \"http://localhost:9000/x\"}"));
  LoadOk(Rule("{name: a, http: \"http://[::1]:9000/x\"}"));
}

TEST(AlarmConfigTest, BothCommandAndHttpInOneRule) {
  EXPECT_EQ(LoadError(Rule("{name: siren, command: [/usr/bin/siren], "
                           "http: \"http://127.0.0.1/x\"}")),
            "config.yaml: alarm.rules[0] 'siren': both command and http given; a rule has "
            "exactly one action");
  EXPECT_EQ(LoadError(Rule("{name: siren, on: [line]}")),
            "config.yaml: alarm.rules[0] 'siren': no action: give command or http");
}

TEST(AlarmConfigTest, RuleKeysTypesAndFilters) {
  EXPECT_EQ(LoadError(Rule("{name: s, comand: [/bin/true]}")),
            "config.yaml: alarm.rules[0] 's': comand: unknown key (did you mean 'command'?)");
  EXPECT_EQ(LoadError(Rule("{name: s, command: /bin/true}")),
            "config.yaml: alarm.rules[0] 's': command: expected a list of strings, got "
            "\"/bin/true\"");
  EXPECT_THAT(LoadError(Rule("{name: s, command: [/bin/true], on: [loiter.begin]}")),
              StartsWith("config.yaml: alarm.rules[0] 's': on[0]: unknown event filter "
                         "'loiter.begin' (expected one of [track, track.start, "));
  EXPECT_EQ(LoadError(Rule("{name: s, command: [/bin/true], timeout_s: 0}")),
            "config.yaml: alarm.rules[0] 's': timeout_s: expected a number in (0, 600], got 0");
  EXPECT_EQ(LoadError(Rule("{name: s, command: [/bin/true], min_interval_s: -2}")),
            "config.yaml: alarm.rules[0] 's': min_interval_s: expected a number >= 0, got -2");
  EXPECT_EQ(LoadError("alarm:\n  rules:\n    - {name: s, command: [/bin/true]}\n"
                      "    - {name: s, command: [/bin/true]}\n"),
            "config.yaml: alarm.rules[1] 's': duplicate name");
  EXPECT_EQ(LoadError("alarm:\n  queue_capacity: 0\n"),
            "config.yaml: alarm.queue_capacity: expected an integer in [1, 100000], got 0");
}

TEST(AlarmConfigTest, RuleFiltersMustNameConfiguredZonesAndLines) {
  const std::string zones = Zone("    - {name: door, polygon: " + std::string(kSquare) + "}\n");
  EXPECT_EQ(LoadError(zones + Rule("{name: s, command: [/bin/true], zones: [dor]}")),
            "config.yaml: alarm.rules[0] 's': zones[0]: unknown zone \"dor\" (did you mean "
            "'door'?)");
  EXPECT_EQ(LoadError(zones + Rule("{name: s, command: [/bin/true], lines: [entry]}")),
            "config.yaml: alarm.rules[0] 's': lines[0]: unknown line \"entry\" (no lines are "
            "configured in analytics.lines)");
  LoadOk(zones + Rule("{name: s, command: [/bin/true], zones: [door]}"));
}

// ---- overrides and hand-built configs ----

TEST(AnalyticsConfigTest, SetWorksForScalarsAndWholeLists) {
  AppConfig c = LoadOk(kFull);
  ASSERT_TRUE(ApplyOverride(&c, "analytics.end_after_s", "4").ok());
  EXPECT_DOUBLE_EQ(c.analytics.end_after_s, 4.0);
  ASSERT_TRUE(ApplyOverride(&c, "analytics.anchor", "bottom_center").ok());
  EXPECT_EQ(c.analytics.anchor, AnchorPoint::kBottomCenter);
  ASSERT_TRUE(ApplyOverride(&c, "alarm.queue_capacity", "3").ok());
  EXPECT_EQ(c.alarm.queue_capacity, 3);
  EXPECT_EQ(ApplyOverride(&c, "analytics.anchor", "feet").message(),
            "--set analytics.anchor: expected one of [bottom_center, center], got \"feet\"");
  // Changing the stream id orphans the zone that names gate-1.
  EXPECT_EQ(ApplyOverride(&c, "source.stream_id", "cam2").message(),
            "--set analytics.zones[0] 'door': unknown stream \"gate-1\" (known streams: [cam2], "
            "set by source.stream_id)");
  // A whole list as YAML flow text; the alarm rule that names door must still find it.
  Status s = ApplyOverride(&c, "analytics.zones",
                           "[{name: door, polygon: [[0, 0], [99, 0], [99, 99]], loiter_s: 5}]");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(c.analytics.zones.size(), 1u);
  EXPECT_DOUBLE_EQ(c.analytics.zones[0].loiter_s, 5.0);
  EXPECT_TRUE(c.analytics_streams.zones.empty());
  EXPECT_EQ(
      ApplyOverride(&c, "analytics.zones", "[{name: yard, polygon: [[0, 0], [9, 0], [9, 9]]}]")
          .message(),
      "--set alarm.rules[0] 'door-loiter': zones[0]: unknown zone \"door\" (known zones: "
      "[yard])");
  EXPECT_THAT(ApplyOverride(&c, "analytics.zones", "[{name: d").message(),
              StartsWith("--set analytics.zones: invalid YAML value"));
  ASSERT_TRUE(ApplyOverride(&c, "alarm.rules", "").ok());
  EXPECT_TRUE(c.alarm.rules.empty());
}

TEST(AnalyticsConfigTest, ValidateConfigChecksHandBuiltAnalytics) {
  AppConfig c;
  ZoneOptions z;
  z.name = "bow";
  z.polygon = {{0, 0}, {2, 2}, {2, 0}, {0, 2}};
  c.analytics.zones.push_back(z);
  EXPECT_THAT(ValidateConfig(c).message(),
              StartsWith("analytics.zones[0] 'bow': polygon is self-intersecting"));
  c = AppConfig{};
  AlarmRule r;
  r.name = "x";
  r.http = "http://10.1.1.1/";
  c.alarm.rules.push_back(r);
  EXPECT_THAT(ValidateConfig(c).message(),
              StartsWith("alarm.rules[0] 'x': http: host '10.1.1.1' is not loopback"));
}

}  // namespace
}  // namespace es
