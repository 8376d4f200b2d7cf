#include "ops/event_store.h"

#include <sqlite3.h>

#include <algorithm>

#include "uplink/sqlite_stmt.h"

namespace es {

using sqlite::SqlError;
using sqlite::Stmt;

namespace {

// Format: meta(format=1); events (one row per event, the JSON as sent); crops (one JPEG per
// track, keyed by the track's start event id).
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE, start_id TEXT NOT NULL, camera TEXT NOT NULL, type TEXT NOT NULL,"
    " track_id INTEGER NOT NULL, t_unix_ms INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_camera ON events(camera, seq);"
    "CREATE INDEX IF NOT EXISTS events_start ON events(start_id);"
    "CREATE TABLE IF NOT EXISTS crops(start_id TEXT PRIMARY KEY, camera TEXT NOT NULL,"
    " track_id INTEGER NOT NULL, t_unix_ms INTEGER NOT NULL, jpeg BLOB NOT NULL);"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('format', 'edgesight-events-1');";

Status Exec(sqlite3* db, const char* sql, const char* what) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);
  return rc == SQLITE_OK ? Status::Ok() : SqlError(db, rc, what);
}

}  // namespace

Result<std::unique_ptr<EventStore>> EventStore::Open(const EventStoreOptions& o) {
  sqlite3* db = nullptr;
  const std::string path = o.path.empty() ? ":memory:" : o.path;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                                        SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    return NotFound("event store '" + o.path + "': cannot open: " + sqlite3_errstr(rc));
  }
  std::unique_ptr<EventStore> store(new EventStore(db, o));
  sqlite3_busy_timeout(db, 2000);
  if (!o.path.empty()) {
    // A local convenience copy: WAL without fsync per commit (the outbox is the durable path).
    (void)Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "event store pragmas");
  }
  if (Status s = Exec(db, kSchema, "event store schema"); !s.ok()) {
    return DataLoss("event store '" + o.path + "' is not an edgesight event store: " +
                    s.message());
  }
  Stmt format(db, "SELECT value FROM meta WHERE key = 'format'");
  if (!format.ok() || format.Step() != SQLITE_ROW || format.Bytes(0) != "edgesight-events-1") {
    return DataLoss("event store '" + o.path + "' has an unknown format");
  }
  return store;
}

EventStore::EventStore(sqlite3* db, EventStoreOptions options)
    : db_(db), options_(std::move(options)) {}

EventStore::~EventStore() { sqlite3_close(db_); }

Status EventStore::Add(const std::vector<Event>& events, int64_t now_ms) {
  if (events.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  ES_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE", "event store"));
  auto fail = [this](Status s) {
    (void)Exec(db_, "ROLLBACK", "event store");
    return s;
  };
  for (const Event& e : events) {
    Stmt st(db_,
            "INSERT OR IGNORE INTO events(id, start_id, camera, type, track_id, t_unix_ms, json)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st.ok()) return fail(SqlError(db_, st.rc(), "event store insert"));
    st.BindText(1, e.id);
    st.BindText(2, e.start_id.empty() ? e.id : e.start_id);
    st.BindText(3, e.stream);
    st.BindText(4, EventTypeName(e.type));
    st.BindInt(5, e.track_id);
    st.BindInt(6, now_ms);
    st.BindText(7, e.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (st.Step() != SQLITE_DONE) return fail(SqlError(db_, st.rc(), "event store insert"));
  }
  if (Status s = Trim(now_ms); !s.ok()) return fail(s);
  Status commit = Exec(db_, "COMMIT", "event store commit");
  return commit.ok() ? commit : fail(commit);
}

Status EventStore::Trim(int64_t now_ms) {
  Stmt count(db_, "DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?1");
  count.BindInt(1, options_.max_events);
  if (!count.ok() || count.Step() != SQLITE_DONE) return SqlError(db_, count.rc(), "retention");
  if (options_.max_age_s > 0) {
    Stmt age(db_, "DELETE FROM events WHERE t_unix_ms < ?1");
    age.BindInt(1, now_ms - static_cast<int64_t>(options_.max_age_s * 1000));
    if (!age.ok() || age.Step() != SQLITE_DONE) return SqlError(db_, age.rc(), "retention");
  }
  Stmt crops(db_,
             "DELETE FROM crops WHERE rowid <= (SELECT MAX(rowid) FROM crops) - ?1"
             " OR NOT EXISTS (SELECT 1 FROM events WHERE events.start_id = crops.start_id)");
  crops.BindInt(1, std::max<int64_t>(100, options_.max_events / 10));
  if (!crops.ok() || crops.Step() != SQLITE_DONE) return SqlError(db_, crops.rc(), "retention");
  return Status::Ok();
}

Status EventStore::PutCrop(const std::string& camera, int track_id, const std::string& start_id,
                           std::string_view jpeg, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Stmt st(db_,
          "INSERT OR REPLACE INTO crops(start_id, camera, track_id, t_unix_ms, jpeg)"
          " VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return SqlError(db_, st.rc(), "event store crop");
  st.BindText(1, start_id);
  st.BindText(2, camera);
  st.BindInt(3, track_id);
  st.BindInt(4, now_ms);
  st.BindBlob(5, jpeg);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "event store crop");
  return Status::Ok();
}

Result<std::vector<StoredEvent>> EventStore::Query(const EventQuery& q) {
  std::lock_guard lock(mu_);
  Stmt st(db_,
          "SELECT e.seq, e.t_unix_ms, e.json, EXISTS(SELECT 1 FROM crops c WHERE"
          " c.start_id = e.start_id) FROM events e WHERE (?1 = '' OR e.camera = ?1) AND"
          " (?2 = '' OR e.type = ?2) AND (?3 = 0 OR e.track_id = ?4) AND"
          " (?5 = 0 OR e.t_unix_ms >= ?5) AND (?6 = 0 OR e.t_unix_ms <= ?6) AND"
          " (?7 = 0 OR e.seq < ?7) ORDER BY e.seq DESC LIMIT ?8");
  if (!st.ok()) return SqlError(db_, st.rc(), "event query");
  st.BindText(1, q.camera);
  st.BindText(2, q.type);
  st.BindInt(3, q.track_id.has_value() ? 1 : 0);
  st.BindInt(4, q.track_id.value_or(0));
  st.BindInt(5, q.since_ms);
  st.BindInt(6, q.until_ms);
  st.BindInt(7, q.before);
  st.BindInt(8, q.limit);
  std::vector<StoredEvent> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    StoredEvent e;
    e.seq = st.Int(0);
    e.t_unix_ms = st.Int(1);
    e.event = nlohmann::json::parse(st.Bytes(2), nullptr, /*allow_exceptions=*/false);
    e.has_crop = st.Int(3) != 0;
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "event query");
  return out;
}

Result<std::optional<std::string>> EventStore::CropOf(const std::string& event_id) {
  std::lock_guard lock(mu_);
  Stmt st(db_,
          "SELECT c.jpeg FROM events e JOIN crops c ON c.start_id = e.start_id WHERE e.id = ?1");
  if (!st.ok()) return SqlError(db_, st.rc(), "crop query");
  st.BindText(1, event_id);
  const int rc = st.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(st.Bytes(0));
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "crop query");
  return std::optional<std::string>();
}

int64_t EventStore::size() {
  std::lock_guard lock(mu_);
  Stmt st(db_, "SELECT COUNT(*) FROM events");
  return st.ok() && st.Step() == SQLITE_ROW ? st.Int(0) : 0;
}

}  // namespace es
