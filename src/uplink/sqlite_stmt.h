// Small SQLite helpers shared by the outbox's translation units and the backend store.
//
// Stmt: RAII prepared statement; SqlError: an SQLite result code as a Status (kDataLoss for a
// corrupt or foreign file, kInternal otherwise), message on one line.
// Thread-safety: a Stmt belongs to the thread that holds the connection's lock.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "edgesight/status.h"

namespace es {
namespace sqlite {

inline Status SqlError(sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return DataLoss(OneLine(msg));
  return Internal(OneLine(msg));
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  int rc() const { return rc_; }
  sqlite3_stmt* get() { return s_; }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void BindDouble(int i, double v) { sqlite3_bind_double(s_, i, v); }
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  int Step() { return rc_ = sqlite3_step(s_); }
  int64_t Int(int col) { return sqlite3_column_int64(s_, col); }
  double Double(int col) { return sqlite3_column_double(s_, col); }
  std::string Bytes(int col) {
    const void* p = sqlite3_column_blob(s_, col);
    int n = sqlite3_column_bytes(s_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_OK;
};

}  // namespace sqlite
}  // namespace es
