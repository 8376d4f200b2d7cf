// BackendStore: edgesight-backend's event store — every device's events, crops, escalations,
// verdicts and last status, idempotent on message id.
//
// Contract
// - Add*() store one received message and return true when it is new, false when a message
//   with the same id was stored before (at-least-once delivery: a duplicate is never stored
//   twice, and never an error). Each call is one transaction, committed (fsynced: synchronous
//   FULL in WAL mode) before it returns.
// - AddVerdict() stores the first verdict of an escalation and returns it; when another worker
//   stored one first, it returns that one instead (first wins), so every answer to the same
//   escalation is the same verdict. StoredVerdict() returns it, or nullopt.
// - Several processes may share one SQLite file on one machine (WAL, busy timeout); for
//   several machines use PostgreSQL (not in this step).
// - Counts(): rows per table, verdicts per kind; Recent*(): newest first, for the REST API.
// Failure: Open() -> kNotFound (cannot create the file / missing directory), kDataLoss (not a
// backend store); later SQLite errors -> kInternal (kUnavailable while another process holds
// the lock past the busy timeout). Thread-safety: every method is thread-safe (one connection,
// a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "edgesight/status.h"
#include "uplink/escalation_message.h"
#include "uplink/verdict_message.h"

struct sqlite3;

namespace es {

struct StoreCounts {
  int64_t events = 0, crops = 0, escalations = 0, verdicts = 0, devices = 0;
  int64_t confirmed = 0, rejected = 0, uncertain = 0;
};

class BackendStore {
 public:
  static Result<std::unique_ptr<BackendStore>> Open(const std::string& path,
                                                    int busy_timeout_ms = 5000);
  ~BackendStore();
  BackendStore(const BackendStore&) = delete;
  BackendStore& operator=(const BackendStore&) = delete;

  // An event message (its JSON text as received; id = the event id).
  Result<bool> AddEvent(const std::string& id, const std::string& device, const std::string& stream,
                        std::string_view json, int64_t now_ms);
  // A crop message (header JSON text and JPEG bytes).
  Result<bool> AddCrop(const std::string& id, const std::string& device, const std::string& stream,
                       const std::string& event_id, std::string_view header_json,
                       std::string_view jpeg, int64_t now_ms);
  // An escalation; a re-sent one (same id) is not new but its attempt count is kept (max).
  Result<bool> AddEscalation(const Escalation& e, int64_t now_ms);
  Result<Verdict> AddVerdict(const Verdict& v);
  Result<std::optional<Verdict>> StoredVerdict(const std::string& escalation_id);
  // The latest retained status of a device (replaces the previous one).
  Status PutDeviceStatus(const std::string& device, std::string_view json, int64_t now_ms);

  Result<StoreCounts> Counts();
  Result<nlohmann::json> RecentEvents(const std::string& device, int limit);
  Result<nlohmann::json> RecentVerdicts(const std::string& device, int limit);
  Result<nlohmann::json> Devices();
  // One escalation with its verdict (null when none), or kNotFound.
  Result<nlohmann::json> EscalationInfo(const std::string& id);

 private:
  explicit BackendStore(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace es
