// PgStore: BackendStore on PostgreSQL (libpq), for backend workers on several machines.
//
// Contract (beyond backend_store.h)
// - Open(url): connects (libpq connection URI, e.g. postgresql://user@host:5432/db; a password
//   in the URI or in ~/.pgpass / PGPASSWORD as libpq reads them) and creates the tables when
//   missing, under a transaction-scoped advisory lock so that workers starting together do not
//   race. The same
//   tables as the SQLite store (TEXT json, BYTEA jpeg), with ON CONFLICT for idempotency and
//   first-wins verdicts.
// - Every call is one statement in autocommit (PostgreSQL commits durably: synchronous_commit
//   on by default). A lost connection is re-established (PQreset) on the next call; while the
//   server is unreachable calls return kUnavailable and the worker retries (ingest pauses).
// Failure: Open() -> kUnavailable (unreachable, authentication failed), kInvalidArgument (a
// malformed URI). Describe() never shows the password.
// Thread-safety: every method is thread-safe (one connection, a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/backend_store.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace es {

class PgStore final : public BackendStore {
 public:
  static Result<std::unique_ptr<PgStore>> Open(const std::string& url);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  Result<bool> AddEvent(const std::string& id, const std::string& device, const std::string& stream,
                        std::string_view json, int64_t now_ms) override;
  Result<bool> AddCrop(const std::string& id, const std::string& device, const std::string& stream,
                       const std::string& event_id, std::string_view header_json,
                       std::string_view jpeg, int64_t now_ms) override;
  Result<bool> AddEscalation(const Escalation& e, int64_t now_ms) override;
  Result<Verdict> AddVerdict(const Verdict& v) override;
  Result<std::optional<Verdict>> StoredVerdict(const std::string& escalation_id) override;
  Status PutDeviceStatus(const std::string& device, std::string_view json, int64_t now_ms) override;
  Result<StoreCounts> Counts() override;
  Result<nlohmann::json> RecentEvents(const std::string& device, int limit) override;
  Result<nlohmann::json> RecentVerdicts(const std::string& device, int limit) override;
  Result<nlohmann::json> Devices() override;
  Result<nlohmann::json> EscalationInfo(const std::string& id) override;
  std::string Describe() const override { return describe_; }

  // One parameter: text, or binary (bytea).
  struct Param {
    std::string value;
    bool binary = false;
  };

 private:
  PgStore(PGconn* conn, std::string describe) : conn_(conn), describe_(std::move(describe)) {}
  // Runs one statement (reconnecting first if the connection was lost); the result, or
  // kUnavailable / kInternal naming `what`.
  Result<std::shared_ptr<PGresult>> Exec(const char* what, const char* sql,
                                         const std::vector<Param>& params);

  std::mutex mu_;
  PGconn* conn_;
  std::string describe_;
};

}  // namespace es
