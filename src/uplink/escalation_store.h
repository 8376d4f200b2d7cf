// EscalationStore: the escalations a device has sent and not yet closed, durable across
// restarts (SQLite, WAL, synchronous=FULL; its own file beside the outbox, "<outbox>.escalations",
// because the outbox refuses foreign tables in its file).
//
// Contract
// - Add() records a new escalation as pending with its framed payload (escalation_message.h),
//   so a re-send after a restart can rebuild it; one durable transaction. It is called BEFORE
//   the payload is appended to the outbox: a crash in between leaves a pending row whose
//   deadline passes and whose re-send (attempt 2) is what the backend sees first.
// - Due(now) lists pending rows whose deadline has passed; Resend() raises the attempt and
//   moves the deadline; Expire() closes a row without a verdict (the local fallback applies).
// - Resolve(id, verdict) closes a pending row with the verdict; the first one wins: it returns
//   kApplied once, kDuplicate for a row already closed (verdict or expiry), kUnknown when no
//   such escalation was ever recorded here. A closed row drops its payload (bounded size).
// - PendingCount() counts the open rows.
// Failure: Open() returns kNotFound (cannot open/create) or kDataLoss (not a database); later
// I/O failures come back as kInternal.
// Thread-safety: all methods are thread-safe (one connection behind a mutex): the track thread
// adds, the transport thread resolves, the deadline worker re-sends and expires.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "edgesight/status.h"

struct sqlite3;

namespace es {

struct PendingEscalation {
  std::string id;
  std::string stream;
  std::string event_id;
  int track_id = 0;
  int class_id = 0;
  std::string reason;
  int64_t created_unix_ms = 0;
  int64_t deadline_unix_ms = 0;
  int attempt = 1;
  int max_attempts = 1;
  int64_t deadline_ms = 0;  // per attempt
  std::string payload;      // the framed escalation of the latest attempt (Due() only)
};

enum class ResolveOutcome { kApplied, kDuplicate, kUnknown };

class EscalationStore {
 public:
  static std::string PathFor(const std::string& outbox_path) {
    return outbox_path + ".escalations";
  }
  static Result<std::unique_ptr<EscalationStore>> Open(const std::string& path);
  ~EscalationStore();
  EscalationStore(const EscalationStore&) = delete;
  EscalationStore& operator=(const EscalationStore&) = delete;

  Status Add(const PendingEscalation& e);
  Result<std::vector<PendingEscalation>> Due(int64_t now_unix_ms);
  Status Resend(const std::string& id, int attempt, int64_t deadline_unix_ms,
                const std::string& payload);
  // True when the row was pending (it is now expired).
  Result<bool> Expire(const std::string& id);
  // The row as it was (payload empty) in *row when it exists.
  Result<ResolveOutcome> Resolve(const std::string& id, const std::string& verdict,
                                 PendingEscalation* row);
  int64_t PendingCount();
  // The earliest deadline of a pending row, or INT64_MAX.
  int64_t NextDeadline();

 private:
  explicit EscalationStore(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace es
