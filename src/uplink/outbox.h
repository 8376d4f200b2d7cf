// Outbox: a durable, ordered log of messages waiting to be uplinked (SQLite, WAL mode).
//
// Contract
// - Append() commits the entry durably and returns its sequence number before the caller tells
//   anyone else about the message ("commit before publish"). Sequence numbers are strictly
//   increasing and never reused, also across restarts and after deletes (AUTOINCREMENT).
// - Peek() returns the oldest unacknowledged entries in sequence order; Ack() deletes them
//   (acknowledging an already deleted sequence is not an error: duplicates of a PUBACK happen).
// - NextEventCounter(name) is a monotonic counter that survives restarts, for globally unique
//   event ids (device + stream + counter).
//
// Durability policy
// - journal_mode=WAL, synchronous=FULL: every Append/Ack/NextEventCounter is one transaction whose
//   COMMIT fsyncs the WAL before returning, so a committed entry survives a process crash
//   (SIGKILL) and a power loss (as far as the disk honours fsync). A crash before COMMIT returns
//   leaves no trace of the entry (the caller never got a sequence number for it).
// - The on-disk format (table `outbox`, `counters`, `meta.format=1`) is documented in outbox.cc.
//
// Size bound policy (OutboxOptions::max_bytes, entry size = topic + payload + message id bytes)
// - Priority: event > status > crop. To make room for a new entry, the outbox deletes, oldest
//   first, crops, then status entries, then (only for a new event) the oldest events. An entry
//   never evicts an entry of higher priority: a new crop (or status) that does not fit after
//   evicting lower-or-equal priority entries is refused with kUnavailable ("outbox full").
//   Every evicted or refused entry is counted in OutboxStats::dropped (persisted).
// - An entry larger than max_bytes on its own is refused with kInvalidArgument.
//
// Thread-safety: all methods are thread-safe (one SQLite connection guarded by a mutex); the
// intended use is one writer thread (the pipeline) and one publisher thread.
// Failure: Open() returns kNotFound when the file cannot be opened/created (missing directory,
// no permission) and kDataLoss when the file is not a valid outbox database (corrupt, not
// SQLite). Later I/O failures are returned as kInternal (kDataLoss for corruption).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/time.h"

struct sqlite3;

namespace es {

enum class OutboxKind : int { kEvent = 0, kCrop = 1, kStatus = 2 };
inline constexpr int kOutboxKindCount = 3;
const char* OutboxKindName(OutboxKind kind);

// Wall clock in microseconds since the Unix epoch (entries outlive the process, so their
// creation time is wall time, not steady time).
int64_t WallNowMicros();

struct OutboxEntry {
  int64_t seq = 0;
  OutboxKind kind = OutboxKind::kEvent;
  std::string topic;
  std::string payload;  // opaque bytes (JSON for events/status, JPEG for crops)
  std::string message_id;
  int64_t created_unix_us = 0;
};

struct OutboxOptions {
  // Size bound over all entries (topic + payload + message id bytes); see policy above.
  int64_t max_bytes = 256LL * 1024 * 1024;
  // How long a statement waits for a lock held by another connection (another process).
  int busy_timeout_ms = 5000;
};

struct OutboxStats {
  int64_t depth = 0;                                  // entries not yet acknowledged
  std::array<int64_t, kOutboxKindCount> count{};      // per kind, waiting
  std::array<int64_t, kOutboxKindCount> bytes{};      // per kind, waiting
  std::array<int64_t, kOutboxKindCount> dropped{};    // per kind, evicted or refused (persisted)
  int64_t total_bytes() const { return bytes[0] + bytes[1] + bytes[2]; }
};

class Outbox {
 public:
  static Result<std::unique_ptr<Outbox>> Open(const std::string& path,
                                              const OutboxOptions& options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Commits one entry durably; returns its sequence number. See the size policy above.
  Result<int64_t> Append(OutboxKind kind, std::string_view topic, std::string_view payload,
                         std::string_view message_id, int64_t created_unix_us = WallNowMicros());

  // Up to n oldest unacknowledged entries with seq > after_seq, in sequence order.
  Result<std::vector<OutboxEntry>> Peek(size_t n, int64_t after_seq = 0);

  // Deletes the entry (no error if it is already gone).
  Status Ack(int64_t seq);
  // Deletes several entries in one durable transaction.
  Status AckMany(const std::vector<int64_t>& seqs);

  int64_t Depth();
  // Age of the oldest unacknowledged entry at wall time `now_unix_us`; zero when empty.
  Duration OldestAge(int64_t now_unix_us = WallNowMicros());
  OutboxStats Stats();

  // Increments and returns the persistent counter `name` (first call returns 1).
  Result<int64_t> NextEventCounter(std::string_view name = "event");

  const std::string& path() const { return path_; }

 private:
  Outbox(sqlite3* db, std::string path, const OutboxOptions& options);
  Status LoadStateLocked();
  Status ExecLocked(const char* sql);
  // Evicts entries so that `need` more bytes fit; returns kUnavailable if they cannot.
  Status MakeRoomLocked(OutboxKind kind, int64_t need);
  Status DeleteLocked(int64_t seq, OutboxKind kind, int64_t size, bool dropped);
  Status AddCounterLocked(const std::string& name, int64_t delta, int64_t* value);

  std::mutex mu_;
  sqlite3* db_ = nullptr;
  std::string path_;
  OutboxOptions options_;
  OutboxStats stats_;  // mirror of the database, kept under mu_
};

}  // namespace es
