// Bandwidth accounting (table `sent`), source usage (table `sources`), read-only opening, and
// the wire-byte arithmetic and cap policy of bandwidth_budget.h.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "uplink/bandwidth_budget.h"
#include "uplink/outbox.h"
#include "uplink/outbox_test_util.h"

namespace es {
namespace {

namespace fs = std::filesystem;

using outbox_test::MustOpen;
using outbox_test::TempDir;

constexpr int kEv = static_cast<int>(OutboxKind::kEvent);
constexpr int kCr = static_cast<int>(OutboxKind::kCrop);
constexpr int kSt = static_cast<int>(OutboxKind::kStatus);
constexpr int64_t kHour = kMicrosPerHour;

TEST(WireBytesTest, MatchesMqttPublishPacketLayout) {
  // QoS 1, topic "a/b" (3), payload 10: remaining = 2+3+2+10 = 17 -> 1 + 1 + 17.
  EXPECT_EQ(MqttPublishWireBytes(3, 10, 1), 19);
  // QoS 0 has no packet id.
  EXPECT_EQ(MqttPublishWireBytes(3, 10, 0), 17);
  // Remaining length 127 fits one length byte, 128 needs two.
  EXPECT_EQ(MqttPublishWireBytes(3, 120, 1), 1 + 1 + 127);
  EXPECT_EQ(MqttPublishWireBytes(3, 121, 1), 1 + 2 + 128);
  // 16384 needs three.
  EXPECT_EQ(MqttPublishWireBytes(0, 16384 - 4, 1), 1 + 3 + 16384);
}

TEST(WireBytesTest, UnixHourFloors) {
  EXPECT_EQ(UnixHour(0), 0);
  EXPECT_EQ(UnixHour(kHour - 1), 0);
  EXPECT_EQ(UnixHour(kHour), 1);
  EXPECT_EQ(UnixHour(-1), -1);
}

TEST(BandwidthBudgetTest, CapDefersCropsThatDoNotFit) {
  BandwidthBudget off(0);
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(off.MayPublishCrop(1LL << 40, 1LL << 30));
  BandwidthBudget cap(1000);
  EXPECT_TRUE(cap.MayPublishCrop(0, 400));
  EXPECT_TRUE(cap.MayPublishCrop(600, 400));   // exactly at the cap
  EXPECT_FALSE(cap.MayPublishCrop(601, 400));  // over by one byte
  EXPECT_FALSE(cap.MayPublishCrop(1500, 1));   // events already exceeded the cap
  // A crop larger than the whole cap goes as the first message of an hour.
  EXPECT_TRUE(cap.MayPublishCrop(0, 5000));
  EXPECT_FALSE(cap.MayPublishCrop(1, 5000));
}

TEST(OutboxAccountingTest, AckAccountsWireBytesPerKindPerHourAndSurvivesReopen) {
  TempDir dir;
  const int64_t t0 = 500'000 * kHour + 123;  // some hour in 2027
  {
    auto box = MustOpen(dir.file("o.db"));
    ASSERT_TRUE(box);
    auto e1 = box->Append(OutboxKind::kEvent, "t/ev", std::string(100, 'e'), "e1");
    auto e2 = box->Append(OutboxKind::kEvent, "t/ev", std::string(50, 'e'), "e2");
    auto c1 = box->Append(OutboxKind::kCrop, "t/crops", std::string(1000, 'c'), "c1");
    ASSERT_TRUE(e1.ok() && e2.ok() && c1.ok());
    ASSERT_TRUE(box->AckMany({*e1, *c1}, t0).ok());
    // Acknowledging again (duplicate PUBACK) must not count twice.
    ASSERT_TRUE(box->AckMany({*e1, *c1}, t0).ok());
    ASSERT_TRUE(box->Ack(*e2, t0 + kHour).ok());  // next hour
    ASSERT_TRUE(box->RecordSent(OutboxKind::kStatus, 77, t0).ok());
    ASSERT_TRUE(box->RecordSent(OutboxKind::kStatus, 23, t0).ok());
    EXPECT_FALSE(box->RecordSent(OutboxKind::kStatus, -1, t0).ok());
  }
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  const int64_t h0 = UnixHour(t0);
  auto in0 = box->SentInHour(h0);
  ASSERT_TRUE(in0.ok()) << in0.status().ToString();
  EXPECT_EQ(in0->hour, h0);
  EXPECT_EQ(in0->bytes[kEv], MqttPublishWireBytes(4, 100));
  EXPECT_EQ(in0->messages[kEv], 1);
  EXPECT_EQ(in0->bytes[kCr], MqttPublishWireBytes(7, 1000));
  EXPECT_EQ(in0->messages[kCr], 1);
  EXPECT_EQ(in0->bytes[kSt], 100);
  EXPECT_EQ(in0->messages[kSt], 2);
  auto in1 = box->SentInHour(h0 + 1);
  ASSERT_TRUE(in1.ok());
  EXPECT_EQ(in1->bytes[kEv], MqttPublishWireBytes(4, 50));
  EXPECT_EQ(in1->total_bytes(), MqttPublishWireBytes(4, 50));
  auto none = box->SentInHour(h0 + 5);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total_bytes(), 0);
  auto rows = box->SentByHour(h0 - 3, h0 + 3);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].hour, h0);
  EXPECT_EQ((*rows)[1].hour, h0 + 1);
  auto total = box->SentTotal();
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->bytes[kEv], MqttPublishWireBytes(4, 100) + MqttPublishWireBytes(4, 50));
  EXPECT_EQ(total->messages[kEv], 2);
  EXPECT_EQ(total->total_bytes(), in0->total_bytes() + in1->total_bytes());
}

TEST(OutboxAccountingTest, SourceUsageAccumulatesPerStream) {
  TempDir dir;
  {
    auto box = MustOpen(dir.file("o.db"));
    ASSERT_TRUE(box);
    ASSERT_TRUE(box->AddSourceUsage({"cam0", 10.0, 1000, 1920, 1080, 25.0, "h264"}).ok());
    ASSERT_TRUE(box->AddSourceUsage({"cam0", 5.5, 500, 0, 0, 0, ""}).ok());  // keeps geometry
    ASSERT_TRUE(box->AddSourceUsage({"a", 1.0, 0, 640, 480, 10.0, "mpeg4"}).ok());
    EXPECT_EQ(box->AddSourceUsage({"", 1.0, 0, 0, 0, 0, ""}).code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(box->AddSourceUsage({"x", -1.0, 0, 0, 0, 0, ""}).code(),
              StatusCode::kInvalidArgument);
  }
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  auto u = box->SourceUsages();
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_EQ(u->size(), 2u);
  EXPECT_EQ((*u)[0].stream, "a");
  EXPECT_EQ((*u)[1].stream, "cam0");
  EXPECT_DOUBLE_EQ((*u)[1].seconds, 15.5);
  EXPECT_EQ((*u)[1].encoded_bytes, 1500);
  EXPECT_EQ((*u)[1].width, 1920);
  EXPECT_EQ((*u)[1].height, 1080);
  EXPECT_DOUBLE_EQ((*u)[1].fps, 25.0);
  EXPECT_EQ((*u)[1].codec, "h264");
}

TEST(OutboxAccountingTest, ReadOnlyNeverCreatesOrWrites) {
  TempDir dir;
  OutboxOptions ro;
  ro.read_only = true;
  auto missing = Outbox::Open(dir.file("missing.db"), ro);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
  EXPECT_FALSE(fs::exists(dir.file("missing.db")));
  {
    auto box = MustOpen(dir.file("o.db"));
    ASSERT_TRUE(box);
    ASSERT_TRUE(box->Append(OutboxKind::kEvent, "t", "p", "id").ok());
  }
  auto box = MustOpen(dir.file("o.db"), ro);
  ASSERT_TRUE(box);
  EXPECT_EQ(box->Depth(), 1);
  EXPECT_EQ(box->Append(OutboxKind::kEvent, "t", "p", "id2").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(box->AckMany({1}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(box->Depth(), 1);
}

TEST(OutboxAccountingTest, ReadOnlyRejectsForeignSqliteAndGarbage) {
  TempDir dir;
  OutboxOptions ro;
  ro.read_only = true;
  {
    std::ofstream f(dir.file("garbage.db"), std::ios::binary);
    for (int i = 0; i < 300; ++i) f << "definitely not sqlite ";
  }
  auto g = Outbox::Open(dir.file("garbage.db"), ro);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kDataLoss) << g.status().ToString();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("other.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE x(a)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto o = Outbox::Open(dir.file("other.db"), ro);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kDataLoss) << o.status().ToString();
}

// An outbox written before the accounting tables existed upgrades in place when opened for
// writing, and reads as "nothing sent" when opened read-only.
TEST(OutboxAccountingTest, OldFormatFileWithoutAccountingTables) {
  TempDir dir;
  {
    auto box = MustOpen(dir.file("o.db"));
    ASSERT_TRUE(box);
    ASSERT_TRUE(box->Append(OutboxKind::kEvent, "t", "p", "id").ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("o.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE sent; DROP TABLE sources", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  OutboxOptions ro;
  ro.read_only = true;
  {
    auto box = MustOpen(dir.file("o.db"), ro);
    ASSERT_TRUE(box);
    auto t = box->SentTotal();
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->total_bytes(), 0);
    auto u = box->SourceUsages();
    ASSERT_TRUE(u.ok());
    EXPECT_TRUE(u->empty());
  }
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  EXPECT_EQ(box->Depth(), 1);
  auto peek = box->Peek(1);
  ASSERT_TRUE(peek.ok());
  ASSERT_TRUE(box->Ack((*peek)[0].seq, 7 * kHour).ok());
  auto in = box->SentInHour(7);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->messages[kEv], 1);
}

}  // namespace
}  // namespace es
