#include "uplink/outbox_event_id_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace es {
namespace {

// Ids reach the database with the events that carry them (one transaction per frame): after a
// restart the counter continues after the last committed id; an id that was handed out but never
// committed (nobody saw it) is handed out again.
TEST(OutboxEventIdSourceTest, CountersContinueAfterTheLastCommittedIdAndStayPerStream) {
  char tmpl[] = "/tmp/es_ids_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string db = dir + "/o.db";
  {
    auto box = Outbox::Open(db).value();
    OutboxEventIdSource front(box.get(), "event/front");
    OutboxEventIdSource back(box.get(), "event/back");
    EXPECT_EQ(front.Next(), 1u);
    EXPECT_EQ(front.Next(), 2u);
    EXPECT_EQ(back.Next(), 1u);
    OutboxEntry e;
    e.topic = "t";
    e.payload = "{}";
    e.message_id = "dev/front/2";
    ASSERT_TRUE(box->AppendBatch({e}, {front.Persisted(), back.Persisted()}).ok());
    EXPECT_EQ(front.Next(), 3u);  // handed out, never committed (the process dies here)
    EXPECT_TRUE(front.error().ok());
  }
  auto box = Outbox::Open(db).value();  // a restart
  EXPECT_EQ(box->CounterValue("event/front").value(), 2);
  OutboxEventIdSource front(box.get(), "event/front");
  OutboxEventIdSource back(box.get(), "event/back");
  EXPECT_EQ(front.Next(), 3u);
  EXPECT_EQ(MakeEventId("dev", "front", front.Next()), "dev/front/4");
  EXPECT_EQ(back.Next(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(OutboxEventIdSourceTest, AStorageErrorIsReportedAndIdsKeepIncreasing) {
  char tmpl[] = "/tmp/es_ids_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto box = Outbox::Open(dir + "/o.db").value();
  // Names under "outbox." are the outbox's own bookkeeping: reading one as an event counter fails.
  OutboxEventIdSource ids(box.get(), "outbox.dropped.event");
  const uint64_t a = ids.Next();
  const uint64_t b = ids.Next();
  EXPECT_LT(a, b);
  EXPECT_FALSE(ids.error().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace es
