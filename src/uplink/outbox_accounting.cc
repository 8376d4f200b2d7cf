// Outbox: bandwidth accounting (table `sent`) and source cost accounting (table `sources`).
// Format and policy: outbox.h / outbox.cc.
#include <sqlite3.h>

#include "uplink/bandwidth_budget.h"
#include "uplink/outbox.h"
#include "uplink/sqlite_stmt.h"

namespace es {

using sqlite::SqlError;
using sqlite::Stmt;

Status Outbox::CheckWritable() const {
  if (options_.read_only) return InvalidArgument("outbox '" + path_ + "' is opened read-only");
  return Status::Ok();
}

Status Outbox::AddSentLocked(OutboxKind kind, int64_t hour, int64_t bytes, int64_t messages) {
  Stmt st(db_,
          "INSERT INTO sent(kind, hour, bytes, messages) VALUES(?1, ?2, ?3, ?4) "
          "ON CONFLICT(kind, hour) DO UPDATE SET bytes = bytes + ?3, messages = messages + ?4");
  if (!st.ok()) return SqlError(db_, st.rc(), "account sent bytes");
  st.BindInt(1, static_cast<int>(kind));
  st.BindInt(2, hour);
  st.BindInt(3, bytes);
  st.BindInt(4, messages);
  if (st.Step() != SQLITE_DONE) return SqlError(db_, st.rc(), "account sent bytes");
  return Status::Ok();
}

Status Outbox::RecordSent(OutboxKind kind, int64_t wire_bytes, int64_t now_unix_us) {
  const int k = static_cast<int>(kind);
  if (k < 0 || k >= kOutboxKindCount) return InvalidArgument("unknown outbox kind");
  if (wire_bytes < 0) return InvalidArgument("sent bytes must be >= 0");
  ES_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard<std::mutex> lock(mu_);
  ES_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE"));
  Status s = AddSentLocked(kind, UnixHour(now_unix_us), wire_bytes, 1);
  if (s.ok()) s = ExecLocked("COMMIT");
  if (!s.ok()) (void)ExecLocked("ROLLBACK");
  return s;
}

Result<std::vector<SentBytes>> Outbox::SentByHour(int64_t from_hour, int64_t to_hour) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SentBytes> out;
  if (!has_accounting_) return out;
  Stmt st(db_,
          "SELECT hour, kind, bytes, messages FROM sent WHERE hour BETWEEN ? AND ? "
          "ORDER BY hour, kind");
  if (!st.ok()) return SqlError(db_, st.rc(), "read sent bytes");
  st.BindInt(1, from_hour);
  st.BindInt(2, to_hour);
  while (st.Step() == SQLITE_ROW) {
    const int64_t hour = st.Int(0);
    const int64_t k = st.Int(1);
    if (k < 0 || k >= kOutboxKindCount) return DataLoss("sent bytes with unknown kind");
    if (out.empty() || out.back().hour != hour) {
      out.emplace_back();
      out.back().hour = hour;
    }
    out.back().bytes[k] += st.Int(2);
    out.back().messages[k] += st.Int(3);
  }
  if (st.rc() != SQLITE_DONE) return SqlError(db_, st.rc(), "read sent bytes");
  return out;
}

Result<SentBytes> Outbox::SentInHour(int64_t hour) {
  ES_ASSIGN_OR_RETURN(std::vector<SentBytes> rows, SentByHour(hour, hour));
  if (rows.empty()) {
    SentBytes none;
    none.hour = hour;
    return none;
  }
  return rows.front();
}

Result<SentBytes> Outbox::SentTotal() {
  std::lock_guard<std::mutex> lock(mu_);
  SentBytes out;
  if (!has_accounting_) return out;
  Stmt st(db_, "SELECT kind, SUM(bytes), SUM(messages) FROM sent GROUP BY kind");
  if (!st.ok()) return SqlError(db_, st.rc(), "read sent bytes");
  while (st.Step() == SQLITE_ROW) {
    const int64_t k = st.Int(0);
    if (k < 0 || k >= kOutboxKindCount) return DataLoss("sent bytes with unknown kind");
    out.bytes[k] = st.Int(1);
    out.messages[k] = st.Int(2);
  }
  if (st.rc() != SQLITE_DONE) return SqlError(db_, st.rc(), "read sent bytes");
  return out;
}

Status Outbox::AddSourceUsage(const SourceUsage& d) {
  if (d.stream.empty()) return InvalidArgument("source usage needs a stream name");
  if (d.seconds < 0 || d.encoded_bytes < 0 || d.width < 0 || d.height < 0 || d.fps < 0) {
    return InvalidArgument("source usage of stream '" + d.stream + "' has a negative value");
  }
  ES_RETURN_IF_ERROR(CheckWritable());
  std::lock_guard<std::mutex> lock(mu_);
  ES_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE"));
  Stmt st(db_,
          "INSERT INTO sources(stream, seconds, encoded_bytes, width, height, fps, codec) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(stream) DO UPDATE SET "
          "seconds = seconds + ?2, encoded_bytes = encoded_bytes + ?3, "
          "width = CASE WHEN ?4 > 0 THEN ?4 ELSE width END, "
          "height = CASE WHEN ?5 > 0 THEN ?5 ELSE height END, "
          "fps = CASE WHEN ?6 > 0 THEN ?6 ELSE fps END, "
          "codec = CASE WHEN ?7 <> '' THEN ?7 ELSE codec END");
  Status s = st.ok() ? Status::Ok() : SqlError(db_, st.rc(), "record source usage");
  if (s.ok()) {
    st.BindText(1, d.stream);
    st.BindDouble(2, d.seconds);
    st.BindInt(3, d.encoded_bytes);
    st.BindInt(4, d.width);
    st.BindInt(5, d.height);
    st.BindDouble(6, d.fps);
    st.BindText(7, d.codec);
    if (st.Step() != SQLITE_DONE) s = SqlError(db_, st.rc(), "record source usage");
  }
  if (s.ok()) s = ExecLocked("COMMIT");
  if (!s.ok()) (void)ExecLocked("ROLLBACK");
  return s;
}

Result<std::vector<SourceUsage>> Outbox::SourceUsages() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SourceUsage> out;
  if (!has_accounting_) return out;
  Stmt st(db_,
          "SELECT stream, seconds, encoded_bytes, width, height, fps, codec FROM sources "
          "ORDER BY stream");
  if (!st.ok()) return SqlError(db_, st.rc(), "read source usage");
  while (st.Step() == SQLITE_ROW) {
    SourceUsage u;
    u.stream = st.Bytes(0);
    u.seconds = st.Double(1);
    u.encoded_bytes = st.Int(2);
    u.width = static_cast<int>(st.Int(3));
    u.height = static_cast<int>(st.Int(4));
    u.fps = st.Double(5);
    u.codec = st.Bytes(6);
    out.push_back(std::move(u));
  }
  if (st.rc() != SQLITE_DONE) return SqlError(db_, st.rc(), "read source usage");
  return out;
}

}  // namespace es
