// SqliteStore: BackendStore on one SQLite file (WAL, synchronous FULL), shared by the workers of
// one machine (busy timeout). Contract: backend_store.h; schema in sqlite_store.cc.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "backend/backend_store.h"

struct sqlite3;

namespace es {

class SqliteStore final : public BackendStore {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   int busy_timeout_ms = 5000);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

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
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);

  std::mutex mu_;
  sqlite3* db_;
  std::string path_;
};

}  // namespace es
