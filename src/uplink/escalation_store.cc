#include "uplink/escalation_store.h"

#include <sqlite3.h>

#include <climits>

#include "uplink/sqlite_stmt.h"

namespace es {

using sqlite::SqlError;
using sqlite::Stmt;

namespace {

// Row states.
constexpr int kPending = 0;
constexpr int kVerified = 1;
constexpr int kExpired = 2;

constexpr const char* kColumns =
    "id, stream, event_id, track_id, class_id, reason, created_ms, deadline_ms, attempt, "
    "max_attempts, per_attempt_ms";

PendingEscalation ReadRow(Stmt& st) {
  PendingEscalation e;
  e.id = st.Bytes(0);
  e.stream = st.Bytes(1);
  e.event_id = st.Bytes(2);
  e.track_id = static_cast<int>(st.Int(3));
  e.class_id = static_cast<int>(st.Int(4));
  e.reason = st.Bytes(5);
  e.created_unix_ms = st.Int(6);
  e.deadline_unix_ms = st.Int(7);
  e.attempt = static_cast<int>(st.Int(8));
  e.max_attempts = static_cast<int>(st.Int(9));
  e.deadline_ms = st.Int(10);
  return e;
}

}  // namespace

Result<std::unique_ptr<EscalationStore>> EscalationStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open escalation store '" + path +
                      "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return NotFound(OneLine(msg));
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<EscalationStore> s(new EscalationStore(db));
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
        "CREATE TABLE IF NOT EXISTS escalations(id TEXT PRIMARY KEY, stream TEXT NOT NULL, "
        "event_id TEXT NOT NULL, track_id INTEGER NOT NULL, class_id INTEGER NOT NULL, reason "
        "TEXT NOT NULL, created_ms INTEGER NOT NULL, deadline_ms INTEGER NOT NULL, attempt "
        "INTEGER NOT NULL, max_attempts INTEGER NOT NULL, per_attempt_ms INTEGER NOT NULL, state "
        "INTEGER NOT NULL, verdict TEXT NOT NULL DEFAULT '', payload BLOB)",
        "CREATE INDEX IF NOT EXISTS escalations_due ON escalations(state, deadline_ms)"}) {
    Status st = s->Exec(sql);
    if (!st.ok()) {
      return st.code() == StatusCode::kDataLoss
                 ? st
                 : DataLoss("escalation store '" + path + "' is not usable: " + st.message());
    }
  }
  return s;
}

EscalationStore::~EscalationStore() { sqlite3_close_v2(db_); }

Status EscalationStore::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return SqlError(db_, rc, "escalation store: " + msg);
}

Status EscalationStore::Add(const PendingEscalation& e) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_,
          "INSERT INTO escalations(id, stream, event_id, track_id, class_id, reason, created_ms, "
          "deadline_ms, attempt, max_attempts, per_attempt_ms, state, payload) "
          "VALUES(?,?,?,?,?,?,?,?,?,?,?,0,?)");
  if (!st.ok()) return SqlError(db_, st.rc(), "escalation store: add");
  st.BindText(1, e.id);
  st.BindText(2, e.stream);
  st.BindText(3, e.event_id);
  st.BindInt(4, e.track_id);
  st.BindInt(5, e.class_id);
  st.BindText(6, e.reason);
  st.BindInt(7, e.created_unix_ms);
  st.BindInt(8, e.deadline_unix_ms);
  st.BindInt(9, e.attempt);
  st.BindInt(10, e.max_attempts);
  st.BindInt(11, e.deadline_ms);
  st.BindBlob(12, e.payload);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "escalation store: add " + e.id);
  return Status::Ok();
}

Result<std::vector<PendingEscalation>> EscalationStore::Due(int64_t now_unix_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string sql = std::string("SELECT ") + kColumns +
                          ", payload FROM escalations WHERE state=0 AND deadline_ms<=? "
                          "ORDER BY deadline_ms LIMIT 256";
  Stmt st(db_, sql.c_str());
  if (!st.ok()) return SqlError(db_, st.rc(), "escalation store: due");
  st.BindInt(1, now_unix_ms);
  std::vector<PendingEscalation> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    out.push_back(ReadRow(st));
    out.back().payload = st.Bytes(11);
  }
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "escalation store: due");
  return out;
}

Status EscalationStore::Resend(const std::string& id, int attempt, int64_t deadline_unix_ms,
                               const std::string& payload) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "UPDATE escalations SET attempt=?, deadline_ms=?, payload=? WHERE id=? AND state=0");
  if (!st.ok()) return SqlError(db_, st.rc(), "escalation store: resend");
  st.BindInt(1, attempt);
  st.BindInt(2, deadline_unix_ms);
  st.BindBlob(3, payload);
  st.BindText(4, id);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "escalation store: resend " + id);
  return Status::Ok();
}

Result<bool> EscalationStore::Expire(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "UPDATE escalations SET state=2, payload=NULL WHERE id=? AND state=0");
  if (!st.ok()) return SqlError(db_, st.rc(), "escalation store: expire");
  st.BindText(1, id);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "escalation store: expire " + id);
  return sqlite3_changes(db_) == 1;
}

Result<ResolveOutcome> EscalationStore::Resolve(const std::string& id, const std::string& verdict,
                                                PendingEscalation* row) {
  std::lock_guard<std::mutex> lock(mu_);
  {
    const std::string sql =
        std::string("SELECT ") + kColumns + ", state FROM escalations WHERE id=?";
    Stmt st(db_, sql.c_str());
    if (!st.ok()) return SqlError(db_, st.rc(), "escalation store: resolve");
    st.BindText(1, id);
    const int rc = st.Step();
    if (rc == SQLITE_DONE) return ResolveOutcome::kUnknown;
    if (rc != SQLITE_ROW) return SqlError(db_, rc, "escalation store: resolve " + id);
    if (row != nullptr) *row = ReadRow(st);
    if (st.Int(11) != kPending) return ResolveOutcome::kDuplicate;
  }
  Stmt up(db_, "UPDATE escalations SET state=1, verdict=?, payload=NULL WHERE id=? AND state=0");
  if (!up.ok()) return SqlError(db_, up.rc(), "escalation store: resolve");
  up.BindText(1, verdict);
  up.BindText(2, id);
  if (up.Step() != SQLITE_DONE) return SqlError(db_, up.rc(), "escalation store: resolve " + id);
  static_assert(kVerified == 1 && kExpired == 2);
  return sqlite3_changes(db_) == 1 ? ResolveOutcome::kApplied : ResolveOutcome::kDuplicate;
}

int64_t EscalationStore::PendingCount() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT count(*) FROM escalations WHERE state=0");
  return st.ok() && st.Step() == SQLITE_ROW ? st.Int(0) : 0;
}

int64_t EscalationStore::NextDeadline() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT min(deadline_ms) FROM escalations WHERE state=0");
  if (!st.ok() || st.Step() != SQLITE_ROW || sqlite3_column_type(st.get(), 0) == SQLITE_NULL) {
    return INT64_MAX;
  }
  return st.Int(0);
}

}  // namespace es
