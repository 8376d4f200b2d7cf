// Ingest: every device topic stored once; every kind of bad input rejected, counted, logged once.
#include "backend/ingest.h"

#include <gtest/gtest.h>

#include "core/temp_dir_test_util.h"
#include "uplink/crop_payload.h"

namespace es {
namespace {

using test_util::TempDir;

const std::string kJpeg("\xFF\xD8jpeg\xFF\xD9", 8);

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenBackendStore(dir_.path() + "/b.db");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    IngestOptions o;
    o.max_payload_bytes = 4096;
    o.log = [this](const std::string& line) { logged_.push_back(line); };
    ingest_ = std::make_unique<Ingest>(store_.get(), o);
  }
  IngestResult Handle(const std::string& topic, std::string_view payload) {
    auto r = ingest_->Handle(topic, payload, 1000);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : IngestResult{};
  }
  Escalation Esc() {
    Escalation e;
    e.id = "d1/cam0/esc/1";
    e.device = "d1";
    e.stream = "cam0";
    e.jpeg = kJpeg;
    return e;
  }

  TempDir dir_;
  std::unique_ptr<BackendStore> store_;
  std::unique_ptr<Ingest> ingest_;
  std::vector<std::string> logged_;
};

TEST_F(IngestTest, TopicScheme) {
  auto t = ParseDeviceTopic("edgesight/v1/d1/cam0/events");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->device, "d1");
  EXPECT_EQ(t->stream, "cam0");
  EXPECT_EQ(t->leaf, "events");
  EXPECT_EQ(ParseDeviceTopic("edgesight/v1/d1/status")->leaf, "status");
  EXPECT_FALSE(ParseDeviceTopic("edgesight/v1/d1/cam0/verdicts"));
  EXPECT_FALSE(ParseDeviceTopic("edgesight/v1//cam0/events"));
  EXPECT_FALSE(ParseDeviceTopic("edgesight/v2/d1/cam0/events"));
  EXPECT_FALSE(ParseDeviceTopic("edgesight/v1/d1/cam0/events/x"));
}

TEST_F(IngestTest, StoresEachKindOnceAndCountsDuplicates) {
  const std::string ev = R"({"v":1,"id":"d1/cam0/1","device":"d1","stream":"cam0","type":"track"})";
  EXPECT_TRUE(Handle("edgesight/v1/d1/cam0/events", ev).fresh);
  IngestResult dup = Handle("edgesight/v1/d1/cam0/events", ev);
  EXPECT_EQ(dup.kind, IngestKind::kEvent);
  EXPECT_FALSE(dup.fresh);
  const std::string crop =
      EncodeCropPayload({{"v", 1}, {"id", "d1/cam0/1/crop"}, {"event_id", "d1/cam0/1"}}, kJpeg);
  EXPECT_TRUE(Handle("edgesight/v1/d1/cam0/crops", crop).fresh);
  EXPECT_FALSE(Handle("edgesight/v1/d1/cam0/crops", crop).fresh);
  IngestResult esc = Handle("edgesight/v1/d1/cam0/escalations", EncodeEscalation(Esc(), 4, 4));
  EXPECT_EQ(esc.kind, IngestKind::kEscalation);
  ASSERT_TRUE(esc.escalation);
  EXPECT_EQ(esc.escalation->id, "d1/cam0/esc/1");
  EXPECT_EQ(Handle("edgesight/v1/d1/status", R"({"state":"online"})").kind, IngestKind::kStatus);
  IngestCounts c = ingest_->counts();
  EXPECT_EQ(c.stored[static_cast<int>(IngestKind::kEvent)], 1);
  EXPECT_EQ(c.duplicates[static_cast<int>(IngestKind::kEvent)], 1);
  EXPECT_EQ(c.duplicates[static_cast<int>(IngestKind::kCrop)], 1);
  EXPECT_EQ(store_->Counts()->events, 1);
  EXPECT_EQ(store_->Counts()->crops, 1);
  EXPECT_EQ(store_->Counts()->escalations, 1);
  EXPECT_TRUE(logged_.empty());
}

TEST_F(IngestTest, BadInputIsRejectedCountedAndLoggedOncePerKind) {
  struct Case {
    std::string topic, payload;
    RejectReason reason;
  };
  Escalation wrong_device = Esc();
  wrong_device.device = "d2";
  const std::vector<Case> cases = {
      {"edgesight/v1/d1/cam0/events", std::string(5000, 'x'), RejectReason::kOversized},
      {"other/topic", "{}", RejectReason::kTopic},
      {"edgesight/v1/d1/cam0/events", "{not json", RejectReason::kMalformed},
      {"edgesight/v1/d1/cam0/events", R"({"id":"x","device":"d1","stream":"cam0"})",
       RejectReason::kMalformed},
      {"edgesight/v1/d1/cam0/events", R"({"id":"x","device":"d9","stream":"cam0","type":"t"})",
       RejectReason::kMismatch},
      {"edgesight/v1/d1/cam0/crops", "plain text", RejectReason::kMalformed},
      {"edgesight/v1/d1/cam0/crops", EncodeCropPayload({{"id", "c"}}, "GIF89a"),
       RejectReason::kNotJpeg},
      {"edgesight/v1/d1/cam0/escalations", EncodeCropPayload({{"id", "e"}}, kJpeg),
       RejectReason::kMalformed},
      {"edgesight/v1/d1/cam0/escalations", EncodeEscalation(wrong_device, 1, 1),
       RejectReason::kMismatch},
      {"edgesight/v1/d1/status", "[1,2]", RejectReason::kMalformed},
  };
  for (const Case& c : cases) {
    IngestResult r = Handle(c.topic, c.payload);
    EXPECT_EQ(r.kind, IngestKind::kRejected) << c.topic << " " << c.payload.substr(0, 40);
    ASSERT_TRUE(r.reason) << c.topic;
    EXPECT_EQ(*r.reason, c.reason) << c.topic << ": " << r.detail;
  }
  // The same bad input again: counted, not logged again.
  Handle("other/topic", "{}");
  IngestCounts n = ingest_->counts();
  EXPECT_EQ(n.rejected[static_cast<int>(RejectReason::kTopic)], 2);
  EXPECT_EQ(n.rejected[static_cast<int>(RejectReason::kMalformed)], 5);
  EXPECT_EQ(logged_.size(), 5u);  // oversized, topic, malformed, mismatch, not_jpeg
  for (const std::string& line : logged_) EXPECT_EQ(line.find('\n'), std::string::npos);
  auto counts = store_->Counts();
  EXPECT_EQ(counts->events + counts->crops + counts->escalations + counts->devices, 0);
}

TEST_F(IngestTest, UnknownDeviceWhenAnAllowListIsSet) {
  IngestOptions o;
  o.devices = {"d1"};
  Ingest allow(store_.get(), o);
  const std::string ev = R"({"id":"d2/c/1","device":"d2","stream":"c","type":"track"})";
  auto r = allow.Handle("edgesight/v1/d2/c/events", ev, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->reason, RejectReason::kUnknownDevice);
}

}  // namespace
}  // namespace es
