// Outbox on SQLite. On-disk format (meta.format = 1):
//   outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER, topic TEXT, payload BLOB,
//          message_id TEXT, created_us INTEGER, size INTEGER)   -- size = topic+payload+id bytes
//   counters(name TEXT PRIMARY KEY, value INTEGER)  -- NextEventCounter and outbox.dropped.<kind>
//   meta(key TEXT PRIMARY KEY, value TEXT)
//   sent(kind INTEGER, hour INTEGER, bytes INTEGER, messages INTEGER, PRIMARY KEY(kind, hour))
//        -- wire bytes acknowledged per kind per UTC hour (hour = unix seconds / 3600)
//   sources(stream TEXT PRIMARY KEY, seconds REAL, encoded_bytes INTEGER, width INTEGER,
//           height INTEGER, fps REAL, codec TEXT)  -- running sums per stream
// `sent` and `sources` were added after format 1 was first released; Open() creates them when
// missing (additive: older readers ignore them), so the format number stays 1.
// Every mutation is one transaction; WAL + synchronous=FULL make COMMIT durable.
#include "uplink/outbox.h"

#include <sqlite3.h>

#include <chrono>
#include <iterator>
#include <utility>

#include "uplink/bandwidth_budget.h"
#include "uplink/sqlite_stmt.h"

namespace es {
namespace {

using sqlite::SqlError;
using sqlite::Stmt;

constexpr int kPriority[kOutboxKindCount] = {/*event*/ 2, /*crop*/ 0, /*status*/ 1};
// Eviction order: lowest priority first.
constexpr OutboxKind kEvictOrder[] = {OutboxKind::kCrop, OutboxKind::kStatus, OutboxKind::kEvent};

std::string DroppedCounter(OutboxKind k) {
  return std::string("outbox.dropped.") + OutboxKindName(k);
}

}  // namespace

const char* OutboxKindName(OutboxKind kind) {
  switch (kind) {
    case OutboxKind::kEvent: return "event";
    case OutboxKind::kCrop: return "crop";
    case OutboxKind::kStatus: return "status";
  }
  return "unknown";
}

int64_t WallNowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Outbox::Outbox(sqlite3* db, std::string path, const OutboxOptions& options)
    : db_(db), path_(std::move(path)), options_(options) {}

Outbox::~Outbox() { sqlite3_close_v2(db_); }

namespace {

// A table that an outbox never has, or our tables without the format marker: not ours.
Status CheckOursOrEmpty(sqlite3* db, const std::string& path) {
  Stmt st(db, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('outbox', "
              "'counters', 'meta', 'sent', 'sources', 'sqlite_sequence') LIMIT 1");
  if (!st.ok()) {
    return DataLoss("outbox '" + path + "' is not usable: " + OneLine(sqlite3_errmsg(db)));
  }
  const int rc = st.Step();
  if (rc == SQLITE_ROW) {
    return DataLoss("outbox '" + path + "' is not an edgesight outbox: it holds table '" +
                    st.Bytes(0) + "'; refusing to change it");
  }
  if (rc != SQLITE_DONE) {
    return DataLoss("outbox '" + path + "' is not usable: " + OneLine(sqlite3_errmsg(db)));
  }
  Stmt ours(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='outbox'");
  Stmt marked(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
  const bool has_outbox = ours.ok() && ours.Step() == SQLITE_ROW && ours.Int(0) > 0;
  const bool has_meta = marked.ok() && marked.Step() == SQLITE_ROW && marked.Int(0) > 0;
  if (has_outbox && !has_meta) {
    return DataLoss("outbox '" + path + "' is not an edgesight outbox (no format marker); "
                    "refusing to change it");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& path,
                                             const OutboxOptions& options) {
  if (options.max_bytes <= 0) return InvalidArgument("outbox max_bytes must be > 0");
  sqlite3* db = nullptr;
  const int flags = options.read_only
                        ? SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open outbox '" + path + "': " +
                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) return DataLoss(msg);
    return NotFound(OneLine(msg));
  }
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::unique_ptr<Outbox> box(new Outbox(db, path, options));
  std::lock_guard<std::mutex> lock(box->mu_);
  // An outbox is ours or empty: never add tables to (or switch to WAL) someone else's database.
  if (!options.read_only) ES_RETURN_IF_ERROR(CheckOursOrEmpty(db, path));
  // The first statements read the header: a corrupt or foreign file fails here.
  static const char* kSetup[] = {
      "PRAGMA journal_mode=WAL",
      "PRAGMA synchronous=FULL",
      "CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER "
      "NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, message_id TEXT NOT NULL, "
      "created_us INTEGER NOT NULL, size INTEGER NOT NULL)",
      "CREATE INDEX IF NOT EXISTS outbox_kind_seq ON outbox(kind, seq)",
      "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      "INSERT OR IGNORE INTO meta(key, value) VALUES('format', '1')",
      "CREATE TABLE IF NOT EXISTS sent(kind INTEGER NOT NULL, hour INTEGER NOT NULL, bytes "
      "INTEGER NOT NULL, messages INTEGER NOT NULL, PRIMARY KEY(kind, hour))",
      "CREATE TABLE IF NOT EXISTS sources(stream TEXT PRIMARY KEY, seconds REAL NOT NULL, "
      "encoded_bytes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, "
      "fps REAL NOT NULL, codec TEXT NOT NULL)",
  };
  // Read-only: the first read of the header fails for a corrupt or foreign file.
  static const char* kReadOnlySetup[] = {"SELECT count(*) FROM sqlite_master"};
  for (const char* sql : options.read_only ? std::vector<const char*>(std::begin(kReadOnlySetup),
                                                                      std::end(kReadOnlySetup))
                                           : std::vector<const char*>(std::begin(kSetup),
                                                                      std::end(kSetup))) {
    Status s = box->ExecLocked(sql);
    if (!s.ok()) {
      if (s.code() == StatusCode::kInternal && s.message().find("unable to open") !=
                                                   std::string::npos) {
        return NotFound("cannot open outbox '" + path + "': " + s.message());
      }
      return Status(s.code() == StatusCode::kInternal ? StatusCode::kDataLoss : s.code(),
                    "outbox '" + path + "' is not usable: " + s.message());
    }
  }
  {
    Stmt st(db, "SELECT value FROM meta WHERE key='format'");
    if (!st.ok() || st.Step() != SQLITE_ROW || st.Bytes(0) != "1") {
      return DataLoss("outbox '" + path + "' is not an edgesight outbox (unknown format)");
    }
  }
  if (options.read_only) {
    Stmt st(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                "name IN ('sent', 'sources')");
    box->has_accounting_ = st.ok() && st.Step() == SQLITE_ROW && st.Int(0) == 2;
  }
  Status s = box->LoadStateLocked();
  if (!s.ok()) return DataLoss("outbox '" + path + "' is not usable: " + s.message());
  return box;
}

Status Outbox::RollbackLocked(Status s) {
  (void)ExecLocked("ROLLBACK");
  (void)LoadStateLocked();  // the mirror may have been changed by a partial eviction
  if (s.code() != StatusCode::kInvalidArgument) write_error_ = s.ToString();  // not the caller's
  return s;
}

std::string Outbox::LastWriteError() {
  std::lock_guard<std::mutex> lock(mu_);
  return write_error_;
}

Status Outbox::ExecLocked(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = std::string(sql).substr(0, 40) + ": " + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    int primary = rc & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return DataLoss(OneLine(msg));
    return Internal(OneLine(msg));
  }
  return Status::Ok();
}

Status Outbox::LoadStateLocked() {
  stats_ = OutboxStats{};
  Stmt st(db_, "SELECT kind, COUNT(*), SUM(size) FROM outbox GROUP BY kind");
  if (!st.ok()) return SqlError(db_, st.rc(), "load outbox state");
  while (st.Step() == SQLITE_ROW) {
    int64_t k = st.Int(0);
    if (k < 0 || k >= kOutboxKindCount) return DataLoss("outbox entry with unknown kind");
    stats_.count[k] = st.Int(1);
    stats_.bytes[k] = st.Int(2);
    stats_.depth += st.Int(1);
  }
  if (st.rc() != SQLITE_DONE) return SqlError(db_, st.rc(), "load outbox state");
  for (int k = 0; k < kOutboxKindCount; ++k) {
    Stmt c(db_, "SELECT value FROM counters WHERE name=?");
    if (!c.ok()) return SqlError(db_, c.rc(), "load counters");
    c.BindText(1, DroppedCounter(static_cast<OutboxKind>(k)));
    if (c.Step() == SQLITE_ROW) stats_.dropped[k] = c.Int(0);
  }
  return Status::Ok();
}

Status Outbox::AddCounterLocked(const std::string& name, int64_t delta, int64_t* value) {
  Stmt st(db_,
          "INSERT INTO counters(name, value) VALUES(?1, ?2) "
          "ON CONFLICT(name) DO UPDATE SET value = value + ?2 RETURNING value");
  if (!st.ok()) return SqlError(db_, st.rc(), "counter");
  st.BindText(1, name);
  st.BindInt(2, delta);
  if (st.Step() != SQLITE_ROW) return SqlError(db_, st.rc(), "counter");
  if (value) *value = st.Int(0);
  return Status::Ok();
}

Status Outbox::DeleteLocked(int64_t seq, OutboxKind kind, int64_t size, bool dropped) {
  Stmt st(db_, "DELETE FROM outbox WHERE seq=?");
  if (!st.ok()) return SqlError(db_, st.rc(), "delete");
  st.BindInt(1, seq);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "delete");
  int k = static_cast<int>(kind);
  stats_.count[k]--;
  stats_.bytes[k] -= size;
  stats_.depth--;
  if (dropped) {
    ES_RETURN_IF_ERROR(AddCounterLocked(DroppedCounter(kind), 1, nullptr));
    stats_.dropped[k]++;
  }
  return Status::Ok();
}

Status Outbox::MakeRoomLocked(OutboxKind kind, int64_t need) {
  int64_t excess = stats_.total_bytes() + need - options_.max_bytes;
  if (excess <= 0) return Status::Ok();
  int64_t evictable = 0;
  for (OutboxKind k : kEvictOrder) {
    if (kPriority[static_cast<int>(k)] <= kPriority[static_cast<int>(kind)]) {
      evictable += stats_.bytes[static_cast<int>(k)];
    }
  }
  if (evictable < excess) {
    return Unavailable(std::string("outbox full: ") + OutboxKindName(kind) + " of " +
                       std::to_string(need) + " bytes refused (max_bytes " +
                       std::to_string(options_.max_bytes) + ")");
  }
  for (OutboxKind k : kEvictOrder) {
    if (kPriority[static_cast<int>(k)] > kPriority[static_cast<int>(kind)]) continue;
    while (excess > 0 && stats_.count[static_cast<int>(k)] > 0) {
      Stmt st(db_, "SELECT seq, size FROM outbox WHERE kind=? ORDER BY seq LIMIT 64");
      if (!st.ok()) return SqlError(db_, st.rc(), "evict");
      st.BindInt(1, static_cast<int>(k));
      std::vector<std::pair<int64_t, int64_t>> victims;
      while (st.Step() == SQLITE_ROW) victims.emplace_back(st.Int(0), st.Int(1));
      if (victims.empty()) break;
      for (auto [seq, size] : victims) {
        if (excess <= 0) break;
        ES_RETURN_IF_ERROR(DeleteLocked(seq, k, size, /*dropped=*/true));
        excess -= size;
      }
    }
  }
  return excess <= 0 ? Status::Ok() : Internal("outbox eviction accounting mismatch");
}

Result<int64_t> Outbox::Append(OutboxKind kind, std::string_view topic, std::string_view payload,
                               std::string_view message_id, int64_t created_unix_us) {
  int k = static_cast<int>(kind);
  if (k < 0 || k >= kOutboxKindCount) return InvalidArgument("unknown outbox kind");
  const int64_t size = static_cast<int64_t>(topic.size() + payload.size() + message_id.size());
  if (size > options_.max_bytes) {
    return InvalidArgument("outbox entry of " + std::to_string(size) +
                           " bytes exceeds max_bytes " + std::to_string(options_.max_bytes));
  }
  ES_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard<std::mutex> lock(mu_);
  if (Status b = ExecLocked("BEGIN IMMEDIATE"); !b.ok()) return RollbackLocked(b);
  auto fail = [this](Status s) { return RollbackLocked(std::move(s)); };
  Status room = MakeRoomLocked(kind, size);
  if (!room.ok()) {
    if (room.code() != StatusCode::kUnavailable) return fail(room);
    // Refused: count the drop durably, keep everything else.
    (void)ExecLocked("ROLLBACK");
    (void)LoadStateLocked();
    ES_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE"));
    Status c = AddCounterLocked(DroppedCounter(kind), 1, nullptr);
    if (!c.ok()) return fail(c);
    Status commit = ExecLocked("COMMIT");
    if (!commit.ok()) return fail(commit);
    stats_.dropped[k]++;
    return room;
  }
  auto seq = InsertLocked(kind, topic, payload, message_id, created_unix_us, size);
  if (!seq.ok()) return fail(seq.status());
  Status commit = ExecLocked("COMMIT");
  if (!commit.ok()) return fail(commit);
  write_error_.clear();
  return seq;
}

// One row, and the in-memory mirror (callers roll both back on failure).
Result<int64_t> Outbox::InsertLocked(OutboxKind kind, std::string_view topic,
                                     std::string_view payload, std::string_view message_id,
                                     int64_t created_unix_us, int64_t size) {
  const int k = static_cast<int>(kind);
  Stmt st(db_,
          "INSERT INTO outbox(kind, topic, payload, message_id, created_us, size) "
          "VALUES(?,?,?,?,?,?)");
  if (!st.ok()) return SqlError(db_, st.rc(), "append");
  st.BindInt(1, k);
  st.BindText(2, topic);
  st.BindBlob(3, payload);
  st.BindText(4, message_id);
  st.BindInt(5, created_unix_us);
  st.BindInt(6, size);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "append");
  stats_.count[k]++;
  stats_.bytes[k] += size;
  stats_.depth++;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<int64_t>> Outbox::AppendBatch(
    const std::vector<OutboxEntry>& records,
    const std::vector<std::pair<std::string, int64_t>>& counters_at_least,
    int64_t created_unix_us) {
  std::vector<int64_t> sizes;
  for (const OutboxEntry& r : records) {
    const int k = static_cast<int>(r.kind);
    if (k < 0 || k >= kOutboxKindCount) return InvalidArgument("unknown outbox kind");
    sizes.push_back(static_cast<int64_t>(r.topic.size() + r.payload.size() + r.message_id.size()));
    if (sizes.back() > options_.max_bytes) {
      return InvalidArgument("outbox entry of " + std::to_string(sizes.back()) +
                             " bytes exceeds max_bytes " + std::to_string(options_.max_bytes));
    }
  }
  for (const auto& [name, value] : counters_at_least) {
    if (name.rfind("outbox.", 0) == 0) return InvalidArgument("counter names 'outbox.*' are reserved");
  }
  ES_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard<std::mutex> lock(mu_);
  if (Status b = ExecLocked("BEGIN IMMEDIATE"); !b.ok()) return RollbackLocked(b);
  auto fail = [this](Status s) { return RollbackLocked(std::move(s)); };
  std::vector<int64_t> seqs;
  for (size_t i = 0; i < records.size(); ++i) {
    const OutboxEntry& r = records[i];
    // A savepoint per record: a record refused for space undoes only its own evictions.
    if (Status s = ExecLocked("SAVEPOINT record"); !s.ok()) return fail(s);
    Status room = MakeRoomLocked(r.kind, sizes[i]);
    if (!room.ok() && room.code() != StatusCode::kUnavailable) return fail(room);
    if (!room.ok()) {
      Status s = ExecLocked("ROLLBACK TO record");
      if (s.ok()) s = LoadStateLocked();
      if (s.ok()) s = AddCounterLocked(DroppedCounter(r.kind), 1, nullptr);
      if (!s.ok()) return fail(s);
      stats_.dropped[static_cast<int>(r.kind)]++;
      seqs.push_back(-1);
    } else {
      auto seq = InsertLocked(r.kind, r.topic, r.payload, r.message_id, created_unix_us, sizes[i]);
      if (!seq.ok()) return fail(seq.status());
      seqs.push_back(*seq);
    }
    if (Status s = ExecLocked("RELEASE record"); !s.ok()) return fail(s);
  }
  for (const auto& [name, value] : counters_at_least) {
    Stmt st(db_,
            "INSERT INTO counters(name, value) VALUES(?1, ?2) "
            "ON CONFLICT(name) DO UPDATE SET value = max(value, ?2)");
    if (!st.ok()) return fail(SqlError(db_, st.rc(), "counter"));
    st.BindText(1, name);
    st.BindInt(2, value);
    if (st.Step() != SQLITE_DONE) return fail(SqlError(db_, st.rc(), "counter"));
  }
  Status commit = ExecLocked("COMMIT");
  if (!commit.ok()) return fail(commit);
  write_error_.clear();
  return seqs;
}

Result<std::vector<OutboxEntry>> Outbox::Peek(size_t n, int64_t after_seq) {
  return PeekKinds(n, after_seq, kAllKinds);
}

Result<std::vector<OutboxEntry>> Outbox::PeekKinds(size_t n, int64_t after_seq,
                                                   unsigned kind_mask, int64_t max_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<OutboxEntry> out;
  if (n == 0 || (kind_mask & kAllKinds) == 0) return out;
  const bool all = (kind_mask & kAllKinds) == kAllKinds;
  Stmt st(db_,
          all ? "SELECT seq, kind, topic, payload, message_id, created_us FROM outbox "
                "WHERE seq > ?1 AND seq <= ?3 ORDER BY seq LIMIT ?2"
              : "SELECT seq, kind, topic, payload, message_id, created_us FROM outbox "
                "WHERE seq > ?1 AND seq <= ?3 AND ((1 << kind) & ?4) != 0 ORDER BY seq LIMIT ?2");
  if (!st.ok()) return SqlError(db_, st.rc(), "peek");
  st.BindInt(1, after_seq);
  st.BindInt(2, static_cast<int64_t>(n));
  st.BindInt(3, max_seq);
  if (!all) st.BindInt(4, kind_mask);
  while (st.Step() == SQLITE_ROW) {
    OutboxEntry e;
    e.seq = st.Int(0);
    int64_t k = st.Int(1);
    if (k < 0 || k >= kOutboxKindCount) return DataLoss("outbox entry with unknown kind");
    e.kind = static_cast<OutboxKind>(k);
    e.topic = st.Bytes(2);
    e.payload = st.Bytes(3);
    e.message_id = st.Bytes(4);
    e.created_unix_us = st.Int(5);
    out.push_back(std::move(e));
  }
  if (st.rc() != SQLITE_DONE) return SqlError(db_, st.rc(), "peek");
  return out;
}

Status Outbox::Ack(int64_t seq, int64_t now_unix_us) { return AckMany({seq}, now_unix_us); }

Status Outbox::AckMany(const std::vector<int64_t>& seqs, int64_t now_unix_us) {
  if (seqs.empty()) return Status::Ok();
  ES_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard<std::mutex> lock(mu_);
  ES_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE"));
  auto fail = [this](Status s) { return RollbackLocked(std::move(s)); };
  std::array<int64_t, kOutboxKindCount> wire{}, messages{};
  for (int64_t seq : seqs) {
    Stmt st(db_,
            "DELETE FROM outbox WHERE seq=? RETURNING kind, size, length(CAST(topic AS BLOB)), "
            "length(payload)");
    if (!st.ok()) return fail(SqlError(db_, st.rc(), "ack"));
    st.BindInt(1, seq);
    int rc = st.Step();
    if (rc == SQLITE_ROW) {
      int64_t k = st.Int(0);
      int64_t size = st.Int(1);
      int64_t topic_len = st.Int(2);
      int64_t payload_len = st.Int(3);
      rc = st.Step();
      if (k >= 0 && k < kOutboxKindCount) {
        stats_.count[k]--;
        stats_.bytes[k] -= size;
        stats_.depth--;
        wire[k] += MqttPublishWireBytes(static_cast<size_t>(topic_len),
                                        static_cast<size_t>(payload_len), /*qos=*/1);
        messages[k]++;
      }
    }
    if (rc != SQLITE_DONE) return fail(SqlError(db_, rc, "ack"));
  }
  const int64_t hour = UnixHour(now_unix_us);
  for (int k = 0; k < kOutboxKindCount; ++k) {
    if (messages[k] == 0) continue;
    Status s = AddSentLocked(static_cast<OutboxKind>(k), hour, wire[k], messages[k]);
    if (!s.ok()) return fail(s);
  }
  Status commit = ExecLocked("COMMIT");
  if (!commit.ok()) return fail(commit);
  return commit;
}

int64_t Outbox::Depth() {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_.depth;
}

Duration Outbox::OldestAge(int64_t now_unix_us) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT created_us FROM outbox ORDER BY seq LIMIT 1");
  if (!st.ok() || st.Step() != SQLITE_ROW) return Duration{};
  int64_t age = now_unix_us - st.Int(0);
  return Duration::Micros(age > 0 ? age : 0);
}

OutboxStats Outbox::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Result<int64_t> Outbox::CounterValue(std::string_view name) {
  if (name.rfind("outbox.", 0) == 0) return InvalidArgument("counter names 'outbox.*' are reserved");
  std::lock_guard<std::mutex> lock(mu_);
  Stmt st(db_, "SELECT value FROM counters WHERE name=?");
  if (!st.ok()) return SqlError(db_, st.rc(), "counter");
  st.BindText(1, std::string(name));
  const int rc = st.Step();
  if (rc == SQLITE_ROW) return st.Int(0);
  if (rc == SQLITE_DONE) return int64_t{0};
  return SqlError(db_, rc, "counter");
}

Result<int64_t> Outbox::NextEventCounter(std::string_view name) {
  if (name.rfind("outbox.", 0) == 0) return InvalidArgument("counter names 'outbox.*' are reserved");
  ES_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard<std::mutex> lock(mu_);
  int64_t value = 0;
  ES_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE"));
  Status s = AddCounterLocked(std::string(name), 1, &value);
  if (s.ok()) s = ExecLocked("COMMIT");
  if (!s.ok()) {
    (void)ExecLocked("ROLLBACK");
    return s;
  }
  return value;
}

}  // namespace es
