#include "uplink/outbox_event_id_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace es {
namespace {

TEST(OutboxEventIdSourceTest, CountersContinueAfterARestartAndStayPerStream) {
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
    EXPECT_TRUE(front.error().ok());
  }
  auto box = Outbox::Open(db).value();  // a restart: the counter is on disk
  OutboxEventIdSource front(box.get(), "event/front");
  EXPECT_EQ(front.Next(), 3u);
  EXPECT_EQ(MakeEventId("dev", "front", front.Next()), "dev/front/4");
  std::filesystem::remove_all(dir);
}

TEST(OutboxEventIdSourceTest, AStorageErrorIsReportedAndIdsKeepIncreasing) {
  char tmpl[] = "/tmp/es_ids_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto box = Outbox::Open(dir + "/o.db").value();
  // Names under "outbox." are the outbox's own bookkeeping and refused as event counters.
  OutboxEventIdSource ids(box.get(), "outbox.dropped.event");
  const uint64_t a = ids.Next();
  const uint64_t b = ids.Next();
  EXPECT_LT(a, b);
  EXPECT_FALSE(ids.error().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace es
