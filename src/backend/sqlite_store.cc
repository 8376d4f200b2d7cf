#include "backend/sqlite_store.h"

#include <sqlite3.h>

#include <filesystem>

#include "uplink/sqlite_stmt.h"

namespace es {
namespace {

using sqlite::SqlError;
using sqlite::Stmt;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL,
  stream TEXT NOT NULL, json TEXT NOT NULL, received_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS events_device ON events (device, seq);
CREATE TABLE IF NOT EXISTS crops (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL,
  stream TEXT NOT NULL, event_id TEXT NOT NULL, header TEXT NOT NULL, jpeg BLOB NOT NULL,
  received_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS escalations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL,
  stream TEXT NOT NULL, event_id TEXT NOT NULL, track_id INTEGER NOT NULL,
  class_id INTEGER NOT NULL, score REAL NOT NULL, reason TEXT NOT NULL,
  deadline_unix_ms INTEGER NOT NULL, attempts INTEGER NOT NULL, header TEXT NOT NULL,
  jpeg BLOB NOT NULL, received_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS verdicts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, escalation_id TEXT NOT NULL UNIQUE,
  device TEXT NOT NULL, class_id INTEGER NOT NULL, verdict TEXT NOT NULL, json TEXT NOT NULL,
  stored_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS verdicts_device ON verdicts (device, seq);
CREATE TABLE IF NOT EXISTS devices (
  device TEXT PRIMARY KEY, status TEXT NOT NULL, seen_ms INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('format', 'edgesight.backend/1');
)";

// Runs an INSERT OR IGNORE; true when a row was inserted.
Result<bool> InsertOnce(sqlite3* db, Stmt& st, const char* what) {
  if (!st.ok()) return SqlError(db, st.rc(), what);
  int rc = st.Step();
  if (rc == SQLITE_BUSY) return Unavailable(std::string(what) + ": store is locked");
  if (rc != SQLITE_DONE) return SqlError(db, rc, what);
  return sqlite3_changes(db) > 0;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       int busy_timeout_ms) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return NotFound("store '" + path + "': directory " + parent.string() + " does not exist");
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return NotFound("store '" + path + "': cannot open: " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // A file that is not SQLite fails on the first statement that reads it.
  if (Status s = store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok()) {
    return DataLoss("store '" + path + "' is not a backend store: " + s.message());
  }
  if (Status s = store->Exec(kSchema); !s.ok()) {
    if (s.code() == StatusCode::kDataLoss) {
      return DataLoss("store '" + path + "' is not a backend store: " + s.message());
    }
    return s;
  }
  Stmt st(db, "SELECT value FROM meta WHERE key = 'format'");
  if (!st.ok() || st.Step() != SQLITE_ROW || st.Bytes(0) != "edgesight.backend/1") {
    return DataLoss("store '" + path + "' is not a backend store (format differs)");
  }
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return DataLoss(OneLine(msg));
  return Internal(OneLine(msg));
}

Result<bool> SqliteStore::AddEvent(const std::string& id, const std::string& device,
                                   const std::string& stream, std::string_view json,
                                   int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "INSERT OR IGNORE INTO events (id, device, stream, json, received_ms) "
          "VALUES (?, ?, ?, ?, ?)");
  st.BindText(1, id);
  st.BindText(2, device);
  st.BindText(3, stream);
  st.BindText(4, json);
  st.BindInt(5, now_ms);
  return InsertOnce(db_, st, "store event");
}

Result<bool> SqliteStore::AddCrop(const std::string& id, const std::string& device,
                                  const std::string& stream, const std::string& event_id,
                                  std::string_view header_json, std::string_view jpeg,
                                  int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "INSERT OR IGNORE INTO crops (id, device, stream, event_id, header, jpeg, received_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.BindText(1, id);
  st.BindText(2, device);
  st.BindText(3, stream);
  st.BindText(4, event_id);
  st.BindText(5, header_json);
  st.BindBlob(6, jpeg);
  st.BindInt(7, now_ms);
  return InsertOnce(db_, st, "store crop");
}

Result<bool> SqliteStore::AddEscalation(const Escalation& e, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "INSERT INTO escalations (id, device, stream, event_id, track_id, class_id, score, "
          "reason, deadline_unix_ms, attempts, header, jpeg, received_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (id) DO UPDATE SET attempts = max(attempts, excluded.attempts), "
          "deadline_unix_ms = max(deadline_unix_ms, excluded.deadline_unix_ms) "
          "RETURNING (received_ms = ?)");
  st.BindText(1, e.id);
  st.BindText(2, e.device);
  st.BindText(3, e.stream);
  st.BindText(4, e.event_id);
  st.BindInt(5, e.track_id);
  st.BindInt(6, e.class_id);
  st.BindDouble(7, e.score);
  st.BindText(8, e.reason);
  st.BindInt(9, e.deadline_unix_ms);
  st.BindInt(10, e.attempt);
  st.BindText(11, e.Header().dump());
  st.BindBlob(12, e.jpeg);
  st.BindInt(13, now_ms);
  st.BindInt(14, now_ms);
  if (!st.ok()) return SqlError(db_, st.rc(), "store escalation");
  // New row: received_ms is this call's; an update keeps the first arrival's (a re-send in the
  // same millisecond counts as new: harmless, the verdict is first-wins).
  bool fresh = false;
  int rc = st.Step();
  if (rc == SQLITE_ROW) {
    fresh = st.Int(0) != 0;
    rc = st.Step();
  }
  if (rc == SQLITE_BUSY) return Unavailable("store escalation: store is locked");
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "store escalation");
  return fresh;
}

Result<Verdict> SqliteStore::AddVerdict(const Verdict& v) {
  std::lock_guard<std::mutex> lock(mu_);
  {
    Stmt st(db_,
            "INSERT OR IGNORE INTO verdicts (escalation_id, device, class_id, verdict, json, "
            "stored_ms) VALUES (?, ?, ?, ?, ?, ?)");
    st.BindText(1, v.escalation_id);
    st.BindText(2, v.device);
    st.BindInt(3, v.class_id);
    st.BindText(4, VerdictKindName(v.verdict));
    st.BindText(5, v.ToJson().dump());
    st.BindInt(6, v.verified_unix_ms);
    ES_ASSIGN_OR_RETURN(bool inserted, InsertOnce(db_, st, "store verdict"));
    if (inserted) return v;
  }
  Stmt st(db_, "SELECT json FROM verdicts WHERE escalation_id = ?");
  st.BindText(1, v.escalation_id);
  if (!st.ok() || st.Step() != SQLITE_ROW) return SqlError(db_, st.rc(), "read verdict");
  return DecodeVerdict(st.Bytes(0));
}

Result<std::optional<Verdict>> SqliteStore::StoredVerdict(const std::string& escalation_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT json FROM verdicts WHERE escalation_id = ?");
  if (!st.ok()) return SqlError(db_, st.rc(), "read verdict");
  st.BindText(1, escalation_id);
  int rc = st.Step();
  if (rc == SQLITE_DONE) return std::optional<Verdict>();
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "read verdict");
  ES_ASSIGN_OR_RETURN(Verdict v, DecodeVerdict(st.Bytes(0)));
  return std::optional<Verdict>(std::move(v));
}

Status SqliteStore::PutDeviceStatus(const std::string& device, std::string_view json,
                                    int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "INSERT INTO devices (device, status, seen_ms) VALUES (?, ?, ?) "
          "ON CONFLICT (device) DO UPDATE SET status = excluded.status, "
          "seen_ms = excluded.seen_ms");
  st.BindText(1, device);
  st.BindText(2, json);
  st.BindInt(3, now_ms);
  ES_ASSIGN_OR_RETURN(bool ignored, InsertOnce(db_, st, "store device status"));
  (void)ignored;
  return Status::Ok();
}

Result<StoreCounts> SqliteStore::Counts() {
  std::lock_guard<std::mutex> lock(mu_);
  StoreCounts c;
  Stmt st(db_,
          "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM crops), "
          "(SELECT count(*) FROM escalations), (SELECT count(*) FROM verdicts), "
          "(SELECT count(*) FROM devices), "
          "(SELECT count(*) FROM verdicts WHERE verdict = 'confirmed'), "
          "(SELECT count(*) FROM verdicts WHERE verdict = 'rejected'), "
          "(SELECT count(*) FROM verdicts WHERE verdict = 'uncertain')");
  if (!st.ok() || st.Step() != SQLITE_ROW) return SqlError(db_, st.rc(), "count");
  c.events = st.Int(0);
  c.crops = st.Int(1);
  c.escalations = st.Int(2);
  c.verdicts = st.Int(3);
  c.devices = st.Int(4);
  c.confirmed = st.Int(5);
  c.rejected = st.Int(6);
  c.uncertain = st.Int(7);
  return c;
}

namespace {

// Rows of (json text) parsed into an array; a row that does not parse is kept as a string.
Result<nlohmann::json> JsonRows(sqlite3* db, Stmt& st, const char* what) {
  if (!st.ok()) return SqlError(db, st.rc(), what);
  nlohmann::json out = nlohmann::json::array();
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    std::string text = st.Bytes(0);
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    out.push_back(j.is_discarded() ? nlohmann::json(text) : j);
  }
  if (rc != SQLITE_DONE) return SqlError(db, rc, what);
  return out;
}

}  // namespace

Result<nlohmann::json> SqliteStore::RecentEvents(const std::string& device, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT json FROM events WHERE (?1 = '' OR device = ?1) ORDER BY seq DESC LIMIT ?2");
  st.BindText(1, device);
  st.BindInt(2, limit);
  return JsonRows(db_, st, "read events");
}

Result<nlohmann::json> SqliteStore::RecentVerdicts(const std::string& device, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "SELECT json FROM verdicts WHERE (?1 = '' OR device = ?1) ORDER BY seq DESC LIMIT ?2");
  st.BindText(1, device);
  st.BindInt(2, limit);
  return JsonRows(db_, st, "read verdicts");
}

Result<nlohmann::json> SqliteStore::Devices() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT device, status, seen_ms FROM devices ORDER BY device");
  if (!st.ok()) return SqlError(db_, st.rc(), "read devices");
  nlohmann::json out = nlohmann::json::array();
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    nlohmann::json status = nlohmann::json::parse(st.Bytes(1), nullptr, false);
    out.push_back({{"device", st.Bytes(0)},
                   {"status", status.is_discarded() ? nlohmann::json() : status},
                   {"seen_unix_ms", st.Int(2)}});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "read devices");
  return out;
}

Result<nlohmann::json> SqliteStore::EscalationInfo(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "SELECT e.header, e.attempts, e.received_ms, v.json FROM escalations e "
          "LEFT JOIN verdicts v ON v.escalation_id = e.id WHERE e.id = ?");
  st.BindText(1, id);
  if (!st.ok()) return SqlError(db_, st.rc(), "read escalation");
  int rc = st.Step();
  if (rc == SQLITE_DONE) return NotFound("no escalation '" + id + "'");
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "read escalation");
  nlohmann::json j = nlohmann::json::parse(st.Bytes(0), nullptr, false);
  nlohmann::json out = {{"escalation", j.is_discarded() ? nlohmann::json() : j},
                        {"attempts", st.Int(1)},
                        {"received_unix_ms", st.Int(2)},
                        {"verdict", nullptr}};
  if (sqlite3_column_type(st.get(), 3) != SQLITE_NULL) {
    nlohmann::json v = nlohmann::json::parse(st.Bytes(3), nullptr, false);
    if (!v.is_discarded()) out["verdict"] = v;
  }
  return out;
}

}  // namespace es
