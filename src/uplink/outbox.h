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
// - The on-disk format (tables `outbox`, `counters`, `sent`, `sources`, `meta.format=1`) is
//   documented in outbox.cc. Tables added after the first release (`sent`, `sources`) are
//   created on open, so an older outbox file upgrades in place and keeps its entries.
//
// Bandwidth accounting (see bandwidth_budget.h for what a "wire byte" is)
// - AckMany() deletes the acknowledged entries and adds their wire bytes and message counts to
//   table `sent` under (kind, UTC hour of now_unix_us) in the SAME transaction: an entry is
//   counted exactly once, and the counts survive restarts. RecordSent() adds messages that never
//   were outbox entries (the publisher's status messages). SentInHour/SentByHour/SentTotal read
//   it back.
//
// Source cost accounting (for `edgesight uplink-stats`)
// - AddSourceUsage() adds, per stream, the seconds of video processed and the encoded bytes the
//   source delivered (sum of packet sizes), and records the latest width/height/fps/codec, so
//   the report can compare bytes uplinked per camera-hour with the raw stream's.
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
constexpr unsigned KindBit(OutboxKind kind) { return 1u << static_cast<int>(kind); }
inline constexpr unsigned kAllKinds = (1u << kOutboxKindCount) - 1;

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
  // Open an existing outbox for reading only (reports): never creates or changes the file;
  // a missing file is kNotFound; every mutating call returns kInvalidArgument.
  bool read_only = false;
};

// Wire bytes and messages per kind acknowledged in one UTC hour (hour = UnixHour(t)); for
// SentTotal() hour is -1.
struct SentBytes {
  int64_t hour = -1;
  std::array<int64_t, kOutboxKindCount> bytes{};
  std::array<int64_t, kOutboxKindCount> messages{};
  int64_t total_bytes() const { return bytes[0] + bytes[1] + bytes[2]; }
};

// What one stream's source delivered (a delta for AddSourceUsage, a running sum when read).
struct SourceUsage {
  std::string stream;
  double seconds = 0;         // seconds of video processed (media time)
  int64_t encoded_bytes = 0;  // sum of the encoded packet sizes the source delivered
  int width = 0, height = 0;  // latest known geometry (0 = unknown)
  double fps = 0;             // latest known nominal frame rate (0 = unknown)
  std::string codec;          // FFmpeg codec name ("h264", "hevc", "mpeg4", ...; "" = unknown)
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

  // Commits every record and raises each named counter to at least its value, in ONE durable
  // transaction (one fsync for a whole decision frame). The size policy applies to each record
  // as in Append: a record refused for space is counted as dropped and gets seq -1, the others
  // are committed. A record larger than max_bytes fails the whole batch (kInvalidArgument).
  // Returns the seqs in record order.
  Result<std::vector<int64_t>> AppendBatch(
      const std::vector<OutboxEntry>& records,
      const std::vector<std::pair<std::string, int64_t>>& counters_at_least = {},
      int64_t created_unix_us = WallNowMicros());

  // Up to n oldest unacknowledged entries with seq > after_seq, in sequence order.
  Result<std::vector<OutboxEntry>> Peek(size_t n, int64_t after_seq = 0);
  // As Peek, restricted to the kinds in `kind_mask` (bit 1 << kind) and to seq <= max_seq.
  Result<std::vector<OutboxEntry>> PeekKinds(size_t n, int64_t after_seq, unsigned kind_mask,
                                             int64_t max_seq = INT64_MAX);

  // Deletes the entry (no error if it is already gone) and accounts its wire bytes.
  Status Ack(int64_t seq, int64_t now_unix_us = WallNowMicros());
  // Deletes several entries in one durable transaction and adds the wire bytes of those that
  // were still there to the hour of now_unix_us (see "Bandwidth accounting").
  Status AckMany(const std::vector<int64_t>& seqs, int64_t now_unix_us = WallNowMicros());

  // Accounts a message that was not an outbox entry (one durable transaction).
  Status RecordSent(OutboxKind kind, int64_t wire_bytes, int64_t now_unix_us = WallNowMicros());
  // Bytes acknowledged in one hour (zeros when none).
  Result<SentBytes> SentInHour(int64_t hour);
  // Hours in [from_hour, to_hour] with any traffic, oldest first.
  Result<std::vector<SentBytes>> SentByHour(int64_t from_hour, int64_t to_hour);
  // Sum over all hours.
  Result<SentBytes> SentTotal();

  // Adds seconds and encoded_bytes to the stream's running sums and overwrites its geometry,
  // fps and codec with the non-empty values of `delta` (one durable transaction).
  Status AddSourceUsage(const SourceUsage& delta);
  // Every stream's running sums, ordered by stream name.
  Result<std::vector<SourceUsage>> SourceUsages();

  int64_t Depth();
  // Age of the oldest unacknowledged entry at wall time `now_unix_us`; zero when empty.
  Duration OldestAge(int64_t now_unix_us = WallNowMicros());
  OutboxStats Stats();
  // Why the last Append/AppendBatch failed to commit (disk full, I/O error); "" once one has
  // succeeded since. A record refused as invalid by the caller's mistake does not count.
  std::string LastWriteError();

  // Increments and returns the persistent counter `name` (first call returns 1).
  Result<int64_t> NextEventCounter(std::string_view name = "event");
  // The persistent counter's value (0 when never used); names "outbox.*" are reserved.
  Result<int64_t> CounterValue(std::string_view name);

  const std::string& path() const { return path_; }

 private:
  Outbox(sqlite3* db, std::string path, const OutboxOptions& options);
  Status LoadStateLocked();
  Status ExecLocked(const char* sql);
  // Evicts entries so that `need` more bytes fit; returns kUnavailable if they cannot.
  Status MakeRoomLocked(OutboxKind kind, int64_t need);
  Result<int64_t> InsertLocked(OutboxKind kind, std::string_view topic, std::string_view payload,
                               std::string_view message_id, int64_t created_unix_us,
                               int64_t size);
  // Rolls the open transaction back, reloads the in-memory mirror, and returns s.
  Status RollbackLocked(Status s);
  Status DeleteLocked(int64_t seq, OutboxKind kind, int64_t size, bool dropped);
  Status AddCounterLocked(const std::string& name, int64_t delta, int64_t* value);
  Status AddSentLocked(OutboxKind kind, int64_t hour, int64_t bytes, int64_t messages);
  Status CheckWritable() const;

  std::mutex mu_;
  std::string write_error_;  // see LastWriteError()
  sqlite3* db_ = nullptr;
  std::string path_;
  OutboxOptions options_;
  OutboxStats stats_;  // mirror of the database, kept under mu_
  bool has_accounting_ = true;  // tables `sent` and `sources` exist (false: old read-only file)
};

}  // namespace es
