#include "record/clip_retention.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <regex>

namespace es {
namespace fs = std::filesystem;

std::string SanitizeStreamName(const std::string& stream) {
  if (stream.empty()) return "stream";
  std::string s = stream;
  for (char& c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) c = '-';
  }
  return s;
}

std::string ClipFileName(const std::string& stream, std::chrono::system_clock::time_point t,
                         uint64_t n, const std::string& ext) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02d.%03dZ_%06llu", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count() % 1000), static_cast<unsigned long long>(n));
  return "clip_" + SanitizeStreamName(stream) + "_" + buf + "." + ext;
}

std::optional<std::string> ParseClipFileName(const std::string& name) {
  static const std::regex kPattern(
      R"(^clip_([A-Za-z0-9.-]+)_[0-9]{8}T[0-9]{6}\.[0-9]{3}Z_[0-9]{6,}\.(mp4|mkv|ts)$)");
  std::smatch m;
  if (!std::regex_match(name, m, kPattern)) return std::nullopt;
  return m[1].str();
}

Result<std::vector<ClipFile>> ListClips(const std::string& dir) {
  std::vector<ClipFile> clips;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Unavailable("cannot list '" + dir + "': " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Unavailable("cannot list '" + dir + "': " + ec.message());
    const std::string name = it->path().filename().string();
    if (!ParseClipFileName(name)) continue;
    std::error_code e1, e2, e3;
    if (!it->is_regular_file(e1) || e1) continue;
    const auto size = it->file_size(e2);
    const auto mtime = it->last_write_time(e3);
    if (e2 || e3) continue;  // vanished meanwhile
    clips.push_back(ClipFile{name, static_cast<int64_t>(size), mtime});
  }
  std::sort(clips.begin(), clips.end(), [](const ClipFile& a, const ClipFile& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
  });
  return clips;
}

Result<int64_t> FileSystemFreeBytes(const std::string& dir) {
  struct statvfs s {};
  if (statvfs(dir.c_str(), &s) != 0) {
    return Unavailable("cannot stat the file system of '" + dir + "': " + std::strerror(errno));
  }
  return static_cast<int64_t>(s.f_bavail) * static_cast<int64_t>(s.f_frsize);
}

Result<RetentionResult> ApplyRetention(const std::string& dir, const RetentionPolicy& policy,
                                       const FreeBytesFn& free_bytes) {
  ES_ASSIGN_OR_RETURN(std::vector<ClipFile> clips, ListClips(dir));
  RetentionResult r;
  int64_t total = 0;
  for (const ClipFile& c : clips) total += c.bytes;
  const auto now = fs::file_time_type::clock::now();
  std::optional<int64_t> free;
  if (free_bytes) {
    Result<int64_t> f = free_bytes(dir);
    if (f.ok()) free = *f;
  }
  size_t i = 0;
  auto remove_oldest = [&]() {
    const ClipFile& c = clips[i++];
    std::error_code ec;
    const bool removed = fs::remove(fs::path(dir) / c.name, ec);
    if (ec) {
      ++r.failed;
      return;
    }
    total -= c.bytes;
    if (free) *free += c.bytes;
    if (removed) {  // else someone else removed it: no longer ours to count
      ++r.deleted;
      r.bytes_deleted += c.bytes;
      r.deleted_names.push_back(c.name);
    }
  };
  const auto max_age = std::chrono::duration_cast<fs::file_time_type::duration>(
      std::chrono::duration<double>(policy.max_age_s));
  while (i < clips.size() && policy.max_age_s > 0 && now - clips[i].mtime > max_age) {
    remove_oldest();
  }
  while (i < clips.size() && total + policy.reserve_bytes > policy.quota_bytes) remove_oldest();
  while (i < clips.size() && free && *free < policy.min_free_bytes) remove_oldest();
  r.kept = static_cast<int64_t>(clips.size() - i);
  r.bytes_kept = total;
  if (free_bytes && r.deleted > 0) {  // measure again: deleting may free less than the size
    Result<int64_t> f = free_bytes(dir);
    if (f.ok()) free = *f;
  }
  r.free_bytes = free;
  return r;
}

}  // namespace es
