// The recording and uplink sections of the config: defaults, int64 byte sizes, range and type
// errors, the max_clip_s cross-field rule, ToYaml round trips and --set overrides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "config/config_checks.h"
#include "config/config_loader.h"
#include "config/config_schema.h"
#include "config/config_test_util.h"

namespace es {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kMiB = int64_t{1} << 20;

using config_test::LoadError;
using config_test::LoadOk;

const char kFull[] = R"(
recording:
  dir: /var/lib/edgesight/clips
  pre_event_s: 8
  post_event_s: 12.5
  max_clip_s: 120
  quota_bytes: 10995116277760
  max_age_s: 0
  min_free_bytes: 0
  container: MKV
  ring_margin_s: 1.5
  ring_max_bytes: 1048576
  queue_max_bytes: 268435456
  reencode: false
  reencode_crf: 30
  keyframe_interval_s: 2
  encode_queue_frames: 4
  retry_s: 0.5
  retention_interval_s: 86400
  finish_timeout_s: 600
uplink:
  mqtt: "mqtts://cam1@broker.example:8883"
  outbox: /var/lib/edgesight/outbox.db
  tls_cafile: /etc/ssl/site-ca.pem
  username: cam1
  password_file: /etc/edgesight/mqtt.pass
  drain_timeout_s: 0
  max_outbox_bytes: 4294967296
)";

TEST(RecordingConfigTest, DefaultsAreTheStructDefaultsAndRecordingIsOff) {
  const AppConfig c = LoadOk("recording:\nuplink:\n");
  const RecordingOptions r;
  EXPECT_EQ(c.recording.dir, "");
  EXPECT_EQ(c.recording.quota_bytes, r.quota_bytes);
  EXPECT_EQ(c.recording.min_free_bytes, r.min_free_bytes);
  EXPECT_EQ(c.recording.ring_max_bytes, r.ring_max_bytes);
  EXPECT_EQ(c.recording.container, "mp4");
  EXPECT_EQ(c.uplink.mqtt, "");
  EXPECT_EQ(c.uplink.max_outbox_bytes, UplinkConfig{}.max_outbox_bytes);
  EXPECT_EQ(ToYaml(c), ToYaml(AppConfig{}));
}

TEST(RecordingConfigTest, EveryKeyLoads) {
  const AppConfig c = LoadOk(kFull);
  const RecordingOptions& r = c.recording;
  EXPECT_EQ(r.dir, "/var/lib/edgesight/clips");
  EXPECT_DOUBLE_EQ(r.pre_event_s, 8);
  EXPECT_DOUBLE_EQ(r.post_event_s, 12.5);
  EXPECT_DOUBLE_EQ(r.max_clip_s, 120);
  EXPECT_EQ(r.quota_bytes, int64_t{10} << 40);  // beyond int: the reason for int64 fields
  EXPECT_DOUBLE_EQ(r.max_age_s, 0);
  EXPECT_EQ(r.min_free_bytes, 0);
  EXPECT_EQ(r.container, "mkv");  // canonical spelling
  EXPECT_DOUBLE_EQ(r.ring_margin_s, 1.5);
  EXPECT_EQ(r.ring_max_bytes, kMiB);
  EXPECT_EQ(r.queue_max_bytes, 256 * kMiB);
  EXPECT_FALSE(r.reencode);
  EXPECT_EQ(r.reencode_crf, 30);
  EXPECT_DOUBLE_EQ(r.keyframe_interval_s, 2);
  EXPECT_EQ(r.encode_queue_frames, 4);
  EXPECT_DOUBLE_EQ(r.retry_s, 0.5);
  EXPECT_DOUBLE_EQ(r.retention_interval_s, 86400);
  EXPECT_DOUBLE_EQ(r.finish_timeout_s, 600);
  const UplinkConfig& u = c.uplink;
  EXPECT_EQ(u.mqtt, "mqtts://cam1@broker.example:8883");
  EXPECT_EQ(u.outbox, "/var/lib/edgesight/outbox.db");
  EXPECT_EQ(u.tls_cafile, "/etc/ssl/site-ca.pem");
  EXPECT_EQ(u.username, "cam1");
  EXPECT_EQ(u.password_file, "/etc/edgesight/mqtt.pass");
  EXPECT_DOUBLE_EQ(u.drain_timeout_s, 0);
  EXPECT_EQ(u.max_outbox_bytes, int64_t{4} << 30);
}

TEST(RecordingConfigTest, ToYamlRoundTrips) {
  const AppConfig c = LoadOk(kFull);
  const std::string yaml = ToYaml(c);
  EXPECT_THAT(yaml, HasSubstr("quota_bytes: 10995116277760\n"));
  EXPECT_THAT(yaml, HasSubstr("max_outbox_bytes: 4294967296\n"));
  const AppConfig back = LoadOk(yaml);
  EXPECT_EQ(ToYaml(back), yaml);
  EXPECT_EQ(back.recording.quota_bytes, c.recording.quota_bytes);
  EXPECT_EQ(back.uplink.mqtt, c.uplink.mqtt);
  // The extremes of int64 survive printing and reading back.
  AppConfig big;
  big.recording.quota_bytes = std::numeric_limits<int64_t>::max();
  big.uplink.max_outbox_bytes = std::numeric_limits<int64_t>::max() - 1;
  const AppConfig big_back = LoadOk(ToYaml(big));
  EXPECT_EQ(big_back.recording.quota_bytes, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(big_back.uplink.max_outbox_bytes, std::numeric_limits<int64_t>::max() - 1);
}

TEST(RecordingConfigTest, Int64Spellings) {
  EXPECT_EQ(LoadOk("recording:\n  quota_bytes: +2048\n").recording.quota_bytes, 2048);
  EXPECT_EQ(LoadOk("recording:\n  quota_bytes: \"4096\"\n").recording.quota_bytes, 4096);
  EXPECT_EQ(LoadOk("recording:\n  quota_bytes: 9223372036854775807\n").recording.quota_bytes,
            std::numeric_limits<int64_t>::max());
}

TEST(RecordingConfigTest, Int64TypeErrors) {
  EXPECT_EQ(LoadError("recording:\n  quota_bytes: 1e9\n"),
            "config.yaml: recording.quota_bytes: expected an integer, got 1e9");
  EXPECT_EQ(LoadError("recording:\n  quota_bytes: 1GiB\n"),
            "config.yaml: recording.quota_bytes: expected an integer, got \"1GiB\"");
  EXPECT_EQ(LoadError("recording:\n  quota_bytes: 1024.5\n"),
            "config.yaml: recording.quota_bytes: expected an integer, got 1024.5");
  EXPECT_EQ(LoadError("recording:\n  quota_bytes: 0x400\n"),
            "config.yaml: recording.quota_bytes: expected an integer, got \"0x400\"");
  EXPECT_EQ(LoadError("recording:\n  quota_bytes:\n"),
            "config.yaml: recording.quota_bytes: expected an integer, got an empty value");
  EXPECT_EQ(LoadError("uplink:\n  max_outbox_bytes: [1]\n"),
            "config.yaml: uplink.max_outbox_bytes: expected an integer, got a list");
  EXPECT_EQ(LoadError("recording:\n  quota_bytes: 9223372036854775808\n"),
            "config.yaml: recording.quota_bytes: expected an integer >= 1, got "
            "9223372036854775808 (too large)");
  EXPECT_EQ(LoadError("recording:\n  min_free_bytes: -9223372036854775809\n"),
            "config.yaml: recording.min_free_bytes: expected an integer >= 0, got "
            "-9223372036854775809 (too large)");
}

TEST(RecordingConfigTest, OutOfRange) {
  EXPECT_EQ(LoadError("recording:\n  pre_event_s: 90\n"),
            "config.yaml: recording.pre_event_s: expected a number in [0, 60], got 90");
  EXPECT_EQ(LoadError("recording:\n  post_event_s: -1\n"),
            "config.yaml: recording.post_event_s: expected a number in [0, 600], got -1");
  EXPECT_EQ(LoadError("recording:\n  max_clip_s: 0.5\n"),
            "config.yaml: recording.max_clip_s: expected a number in [1, 3600], got 0.5");
  EXPECT_EQ(LoadError("recording:\n  quota_bytes: 0\n"),
            "config.yaml: recording.quota_bytes: expected an integer >= 1, got 0");
  EXPECT_EQ(LoadError("recording:\n  max_age_s: -5\n"),
            "config.yaml: recording.max_age_s: expected a number >= 0, got -5");
  EXPECT_EQ(LoadError("recording:\n  min_free_bytes: -1\n"),
            "config.yaml: recording.min_free_bytes: expected an integer >= 0, got -1");
  EXPECT_EQ(LoadError("recording:\n  container: avi\n"),
            "config.yaml: recording.container: expected one of [mp4, mkv, ts], got \"avi\"");
  EXPECT_EQ(LoadError("recording:\n  ring_margin_s: 61\n"),
            "config.yaml: recording.ring_margin_s: expected a number in [0, 60], got 61");
  EXPECT_EQ(LoadError("recording:\n  ring_max_bytes: 1048575\n"),
            "config.yaml: recording.ring_max_bytes: expected an integer >= 1048576, got 1048575");
  EXPECT_EQ(LoadError("recording:\n  queue_max_bytes: 1000\n"),
            "config.yaml: recording.queue_max_bytes: expected an integer >= 1048576, got 1000");
  EXPECT_EQ(LoadError("recording:\n  reencode_crf: 52\n"),
            "config.yaml: recording.reencode_crf: expected an integer in [0, 51], got 52");
  EXPECT_EQ(LoadError("recording:\n  keyframe_interval_s: 0\n"),
            "config.yaml: recording.keyframe_interval_s: expected a number in (0, 10], got 0");
  EXPECT_EQ(LoadError("recording:\n  encode_queue_frames: 0\n"),
            "config.yaml: recording.encode_queue_frames: expected an integer in [1, 1000], got 0");
  EXPECT_EQ(LoadError("recording:\n  retry_s: 0\n"),
            "config.yaml: recording.retry_s: expected a number in (0, 3600], got 0");
  EXPECT_EQ(LoadError("recording:\n  retention_interval_s: 86401\n"),
            "config.yaml: recording.retention_interval_s: expected a number in (0, 86400], got "
            "86401");
  EXPECT_EQ(LoadError("recording:\n  finish_timeout_s: 0\n"),
            "config.yaml: recording.finish_timeout_s: expected a number in (0, 600], got 0");
  EXPECT_EQ(LoadError("uplink:\n  drain_timeout_s: 601\n"),
            "config.yaml: uplink.drain_timeout_s: expected a number in [0, 600], got 601");
  EXPECT_EQ(LoadError("uplink:\n  max_outbox_bytes: 1048575\n"),
            "config.yaml: uplink.max_outbox_bytes: expected an integer >= 1048576, got 1048575");
  // The bounds themselves are valid.
  const AppConfig c = LoadOk(
      "recording:\n  pre_event_s: 60\n  post_event_s: 0\n  max_clip_s: 3600\n"
      "  ring_max_bytes: 1048576\n  reencode_crf: 0\n  keyframe_interval_s: 10\n"
      "uplink:\n  drain_timeout_s: 600\n  max_outbox_bytes: 1048576\n");
  EXPECT_EQ(c.uplink.max_outbox_bytes, kMiB);
}

TEST(RecordingConfigTest, WrongTypes) {
  EXPECT_EQ(LoadError("recording:\n  reencode: maybe\n"),
            "config.yaml: recording.reencode: expected a boolean (true or false), got \"maybe\"");
  EXPECT_EQ(LoadError("recording:\n  pre_event_s: five\n"),
            "config.yaml: recording.pre_event_s: expected a number, got \"five\"");
  EXPECT_EQ(LoadError("recording:\n  dir: {a: 1}\n"),
            "config.yaml: recording.dir: expected a string, got a mapping");
  EXPECT_EQ(LoadError("uplink:\n  mqtt: [a]\n"),
            "config.yaml: uplink.mqtt: expected a string, got a list");
  EXPECT_EQ(LoadError("uplink: mqtt://h\n"),
            "config.yaml: uplink: expected a mapping, got \"mqtt://h\"");
}

TEST(RecordingConfigTest, UnknownKeysSuggestTheNearestKey) {
  EXPECT_EQ(LoadError("recording:\n  pre_event: 3\n"),
            "config.yaml: recording.pre_event: unknown key (did you mean 'pre_event_s'?)");
  EXPECT_EQ(LoadError("recording:\n  quota_byte: 3\n"),
            "config.yaml: recording.quota_byte: unknown key (did you mean 'quota_bytes'?)");
  EXPECT_EQ(LoadError("uplink:\n  passwd_file: p\n"),
            "config.yaml: uplink.passwd_file: unknown key (did you mean 'password_file'?)");
  // No password key: it belongs in password_file, out of YAML.
  EXPECT_EQ(LoadError("uplink:\n  password: hunter2\n"),
            "config.yaml: uplink.password: unknown key (expected one of [mqtt, outbox, "
            "tls_cafile, username, password_file, drain_timeout_s, max_outbox_bytes, "
            "cap_bytes_per_hour, crops, crop_max_side, status_interval_s, verdict_qos])");
  EXPECT_EQ(LoadError("recordings:\n  dir: x\n"),
            "config.yaml: recordings: unknown section (did you mean 'recording'?)");
  EXPECT_EQ(LoadError("uplnk:\n  mqtt: x\n"),
            "config.yaml: uplnk: unknown section (did you mean 'uplink'?)");
}

TEST(RecordingConfigTest, MaxClipMustHoldPreAndPost) {
  EXPECT_EQ(LoadError("recording:\n  pre_event_s: 30\n  post_event_s: 40\n  max_clip_s: 60\n"),
            "config.yaml: recording.max_clip_s: must be >= recording.pre_event_s + "
            "recording.post_event_s (70), got 60");
  // Checked with recording off too, so switching it on later cannot fail.
  EXPECT_THAT(LoadError("recording:\n  dir: \"\"\n  max_clip_s: 9\n"),
              StartsWith("config.yaml: recording.max_clip_s: must be >="));
  LoadOk("recording:\n  pre_event_s: 30\n  post_event_s: 40\n  max_clip_s: 70\n");
  // Code-built configs get the same check.
  AppConfig c;
  c.recording.max_clip_s = 5;
  EXPECT_THAT(ValidateConfig(c).message(), StartsWith("recording.max_clip_s: must be >="));
}

TEST(RecordingConfigTest, OverridesSetTheNewKeys) {
  AppConfig c;
  Status s =
      ApplyOverrides(&c, {"recording.dir=/var/clips", "recording.quota_bytes=21474836480",
                          "recording.container=ts", "recording.reencode=off",
                          "uplink.max_outbox_bytes=1048576", "uplink.mqtt=mqtt://broker.local:1883",
                          "uplink.outbox=/data/out#1.db", "uplink.drain_timeout_s=2.5"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.recording.dir, "/var/clips");
  EXPECT_EQ(c.recording.quota_bytes, int64_t{20} << 30);
  EXPECT_EQ(c.recording.container, "ts");
  EXPECT_FALSE(c.recording.reencode);
  EXPECT_EQ(c.uplink.max_outbox_bytes, kMiB);
  EXPECT_EQ(c.uplink.mqtt, "mqtt://broker.local:1883");
  EXPECT_EQ(c.uplink.outbox, "/data/out#1.db");  // strings are verbatim
  EXPECT_DOUBLE_EQ(c.uplink.drain_timeout_s, 2.5);
  // Related keys change together: with max_clip_s 20, pre_event_s 16 alone breaks
  // max_clip_s >= pre + post (16 + 5); raising max_clip_s in the same batch fixes it.
  ASSERT_TRUE(ApplyOverride(&c, "recording.max_clip_s", "20").ok());
  EXPECT_FALSE(ApplyOverride(&c, "recording.pre_event_s", "16").ok());
  s = ApplyOverrides(&c, {"recording.pre_event_s=16", "recording.max_clip_s=21"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_DOUBLE_EQ(c.recording.pre_event_s, 16);
}

TEST(RecordingConfigTest, OverrideErrorsLeaveTheConfigUnchanged) {
  AppConfig c;
  c.recording.dir = "/var/clips";
  const std::string before = ToYaml(c);
  EXPECT_EQ(ApplyOverride(&c, "recording.quota_bytes", "1e9").message(),
            "--set recording.quota_bytes: expected an integer, got 1e9");
  EXPECT_EQ(ApplyOverride(&c, "uplink.max_outbox_bytes", "1024").message(),
            "--set uplink.max_outbox_bytes: expected an integer >= 1048576, got 1024");
  EXPECT_EQ(ApplyOverride(&c, "uplink.max_outbox_bytes", "99999999999999999999").message(),
            "--set uplink.max_outbox_bytes: expected an integer >= 1048576, got "
            "99999999999999999999 (too large)");
  EXPECT_EQ(ApplyOverride(&c, "recording.pre_event_s", "90").message(),
            "--set recording.pre_event_s: expected a number in [0, 60], got 90");
  EXPECT_EQ(ApplyOverride(&c, "uplink.max_outbox_byte", "1048576").message(),
            "--set uplink.max_outbox_byte: unknown key (did you mean 'max_outbox_bytes'?)");
  EXPECT_EQ(ApplyOverride(&c, "recording.container", "avi").message(),
            "--set recording.container: expected one of [mp4, mkv, ts], got \"avi\"");
  EXPECT_EQ(ApplyOverrides(&c, {"recording.dir=", "recording.max_clip_s=3"}).message(),
            "--set recording.max_clip_s: must be >= recording.pre_event_s + "
            "recording.post_event_s (10), got 3");
  EXPECT_EQ(ToYaml(c), before);
}

TEST(RecordingConfigTest, SchemaDescribesInt64Fields) {
  const FieldSpec* quota = FindSection("recording")->Find("quota_bytes");
  ASSERT_NE(quota, nullptr);
  EXPECT_EQ(quota->type, FieldType::kInt64);
  EXPECT_EQ(TypeName(quota->type), "int64");
  EXPECT_EQ(ExpectedValue(*FindSection("uplink")->Find("max_outbox_bytes")),
            "an integer >= 1048576");
  AppConfig c;
  EXPECT_EQ(FormatFieldValue(*quota, c), "1073741824");
  *std::get<int64_t*>(quota->bind(c)) = 0;
  EXPECT_EQ(c.recording.quota_bytes, 0);
  EXPECT_EQ(CheckFieldValue(*quota, c).message(), "expected an integer >= 1, got 0");
  EXPECT_EQ(std::get<int64_t*>(FindSection("uplink")->Find("max_outbox_bytes")->bind(c)),
            &c.uplink.max_outbox_bytes);
}

}  // namespace
}  // namespace es
