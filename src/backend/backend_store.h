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
// - Several processes may share one SQLite file on one machine (WAL, busy timeout); processes on
//   several machines share a PostgreSQL database (the same tables; libpq).
// - Counts(): rows per table, verdicts per kind; Recent*(): newest first, for the REST API.
// Failure: OpenBackendStore -> kNotFound (SQLite: cannot create the file / missing directory),
// kDataLoss (not a backend store), kUnavailable (PostgreSQL unreachable); later errors ->
// kUnavailable when the database is unreachable or locked (callers retry: ingest pauses),
// kInternal otherwise. Thread-safety: every method is thread-safe (one connection, a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "edgesight/status.h"
#include "uplink/escalation_message.h"
#include "uplink/verdict_message.h"

namespace es {

struct StoreCounts {
  int64_t events = 0, crops = 0, escalations = 0, verdicts = 0, devices = 0;
  int64_t confirmed = 0, rejected = 0, uncertain = 0;
};

class BackendStore {
 public:
  virtual ~BackendStore() = default;

  // An event message (its JSON text as received; id = the event id).
  virtual Result<bool> AddEvent(const std::string& id, const std::string& device,
                                const std::string& stream, std::string_view json,
                                int64_t now_ms) = 0;
  // A crop message (header JSON text and JPEG bytes).
  virtual Result<bool> AddCrop(const std::string& id, const std::string& device,
                               const std::string& stream, const std::string& event_id,
                               std::string_view header_json, std::string_view jpeg,
                               int64_t now_ms) = 0;
  // An escalation; a re-sent one (same id) is not new but its attempt count is kept (max).
  virtual Result<bool> AddEscalation(const Escalation& e, int64_t now_ms) = 0;
  virtual Result<Verdict> AddVerdict(const Verdict& v) = 0;
  virtual Result<std::optional<Verdict>> StoredVerdict(const std::string& escalation_id) = 0;
  // The latest status of a device (replaces the previous one).
  virtual Status PutDeviceStatus(const std::string& device, std::string_view json,
                                 int64_t now_ms) = 0;

  virtual Result<StoreCounts> Counts() = 0;
  virtual Result<nlohmann::json> RecentEvents(const std::string& device, int limit) = 0;
  virtual Result<nlohmann::json> RecentVerdicts(const std::string& device, int limit) = 0;
  virtual Result<nlohmann::json> Devices() = 0;
  // One escalation with its verdict (null when none), or kNotFound.
  virtual Result<nlohmann::json> EscalationInfo(const std::string& id) = 0;
  // "sqlite:<path>" or "postgresql://host:port/db" (no password), for logs.
  virtual std::string Describe() const = 0;
};

// "postgresql://..." or "postgres://..." (libpq connection URI): PostgreSQL (pg_store.h);
// anything else: a SQLite file (sqlite_store.h).
Result<std::unique_ptr<BackendStore>> OpenBackendStore(const std::string& location,
                                                       int busy_timeout_ms = 5000);
bool IsPostgresUrl(const std::string& location);

}  // namespace es
