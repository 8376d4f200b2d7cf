#include "ops/event_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

Event Make(const std::string& camera, int n, EventType type, int track,
           const std::string& start = "") {
  Event e;
  e.device = "dev";
  e.stream = camera;
  e.id = "dev/" + camera + "/" + std::to_string(n);
  e.start_id = start.empty() ? e.id : start;
  e.type = type;
  e.phase = start.empty() ? EventPhase::kStart : EventPhase::kEnd;
  e.track_id = track;
  return e;
}

TEST(EventStore, QueriesNewestFirstWithFiltersAndPages) {
  auto store = EventStore::Open({});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EventStore& s = **store;
  ASSERT_TRUE(s.Add({Make("gate", 1, EventType::kTrack, 1), Make("gate", 2, EventType::kZone, 1)},
                    1000)
                  .ok());
  ASSERT_TRUE(s.Add({Make("yard", 1, EventType::kTrack, 4)}, 2000).ok());
  ASSERT_TRUE(s.Add({Make("gate", 3, EventType::kTrack, 1, "dev/gate/1")}, 3000).ok());
  ASSERT_TRUE(s.Add({Make("gate", 3, EventType::kTrack, 1, "dev/gate/1")}, 3000).ok());  // again
  EXPECT_EQ(s.size(), 4);

  auto all = s.Query({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].event["id"], "dev/gate/3");  // newest first
  EXPECT_EQ((*all)[0].t_unix_ms, 3000);
  EventQuery q;
  q.camera = "gate";
  q.type = "track";
  auto gate = s.Query(q);
  ASSERT_EQ(gate->size(), 2u);
  q = {};
  q.track_id = 4;
  EXPECT_EQ(s.Query(q)->size(), 1u);
  q = {};
  q.since_ms = 1500;
  q.until_ms = 2500;
  ASSERT_EQ(s.Query(q)->size(), 1u);
  EXPECT_EQ((*s.Query(q))[0].event["stream"], "yard");
  // Pages: two at a time, then from the last seq seen.
  q = {};
  q.limit = 2;
  auto page1 = s.Query(q);
  ASSERT_EQ(page1->size(), 2u);
  q.before = page1->back().seq;
  auto page2 = s.Query(q);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ(page2->back().event["id"], "dev/gate/1");
}

TEST(EventStore, CropsFollowTheirTrackAndRetentionBoundsBoth) {
  EventStoreOptions o;
  o.max_events = 3;
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  EventStore& s = **store;
  ASSERT_TRUE(s.Add({Make("gate", 1, EventType::kTrack, 1)}, 1000).ok());
  ASSERT_TRUE(s.PutCrop("gate", 1, "dev/gate/1", "\xFF\xD8jpeg", 1100).ok());
  ASSERT_TRUE(s.Add({Make("gate", 2, EventType::kTrack, 1, "dev/gate/1")}, 1200).ok());
  // Both events of the track find its crop.
  EXPECT_EQ(s.CropOf("dev/gate/2")->value(), "\xFF\xD8jpeg");
  EXPECT_EQ(s.CropOf("dev/gate/1")->value(), "\xFF\xD8jpeg");
  EXPECT_FALSE(s.CropOf("dev/gate/99")->has_value());
  EXPECT_TRUE(s.Query({})->front().has_crop);
  // Two more: the start event goes, the crop stays while an event of its track is kept...
  ASSERT_TRUE(s.Add({Make("gate", 3, EventType::kLine, 2), Make("gate", 4, EventType::kLine, 2)},
                    1300)
                  .ok());
  EXPECT_EQ(s.size(), 3);
  EXPECT_TRUE(s.CropOf("dev/gate/2")->has_value());
  // ... and goes with the last of them.
  ASSERT_TRUE(s.Add({Make("gate", 5, EventType::kLine, 2)}, 1400).ok());
  EXPECT_EQ(s.Query({})->back().event["id"], "dev/gate/3");
  EXPECT_TRUE(s.Query({})->back().has_crop == false);
  // Age.
  EventStoreOptions aged;
  aged.max_age_s = 10;
  auto a = EventStore::Open(aged);
  ASSERT_TRUE((*a)->Add({Make("gate", 1, EventType::kTrack, 1)}, 1000).ok());
  ASSERT_TRUE((*a)->Add({Make("gate", 2, EventType::kTrack, 2)}, 20000).ok());
  EXPECT_EQ((*a)->size(), 1);
}

TEST(EventStore, AFileSurvivesReopenAndAForeignFileIsRefused) {
  test_util::TempDir dir;
  EventStoreOptions o;
  o.path = dir / "events.db";
  {
    auto s = EventStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Add({Make("gate", 1, EventType::kTrack, 1)}, 1000).ok());
  }
  auto again = EventStore::Open(o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->size(), 1);
  std::ofstream(dir / "junk.db") << "this is not a database, not even close............";
  o.path = dir / "junk.db";
  auto junk = EventStore::Open(o);
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().code(), StatusCode::kDataLoss);
  o.path = dir / "missing/dir/events.db";
  EXPECT_EQ(EventStore::Open(o).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace es
