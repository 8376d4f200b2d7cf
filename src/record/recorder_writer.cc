// Recorder, the writer thread's side: muxing clips, renaming them into place, retention,
// degrading and recovering. Nothing here runs on the capture or track thread.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "record/recorder.h"

namespace es {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kFreeCheckEveryBytes = kMiB;

std::string MiB(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return buf;
}

}  // namespace

// ---- writer thread --------------------------------------------------------------------------

void Recorder::WriterLoop() {
  using Clock = std::chrono::steady_clock;
  const auto retention_every = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options_.retention_interval_s));
  auto next_retention = Clock::now() + retention_every;
  while (true) {
    const auto now = Clock::now();
    if (now >= next_retention || (degraded_ && now >= next_probe_)) {
      const bool probe = degraded_ && now >= next_probe_;
      if (now >= next_retention) {
        RunRetention(writer_ ? writer_->bytes() : 0);
        next_retention = Clock::now() + retention_every;
      }
      if (probe) Probe();
      continue;
    }
    auto deadline = next_retention;
    if (degraded_) deadline = std::min(deadline, next_probe_);
    std::optional<Job> job = jobs_.PopUntil(deadline);
    if (!job) {
      if (jobs_.closed()) break;  // finishing, and every job is handled
      continue;                   // a timer is due
    }
    bool abandon = false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (job->kind == Job::kPacket) queue_bytes_ -= job->packet->size;
      abandon = abandon_;
      if (abandon) {
        if (job->kind == Job::kPacket) ++stats_.packets_dropped;
        if (job->kind == Job::kOpen) ++stats_.clips_abandoned;
      }
    }
    if (!abandon) {
      HandleJob(*job);
    } else if (writer_ && (job->kind == Job::kClose || job->kind == Job::kOpen)) {
      writer_->Abort();
      writer_.reset();
      std::lock_guard<std::mutex> lk(mu_);
      ++stats_.clips_abandoned;
    }
    job.reset();  // release the packet before saying it is done
    jobs_.TaskDone();
  }
  if (writer_) {  // abandoned mid-clip
    writer_->Abort();
    writer_.reset();
    std::lock_guard<std::mutex> lk(mu_);
    ++stats_.clips_abandoned;
  }
}

void Recorder::HandleJob(Job& job) {
  switch (job.kind) {
    case Job::kOpen: {
      if (writer_) {  // cannot happen (every Open is preceded by its previous clip's Close)
        writer_->Abort();
        writer_.reset();
      }
      writer_clip_ = job.clip;
      writer_name_ = job.name;
      free_checked_at_ = 0;
      if (degraded_ || !CheckSpaceForWrite(0, true)) {
        std::lock_guard<std::mutex> lk(mu_);
        ++stats_.clips_failed;
        return;
      }
      const fs::path final_path = fs::path(options_.dir) / job.name;
      std::error_code ec;
      if (fs::exists(final_path, ec)) {
        std::lock_guard<std::mutex> lk(mu_);
        ++stats_.clips_failed;  // a name clash is not a disk problem: skip this clip only
        return;
      }
      Result<std::unique_ptr<ClipWriter>> w =
          ClipWriter::Open(final_path.string() + ".part", options_.container, job.info);
      if (!w.ok()) {
        {
          std::lock_guard<std::mutex> lk(mu_);
          ++stats_.clips_failed;
        }
        Degrade(w.status().message());
        return;
      }
      writer_ = std::move(w).value();
      return;
    }
    case Job::kPacket: {
      if (!writer_ || job.clip != writer_clip_) {
        std::lock_guard<std::mutex> lk(mu_);
        ++stats_.packets_dropped;  // its clip failed
        return;
      }
      const Status s = writer_->Write(*job.packet);
      if (!s.ok()) {
        FailClip(s.message());
        return;
      }
      {
        std::lock_guard<std::mutex> lk(mu_);
        ++stats_.packets_written;
      }
      const int64_t bytes = writer_->bytes();
      const bool check_free = bytes - free_checked_at_ >= kFreeCheckEveryBytes;
      if (check_free) free_checked_at_ = bytes;
      if ((dir_bytes_ + bytes > options_.quota_bytes || check_free) &&
          !CheckSpaceForWrite(bytes, check_free)) {
        FailClip("");  // CheckSpaceForWrite set the reason
      }
      return;
    }
    case Job::kClose: {
      if (!writer_ || job.clip != writer_clip_) return;
      std::unique_ptr<ClipWriter> w = std::move(writer_);
      const Status s = w->Finish();
      const int64_t bytes = w->bytes();
      w.reset();
      const fs::path final_path = fs::path(options_.dir) / writer_name_;
      const std::string part = final_path.string() + ".part";
      std::error_code ec;
      if (s.ok()) fs::rename(part, final_path, ec);
      if (!s.ok() || ec) {
        fs::remove(part, ec);
        {
          std::lock_guard<std::mutex> lk(mu_);
          ++stats_.clips_failed;
        }
        Degrade(!s.ok() ? s.message() : "clip '" + part + "': cannot rename: " + ec.message());
        return;
      }
      {
        std::lock_guard<std::mutex> lk(mu_);
        ++stats_.clips_written;
        stats_.bytes_written += bytes;
      }
      RunRetention(0);
      return;
    }
  }
}

void Recorder::FailClip(const std::string& reason) {
  if (writer_) {
    writer_->Abort();
    writer_.reset();
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++stats_.clips_failed;
  }
  if (!reason.empty()) Degrade(reason);
}

void Recorder::Degrade(const std::string& reason) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!degraded_) ++stats_.degraded_count;
  degraded_ = true;
  stats_.degraded_reason = OneLine(reason);
  next_probe_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(options_.retry_s));
}

bool Recorder::Probe() {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  const std::string probe =
      (fs::path(options_.dir) /
       (".recorder_probe_" + std::to_string(getpid()) + "_" + SanitizeStreamName(stream_)))
          .string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (ec || fd < 0) {
    Degrade("recording.dir '" + options_.dir +
            "': cannot write: " + (ec ? ec.message() : std::string(std::strerror(errno))));
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  if (!CheckSpaceForWrite(0, true)) return false;
  std::lock_guard<std::mutex> lk(mu_);
  degraded_ = false;
  return true;
}

void Recorder::RunRetention(int64_t reserve_bytes) {
  RetentionPolicy policy;
  policy.quota_bytes = options_.quota_bytes;
  policy.max_age_s = options_.max_age_s;
  policy.min_free_bytes = options_.min_free_bytes;
  policy.reserve_bytes = reserve_bytes;
  Result<RetentionResult> r = ApplyRetention(options_.dir, policy, env_.free_bytes);
  if (!r.ok()) return;  // the next clip's open reports what is wrong with the directory
  dir_bytes_ = r->bytes_kept;
  std::lock_guard<std::mutex> lk(mu_);
  stats_.clips_deleted += r->deleted;
  stats_.bytes_deleted += r->bytes_deleted;
  stats_.dir_clip_bytes = r->bytes_kept;
}

bool Recorder::CheckSpaceForWrite(int64_t current_bytes, bool check_free) {
  auto free_ok = [&](int64_t* free) {
    Result<int64_t> f = env_.free_bytes(options_.dir);
    if (!f.ok()) return true;  // unknown: the write itself will tell
    *free = *f;
    return *f >= options_.min_free_bytes;
  };
  int64_t free = 0;
  const bool quota_ok = dir_bytes_ + current_bytes <= options_.quota_bytes;
  if (quota_ok && (!check_free || free_ok(&free))) return true;
  RunRetention(current_bytes);  // oldest clips go first
  if (current_bytes > options_.quota_bytes) {
    Degrade("clip '" + writer_name_ + "' reached " + MiB(current_bytes) +
            ", more than recording.quota_bytes (" + MiB(options_.quota_bytes) + ")");
    return false;
  }
  if (check_free && !free_ok(&free)) {
    Degrade("disk full: " + MiB(free) + " free in '" + options_.dir +
            "' and no clip left to delete (recording.min_free_bytes is " +
            MiB(options_.min_free_bytes) + ")");
    return false;
  }
  return true;
}

}  // namespace es
