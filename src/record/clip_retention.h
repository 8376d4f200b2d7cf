// Clip names and retention: which files of the recording directory are clips, and deleting the
// oldest of them by quota, age and free space.
//
// Contract
// - A clip's file name is clip_<stream>_<UTC YYYYmmddTHHMMSS.mmm>Z_<n, >= 6 digits>.<ext> with
//   ext mp4, mkv or ts; <stream> is the stream id with every character outside [A-Za-z0-9.-]
//   replaced by '-'. While written it is named <clip>.part. Only names that match this pattern
//   exactly are ever deleted: events, metadata, databases and anything else in the directory
//   are never touched (the outbox keeps events until they are uplinked; retention cannot
//   evict them).
// - ApplyRetention() lists the completed clips, oldest first (modification time, then name),
//   and deletes, oldest first: every clip older than max_age_s (when > 0), then clips while
//   their total plus reserve_bytes exceeds quota_bytes, then clips while the file system has
//   less than min_free_bytes free (free space from `free_bytes`; skipped when it fails).
// Failure: a clip that cannot be deleted is skipped and counted in failed; a directory that
// cannot be listed gives kUnavailable. Never throws.
// Thread-safety: free functions; concurrent callers on one directory may race on the same file
// (a vanished file counts as deleted by someone else, not as a failure).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "edgesight/status.h"

namespace es {

// "cam/0" -> "cam-0"; an empty id gives "stream".
std::string SanitizeStreamName(const std::string& stream);
// clip_<stream>_<time>Z_<n>.<ext>
std::string ClipFileName(const std::string& stream, std::chrono::system_clock::time_point t,
                         uint64_t n, const std::string& ext);
// The <stream> part when `name` is a clip file name (without .part), else nullopt.
std::optional<std::string> ParseClipFileName(const std::string& name);

struct ClipFile {
  std::string name;
  int64_t bytes = 0;
  std::filesystem::file_time_type mtime;
};

// Completed clips of `dir`, oldest first.
Result<std::vector<ClipFile>> ListClips(const std::string& dir);

using FreeBytesFn = std::function<Result<int64_t>(const std::string& dir)>;
// statvfs: bytes available to an unprivileged user.
Result<int64_t> FileSystemFreeBytes(const std::string& dir);

struct RetentionPolicy {
  int64_t quota_bytes = 0;
  double max_age_s = 0;  // 0 = no limit
  int64_t min_free_bytes = 0;
  int64_t reserve_bytes = 0;  // bytes of a clip being written, counted against the quota
};

struct RetentionResult {
  int64_t deleted = 0;
  int64_t bytes_deleted = 0;
  int64_t failed = 0;
  int64_t kept = 0;
  int64_t bytes_kept = 0;             // completed clips left
  std::optional<int64_t> free_bytes;  // after deleting, when known
  std::vector<std::string> deleted_names;
};

Result<RetentionResult> ApplyRetention(const std::string& dir, const RetentionPolicy& policy,
                                       const FreeBytesFn& free_bytes);

}  // namespace es
