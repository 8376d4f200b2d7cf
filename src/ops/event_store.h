// EventStore: the device's own history of analytics events, for the API and the dashboard.
//
// Contract
// - Not the delivery path: the outbox (uplink) is what makes events durable and gets them to a
//   broker. This store keeps a bounded, queryable local copy (SQLite; path "" = in memory,
//   lost at exit) and the best crop of each track (uplink/crop_collector.h).
// - Add(events, now_ms) stores one decision frame's events in one transaction, stamped with
//   the wall time they were stored (t_unix_ms); ids are unique (a repeated id is ignored).
// - Retention, on every Add: at most max_events events (oldest first), none older than
//   max_age_s (0 = no age limit); crops: at most max_events / 10 (at least 100), oldest first,
//   and none of a track none of whose events is kept any more.
// - Query: newest first, filtered by camera, type, track id and a [since, until] wall-time
//   range (ms), paginated by `before` (a seq from a previous page; 0 = from the newest).
// Failure: Open() -> kNotFound (cannot create) / kDataLoss (not an event store); later SQLite
// errors as kInternal. Thread-safety: every method is thread-safe (one connection, a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/event.h"
#include "edgesight/status.h"

struct sqlite3;

namespace es {

struct EventStoreOptions {
  std::string path;  // "" = in memory
  int64_t max_events = 100000;
  double max_age_s = 0;
};

struct EventQuery {
  std::string camera;  // "" = any
  std::string type;    // "" = any ("track", "zone", "loiter", "line", "ptz")
  std::optional<int> track_id;
  int64_t since_ms = 0;  // 0 = no bound
  int64_t until_ms = 0;  // 0 = no bound
  int64_t before = 0;    // seq; 0 = newest
  int limit = 50;
};

struct StoredEvent {
  int64_t seq = 0;
  int64_t t_unix_ms = 0;
  bool has_crop = false;
  nlohmann::json event;  // Event::ToJson()
};

class EventStore {
 public:
  static Result<std::unique_ptr<EventStore>> Open(const EventStoreOptions& options);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  Status Add(const std::vector<Event>& events, int64_t now_ms);
  // The best crop of a track, keyed by its start event id.
  Status PutCrop(const std::string& camera, int track_id, const std::string& start_id,
                 std::string_view jpeg, int64_t now_ms);
  Result<std::vector<StoredEvent>> Query(const EventQuery& q);
  // The crop of the event's track (by its start_id); nullopt when there is none.
  Result<std::optional<std::string>> CropOf(const std::string& event_id);
  int64_t size();

 private:
  EventStore(sqlite3* db, EventStoreOptions options);
  Status Trim(int64_t now_ms);

  sqlite3* db_;
  const EventStoreOptions options_;
  std::mutex mu_;
};

}  // namespace es
