// `edgesight uplink-stats` as a function: a real outbox with known traffic and source usage.
#include "app/uplink_stats_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/exit_codes.h"
#include "uplink/bandwidth_budget.h"
#include "uplink/outbox.h"

namespace es {
namespace {

namespace fs = std::filesystem;

class UplinkStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/es_upstats_XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/o.db";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_, path_;
  // 2026-11-23 10:30 UTC.
  const int64_t now_ = (1795392000LL + 10 * 3600 + 1800) * 1'000'000;
};

TEST_F(UplinkStatsTest, ReportsDepthSentPerHourAndReductionAgainstRawVideo) {
  const int64_t h = UnixHour(now_);
  int64_t event_wire = 0, crop_wire = 0;
  {
    auto box = Outbox::Open(path_);
    ASSERT_TRUE(box.ok()) << box.status().ToString();
    Outbox& b = **box;
    // Two hours ago: 10 events; this hour: 5 events and a crop; 3 events still waiting.
    for (int i = 0; i < 15; ++i) {
      auto s = b.Append(OutboxKind::kEvent, "edgesight/v1/d/cam/events", std::string(200, 'e'),
                        "id" + std::to_string(i), now_ - 60'000'000);
      ASSERT_TRUE(s.ok());
      ASSERT_TRUE(b.Ack(*s, i < 10 ? now_ - 2 * kMicrosPerHour : now_).ok());
    }
    event_wire = MqttPublishWireBytes(std::string("edgesight/v1/d/cam/events").size(), 200);
    auto c = b.Append(OutboxKind::kCrop, "edgesight/v1/d/cam/crops", std::string(5000, 'j'), "c");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(b.Ack(*c, now_).ok());
    crop_wire = MqttPublishWireBytes(std::string("edgesight/v1/d/cam/crops").size(), 5000);
    ASSERT_TRUE(b.RecordSent(OutboxKind::kStatus, 300, now_).ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(b.Append(OutboxKind::kEvent, "t", std::string(97, 'w'), "w",
                           now_ - 90'000'000).ok());
    }
    // cam: 1 h of H.264 at 4 Mbit/s measured; sim: 30 min of 640x480 at 10 fps, MJPEG.
    ASSERT_TRUE(b.AddSourceUsage({"cam", 3600.0, 1'800'000'000, 1920, 1080, 25, "h264"}).ok());
    ASSERT_TRUE(b.AddSourceUsage({"sim", 1800.0, 0, 640, 480, 10, "rawvideo"}).ok());
  }
  UplinkStatsArgs a;
  a.outbox = path_;
  a.hours = 3;
  auto r = UplinkStats(a, now_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& j = *r;
  EXPECT_EQ(j["depth"], 3);
  EXPECT_DOUBLE_EQ(j["oldest_age_s"].get<double>(), 90.0);
  EXPECT_EQ(j["waiting"]["event"]["count"], 3);
  EXPECT_EQ(j["waiting"]["event"]["bytes"], 3 * (1 + 97 + 1));
  EXPECT_EQ(j["sent"]["total"]["event"], 15 * event_wire);
  EXPECT_EQ(j["sent"]["total"]["crop"], crop_wire);
  EXPECT_EQ(j["sent"]["total"]["status"], 300);
  EXPECT_EQ(j["sent"]["total"]["messages"], 17);
  const auto& hours = j["sent"]["hours"];
  ASSERT_EQ(hours.size(), 3u);
  EXPECT_EQ(hours[0]["hour_start"], "2026-11-23T08:00:00Z");
  EXPECT_EQ(hours[0]["event"], 10 * event_wire);
  EXPECT_EQ(hours[1]["all"], 0);
  EXPECT_EQ(hours[2]["hour_start"], "2026-11-23T10:00:00Z");
  EXPECT_EQ(hours[2]["event"], 5 * event_wire);
  EXPECT_EQ(hours[2]["crop"], crop_wire);
  EXPECT_EQ(hours[2]["all"], 5 * event_wire + crop_wire + 300);
  (void)h;
  // Sources: measured for H.264, estimated (0.1 bit/pixel) otherwise.
  const auto& src = j["sources"];
  ASSERT_EQ(src.size(), 2u);
  EXPECT_EQ(src[0]["stream"], "cam");
  EXPECT_EQ(src[0]["raw_method"], "measured");
  EXPECT_EQ(src[0]["raw_bytes_per_hour"], 1'800'000'000);
  EXPECT_EQ(src[1]["raw_method"], "estimated_h264");
  const double sim_per_hour = 640.0 * 480 * 10 * 0.1 / 8 * 3600;  // 138.24 MB
  EXPECT_EQ(src[1]["raw_bytes_per_hour"], std::llround(sim_per_hour));
  // Comparison over 1.5 camera-hours.
  const auto& c = j["comparison"];
  ASSERT_TRUE(c.is_object());
  EXPECT_DOUBLE_EQ(c["camera_hours"].get<double>(), 1.5);
  const int64_t uplink = 15 * event_wire + crop_wire + 300 + 3 * 99;
  EXPECT_EQ(c["uplink_bytes"], uplink);
  EXPECT_EQ(c["uplink_bytes_per_camera_hour"], std::llround(uplink / 1.5));
  const double raw_per_h = (1.8e9 + sim_per_hour * 0.5) / 1.5;
  EXPECT_EQ(c["raw_bytes_per_camera_hour"], std::llround(raw_per_h));
  EXPECT_NEAR(c["reduction_pct"].get<double>(), 100.0 * (1.0 - (uplink / 1.5) / raw_per_h), 1e-3);
  EXPECT_GT(c["reduction_pct"].get<double>(), 99.0);
  // The text form carries the same numbers.
  const std::string text = UplinkStatsText(j);
  EXPECT_NE(text.find("3 entries"), std::string::npos) << text;
  EXPECT_NE(text.find("% less"), std::string::npos) << text;
  // Read-only: the report changed nothing.
  auto again = UplinkStats(a, now_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["depth"], 3);
}

TEST_F(UplinkStatsTest, NoSourceUsageMeansNoComparison) {
  { ASSERT_TRUE(Outbox::Open(path_).ok()); }
  UplinkStatsArgs a;
  a.outbox = path_;
  auto r = UplinkStats(a, now_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)["comparison"].is_null());
  EXPECT_EQ((*r)["sent"]["hours"].size(), 24u);
  EXPECT_EQ((*r)["depth"], 0);
}

TEST_F(UplinkStatsTest, MissingOrCorruptOutboxIsBadInput) {
  UplinkStatsArgs a;
  a.outbox = dir_ + "/missing.db";
  auto r = UplinkStats(a, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ExitCodeFor(r.status()), kExitBadInput) << r.status().ToString();
  EXPECT_FALSE(fs::exists(a.outbox)) << "a report must not create the file";
  EXPECT_EQ(RunUplinkStats(a), kExitBadInput);
  {
    std::ofstream f(dir_ + "/bad.db", std::ios::binary);
    for (int i = 0; i < 200; ++i) f << "garbage garbage garbage ";
  }
  a.outbox = dir_ + "/bad.db";
  r = UplinkStats(a, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ExitCodeFor(r.status()), kExitBadInput);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  EXPECT_EQ(RunUplinkStats(a), kExitBadInput);
  a.outbox = path_;
  a.hours = 0;
  { ASSERT_TRUE(Outbox::Open(path_).ok()); }
  EXPECT_EQ(UplinkStats(a, now_).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
