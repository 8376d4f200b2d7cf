#include "alarm/alarm_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alarm/alarm_schema.h"
#include "alarm/loopback_url.h"

namespace es {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

AlarmRule HttpRule(std::string name, std::string url = "http://127.0.0.1:8080/alarm") {
  AlarmRule r;
  r.name = std::move(name);
  r.http = std::move(url);
  return r;
}

Event MakeEvent(EventType type, EventPhase phase, std::string zone = "", std::string line = "") {
  Event e;
  e.type = type;
  e.phase = phase;
  e.zone = std::move(zone);
  e.line = std::move(line);
  return e;
}

TEST(LoopbackUrlTest, AcceptsLoopbackHosts) {
  Result<LoopbackUrl> u = ParseLoopbackUrl("http://127.0.0.1:8080/hooks/alarm?x=1");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/hooks/alarm?x=1");
  u = ParseLoopbackUrl("http://LOCALHOST");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path, "/");
  u = ParseLoopbackUrl("http://[::1]:9/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9);
}

TEST(LoopbackUrlTest, RejectsEverythingElse) {
  EXPECT_EQ(ParseLoopbackUrl("http://10.0.0.5:8080/x").status().message(),
            "host '10.0.0.5' is not loopback: alarms allow only 127.0.0.1, ::1 and localhost, "
            "so they work with no network");
  EXPECT_THAT(ParseLoopbackUrl("http://example.com/").status().message(),
              StartsWith("host 'example.com' is not loopback"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.2/").status().message(),
              StartsWith("host '127.0.0.2' is not loopback"));
  EXPECT_THAT(ParseLoopbackUrl("http://[::2]/").status().message(), HasSubstr("not loopback"));
  EXPECT_THAT(ParseLoopbackUrl("https://127.0.0.1/").status().message(),
              StartsWith("https is not supported"));
  EXPECT_THAT(ParseLoopbackUrl("ftp://127.0.0.1/").status().message(),
              StartsWith("unsupported scheme 'ftp'"));
  EXPECT_THAT(ParseLoopbackUrl("127.0.0.1:80").status().message(),
              StartsWith("expected an http:// URL"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:0/").status().message(), StartsWith("bad port"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:70000/").status().message(),
              StartsWith("bad port"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1:/").status().message(), HasSubstr("empty port"));
  EXPECT_THAT(ParseLoopbackUrl("http://u:p@127.0.0.1/").status().message(), HasSubstr("user info"));
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1/a b").status().message(), HasSubstr("spaces"));
  EXPECT_FALSE(ParseLoopbackUrl("").ok());
  EXPECT_FALSE(ParseLoopbackUrl("http://").ok());
  // A loopback-looking prefix does not make a remote host loopback.
  EXPECT_THAT(ParseLoopbackUrl("http://127.0.0.1.evil.example/").status().message(),
              HasSubstr("not loopback"));
}

TEST(EventFilterTest, ParsesTypesAndPhases) {
  Result<EventFilter> f = ParseEventFilter("loiter.start");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->type, EventType::kLoiter);
  EXPECT_EQ(f->phase, EventPhase::kStart);
  f = ParseEventFilter("line");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->type, EventType::kLine);
  EXPECT_FALSE(f->phase.has_value());
  EXPECT_TRUE(ParseEventFilter("line.instant").ok());
  EXPECT_THAT(ParseEventFilter("line.start").status().message(),
              StartsWith("unknown event filter 'line.start' (expected one of [track, "));
  EXPECT_FALSE(ParseEventFilter("zone.update").ok());  // zones have no update phase
  EXPECT_FALSE(ParseEventFilter("Loiter").ok());
}

TEST(RuleMatchesTest, FiltersByTypePhaseZoneAndLine) {
  AlarmRule r = HttpRule("r");
  EXPECT_TRUE(RuleMatches(r, MakeEvent(EventType::kTrack, EventPhase::kStart)));
  r.on = {"loiter.start", "line"};
  EXPECT_TRUE(RuleMatches(r, MakeEvent(EventType::kLoiter, EventPhase::kStart, "door")));
  EXPECT_FALSE(RuleMatches(r, MakeEvent(EventType::kLoiter, EventPhase::kUpdate, "door")));
  EXPECT_TRUE(RuleMatches(r, MakeEvent(EventType::kLine, EventPhase::kInstant, "", "gate")));
  EXPECT_FALSE(RuleMatches(r, MakeEvent(EventType::kZone, EventPhase::kStart, "door")));
  r.zones = {"door"};
  EXPECT_TRUE(RuleMatches(r, MakeEvent(EventType::kLoiter, EventPhase::kStart, "door")));
  EXPECT_FALSE(RuleMatches(r, MakeEvent(EventType::kLoiter, EventPhase::kStart, "yard")));
  EXPECT_FALSE(RuleMatches(r, MakeEvent(EventType::kLine, EventPhase::kInstant, "", "gate")));
  r.lines = {"gate"};
  EXPECT_TRUE(RuleMatches(r, MakeEvent(EventType::kLine, EventPhase::kInstant, "", "gate")));
  EXPECT_FALSE(RuleMatches(r, MakeEvent(EventType::kLine, EventPhase::kInstant, "", "exit")));
}

TEST(AlarmOptionsTest, DefaultsAndGoodRulesAreValid) {
  EXPECT_TRUE(ValidateAlarmOptions(AlarmOptions{}).ok());
  AlarmOptions o;
  o.rules.push_back(HttpRule("a"));
  AlarmRule cmd;
  cmd.name = "b";
  cmd.command = {"/bin/true"};
  cmd.on = {"zone.start"};
  o.rules.push_back(cmd);
  Status s = ValidateAlarmOptions(o);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(AlarmOptionsTest, RuleErrorsNameTheRule) {
  AlarmOptions o;
  o.rules = {HttpRule("a"), HttpRule("siren")};
  o.rules[1].command = {"/bin/true"};
  EXPECT_EQ(ValidateAlarmOptions(o).message(),
            "rules[1] 'siren': both command and http given; a rule has exactly one action");
  o.rules[1].http.clear();
  o.rules[1].command.clear();
  EXPECT_EQ(ValidateAlarmOptions(o).message(), "rules[1] 'siren': no action: give command or http");
  o.rules[1] = HttpRule("siren", "http://192.168.1.10/x");
  EXPECT_THAT(ValidateAlarmOptions(o).message(),
              StartsWith("rules[1] 'siren': http: host '192.168.1.10' is not loopback"));
  o.rules[1] = HttpRule("a");
  EXPECT_EQ(ValidateAlarmOptions(o).message(), "rules[1] 'a': duplicate name");
  o.rules[1] = HttpRule("");
  EXPECT_EQ(ValidateAlarmOptions(o).message(), "rules[1] '': name is empty");
  o.rules[1] = HttpRule("b");
  o.rules[1].on = {"zone.start", "zone.begin"};
  EXPECT_THAT(ValidateAlarmOptions(o).message(),
              StartsWith("rules[1] 'b': on[1]: unknown event filter 'zone.begin'"));
  o.rules[1] = HttpRule("b");
  o.rules[1].timeout_s = 0;
  EXPECT_EQ(ValidateAlarmOptions(o).message(), "rules[1] 'b': timeout_s must be in (0, 600]");
  o.rules[1].timeout_s = 1;
  o.rules[1].min_interval_s = -1;
  EXPECT_EQ(ValidateAlarmOptions(o).message(), "rules[1] 'b': min_interval_s must be >= 0");
  o.rules[1].min_interval_s = 0;
  o.queue_capacity = 0;
  EXPECT_TRUE(ValidateAlarmOptions(o).ok());  // a range: the section's schema checks it
  EXPECT_EQ(AlarmSchema().Check(o).message(),
            "alarm.queue_capacity: expected an integer in [1, 100000], got 0");
}

}  // namespace
}  // namespace es
