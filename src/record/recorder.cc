#include "record/recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace es {
namespace fs = std::filesystem;
namespace {

// A packet clock that jumps back by more than this, or forward by more than kMaxGapUs, is a
// discontinuity (a live reconnect): cut the clip, restart the ring.
constexpr int64_t kMaxBackUs = 1'000'000;
constexpr int64_t kMaxGapUs = 10'000'000;

int64_t Us(double seconds) { return static_cast<int64_t>(seconds * 1e6); }

const char* ModeName(int m) {
  switch (m) {
    case 1:
      return "copy";
    case 2:
      return "reencode";
    case 3:
      return "off";
    default:
      return "waiting";
  }
}

}  // namespace

nlohmann::json RecorderStats::ToJson() const {
  nlohmann::json j = {{"mode", mode},
                      {"codec", codec},
                      {"clips_started", clips_started},
                      {"clips_written", clips_written},
                      {"clips_failed", clips_failed},
                      {"clips_abandoned", clips_abandoned},
                      {"bytes_written", bytes_written},
                      {"packets_written", packets_written},
                      {"packets_dropped", packets_dropped},
                      {"ring_packets", ring_packets},
                      {"ring_bytes", ring_bytes},
                      {"frames_encoded", frames_encoded},
                      {"frames_dropped", frames_dropped},
                      {"clips_deleted", clips_deleted},
                      {"bytes_deleted", bytes_deleted},
                      {"dir_clip_bytes", dir_clip_bytes},
                      {"degraded", degraded},
                      {"degraded_count", degraded_count}};
  if (!degraded_reason.empty()) j["degraded_reason"] = degraded_reason;
  if (!off_reason.empty()) j["off_reason"] = off_reason;
  return j;
}

Recorder::Recorder(RecordingOptions options, std::string stream, RecorderEnv env)
    : options_(std::move(options)),
      stream_(std::move(stream)),
      ext_(options_.container),
      env_(std::move(env)),
      ring_(Duration::Seconds(options_.pre_event_s + options_.ring_margin_s),
            options_.ring_max_bytes),
      jobs_("recorder", BoundedQueue<Job>::kUnbounded, QueuePolicy::kBlock),
      frames_("encoder", static_cast<size_t>(options_.encode_queue_frames),
              QueuePolicy::kDropOldest) {
  if (!env_.free_bytes) env_.free_bytes = FileSystemFreeBytes;
}

Result<std::shared_ptr<Recorder>> Recorder::Create(RecordingOptions options, std::string stream,
                                                   RecorderEnv env) {
  ES_RETURN_IF_ERROR(ValidateRecordingOptions(options));
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec || !fs::is_directory(options.dir)) {
    // A configuration problem, like an outbox that cannot be opened: exit 2, no service restart.
    return InvalidArgument("recording.dir '" + options.dir + "': cannot create the directory: " +
                           (ec ? ec.message() : std::string("not a directory")));
  }
  std::shared_ptr<Recorder> r(new Recorder(std::move(options), std::move(stream), std::move(env)));
  // Leftovers of a crash: this stream's partial clips (never another stream's: it may be
  // writing them right now).
  const std::string me = SanitizeStreamName(r->stream_);
  for (fs::directory_iterator it(r->options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    constexpr std::string_view kPart = ".part";
    if (name.size() <= kPart.size() ||
        name.compare(name.size() - kPart.size(), kPart.size(), kPart) != 0) {
      continue;
    }
    const auto owner = ParseClipFileName(name.substr(0, name.size() - kPart.size()));
    if (owner && *owner == me) {
      std::error_code rm;
      fs::remove(it->path(), rm);
    }
  }
  r->RunRetention(0);
  r->writer_thread_.Start("es-rec-writer", [rec = r.get()] { rec->WriterLoop(); });
  return r;
}

Recorder::~Recorder() { Finish(); }

// ---- inputs -------------------------------------------------------------------------------

void Recorder::OnPacket(const AVPacket& packet, const AVStream& stream) {
  const Mode m = mode_.load(std::memory_order_relaxed);
  if (m == Mode::kReencode || m == Mode::kOff || stream.codecpar == nullptr) return;
  std::lock_guard<std::mutex> lk(mu_);
  if (finishing_) return;
  if (!source_info_ ||
      !source_info_->Matches(*stream.codecpar, stream.time_base, stream.start_time)) {
    auto info = PacketStreamInfo::From(*stream.codecpar, stream.time_base, stream.start_time);
    if (!info) return;
    source_info_ = info;
    if (!info->copyable()) {
      if (mode_ == Mode::kCopy) {  // the stream changed codec: its packets cannot continue
        CloseClipLocked();
        ring_.Clear();
      }
      if (options_.reencode) {
        mode_ = Mode::kReencode;
      } else {
        SetOffLocked("source codec " + info->codec_name() +
                     " cannot be stream-copied and recording.reencode is false");
      }
      return;
    }
    if (mode_ == Mode::kWaiting) mode_ = Mode::kCopy;
    stats_.codec = info->codec_name();
  }
  if (mode_ != Mode::kCopy) return;
  int64_t ts = packet.pts != AV_NOPTS_VALUE ? packet.pts : packet.dts;
  int64_t dts = packet.dts != AV_NOPTS_VALUE ? packet.dts : ts;
  int64_t t_us, dts_us;
  if (ts == AV_NOPTS_VALUE) {  // no timestamps at all: continue the clock by the last step
    dts_us = t_us = last_dts_us_ == INT64_MIN ? 0 : last_dts_us_ - clock_offset_us_ + last_step_us_;
  } else {
    t_us = source_info_->ToMicros(ts);
    dts_us = source_info_->ToMicros(dts);
  }
  IngestLocked(packet, source_info_, t_us, dts_us);
}

void Recorder::OnFrame(const Frame& frame) {
  const Mode m = mode_.load(std::memory_order_relaxed);
  if (m == Mode::kCopy || m == Mode::kOff || frame.image.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  if (finishing_) return;
  if (mode_ == Mode::kWaiting) {
    if (!options_.reencode) {
      SetOffLocked("the source gives no stream-copyable packets and recording.reencode is false");
      return;
    }
    mode_ = Mode::kReencode;
  }
  if (mode_ != Mode::kReencode) return;
  if (last_frame_pts_ != INT64_MIN && frame.meta.pts_us > last_frame_pts_) {
    const double fps = 1e6 / static_cast<double>(frame.meta.pts_us - last_frame_pts_);
    fps_hint_ = fps_hint_ <= 0 ? fps : 0.9 * fps_hint_ + 0.1 * fps;
  }
  last_frame_pts_ = frame.meta.pts_us;
  encoder_.Start("es-rec-encoder", [this] { EncoderLoop(); });                   // once
  if (frames_.Offer(frame) == Offered::kDroppedOldest) ++stats_.frames_dropped;  // shares pixels
}

void Recorder::OnEvents(std::vector<Event>* events) {
  if (events == nullptr || events->empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  if (finishing_) return;
  const int64_t pre = Us(options_.pre_event_s), post = Us(options_.post_event_s);
  for (Event& e : *events) {
    const int64_t t = e.t.us;
    const std::string episode = e.start_id.empty() ? e.id : e.start_id;
    switch (e.phase) {
      case EventPhase::kStart:
      case EventPhase::kUpdate:
        if (clip_) {
          clip_->episodes.insert(episode);
        } else {
          StartClipLocked(t - pre, {episode}, true);
        }
        break;
      case EventPhase::kInstant:
        if (!clip_) StartClipLocked(t - pre, {}, true);
        if (clip_) clip_->pending_end_us = std::max(clip_->pending_end_us, t + post);
        break;
      case EventPhase::kEnd:
        if (clip_) {
          clip_->episodes.erase(episode);
          clip_->pending_end_us = std::max(clip_->pending_end_us, t + post);
        }
        break;
    }
    e.clip = degraded_ || mode_ == Mode::kOff ? std::string() : NameForLocked(t);
  }
  if (clip_ && clip_->episodes.empty() && clip_->pending_end_us != INT64_MIN &&
      last_dts_us_ != INT64_MIN && last_dts_us_ >= clip_->pending_end_us) {
    CloseClipLocked();
  }
}

// ---- clip state (mu_ held) ------------------------------------------------------------------

void Recorder::IngestLocked(const AVPacket& packet,
                            const std::shared_ptr<const PacketStreamInfo>& info, int64_t t_us,
                            int64_t dts_us) {
  t_us += clock_offset_us_;
  dts_us += clock_offset_us_;
  if (last_dts_us_ != INT64_MIN) {
    const int64_t delta = dts_us - last_dts_us_;
    if (delta < -kMaxBackUs || delta > kMaxGapUs) {
      const int64_t shift = last_dts_us_ + last_step_us_ - dts_us;
      clock_offset_us_ += shift;
      t_us += shift;
      dts_us += shift;
      CloseClipLocked();
      ring_.Clear();
    } else if (delta > 0) {
      last_step_us_ = delta;
    }
  }
  if (info != ring_info_) {  // new stream parameters: old packets cannot share a file with these
    CloseClipLocked();
    ring_.Clear();
    ring_info_ = info;
  }
  const bool key = (packet.flags & AV_PKT_FLAG_KEY) != 0;
  ring_.Push(packet, t_us, dts_us);
  last_dts_us_ = std::max(last_dts_us_, dts_us);
  if (!clip_) return;
  if (degraded_) {
    CloseClipLocked();
    return;
  }
  ActiveClip& c = *clip_;
  if (!c.fed) {  // the clip starts later than the ring reached when it was created
    if (t_us >= c.start_us) FeedFromRingLocked();
    return;
  }
  if (key && dts_us >= c.hard_end_us) {
    if (!c.episodes.empty() || c.pending_end_us > dts_us) {  // still going: continue, no gap
      std::set<std::string> episodes = std::move(c.episodes);
      const int64_t pending = c.pending_end_us;
      CloseClipLocked();
      if (!StartClipLocked(t_us, std::move(episodes), false)) return;
      clip_->pending_end_us = pending;
    } else {
      CloseClipLocked();
      return;
    }
  } else if (c.episodes.empty() && c.pending_end_us != INT64_MIN && dts_us >= c.pending_end_us) {
    CloseClipLocked();
    return;
  }
  EnqueueLocked(*clip_, packet, key, info);
}

bool Recorder::StartClipLocked(int64_t start_us, std::set<std::string> episodes, bool from_ring) {
  if (degraded_ || mode_ == Mode::kOff || finishing_) return false;
  ActiveClip c;
  c.id = next_clip_id_++;
  c.name = ClipFileName(stream_, std::chrono::system_clock::now(), c.id, ext_);
  c.start_us = start_us;
  c.hard_end_us = start_us + Us(options_.max_clip_s);
  c.episodes = std::move(episodes);
  c.fed = !from_ring;
  clip_ = std::move(c);
  ++stats_.clips_started;
  if (from_ring && ring_info_ && !ring_.empty() && ring_.newest_us() >= start_us) {
    FeedFromRingLocked();
  }
  return true;
}

void Recorder::FeedFromRingLocked() {
  clip_->fed = true;
  if (!ring_info_) return;
  std::vector<RingPacket> packets = ring_.CopyFrom(clip_->start_us);
  for (RingPacket& p : packets) EnqueueLocked(*clip_, *p.packet, p.key, ring_info_);
}

void Recorder::EnqueueLocked(ActiveClip& clip, const AVPacket& packet, bool key,
                             const std::shared_ptr<const PacketStreamInfo>& info) {
  if (!clip.opened) {
    if (!key) return;  // a clip starts at a keyframe
    Job open;
    open.kind = Job::kOpen;
    open.clip = clip.id;
    open.name = clip.name;
    open.info = info;
    PushJobLocked(std::move(open));
    clip.opened = true;
  }
  if (clip.need_key && !key) {
    ++stats_.packets_dropped;
    return;
  }
  if (queue_bytes_ + packet.size > options_.queue_max_bytes) {
    ++stats_.packets_dropped;
    clip.need_key = true;
    return;
  }
  PacketPtr ref = ClonePacket(packet);
  if (!ref) {
    ++stats_.packets_dropped;
    clip.need_key = true;
    return;
  }
  clip.need_key = false;
  queue_bytes_ += packet.size;
  Job job;
  job.kind = Job::kPacket;
  job.clip = clip.id;
  job.packet = std::move(ref);
  PushJobLocked(std::move(job));
}

void Recorder::CloseClipLocked() {
  if (!clip_) return;
  if (clip_->opened) {
    Job close;
    close.kind = Job::kClose;
    close.clip = clip_->id;
    PushJobLocked(std::move(close));
  }
  last_closed_ = ClosedClip{clip_->name, clip_->start_us, last_dts_us_};
  clip_.reset();
}

void Recorder::PushJobLocked(Job job) { jobs_.Push(std::move(job)); }

std::string Recorder::NameForLocked(int64_t t_us) const {
  if (clip_ && t_us >= clip_->start_us) return clip_->name;
  if (last_closed_ && t_us >= last_closed_->start_us && t_us <= last_closed_->end_us) {
    return last_closed_->name;
  }
  return clip_ ? clip_->name : std::string();
}

void Recorder::SetOffLocked(const std::string& reason) {
  mode_ = Mode::kOff;
  stats_.off_reason = reason;
  CloseClipLocked();
  ring_.Clear();
  frames_.Drain();
}

// ---- encoder thread -------------------------------------------------------------------------

void Recorder::EncoderLoop() {
  std::unique_ptr<FrameEncoder> enc;
  auto ingest = [&](std::vector<PacketPtr>& out) {
    for (PacketPtr& p : out) {
      const int64_t pts = p->pts != AV_NOPTS_VALUE ? p->pts : p->dts;
      const int64_t dts = p->dts != AV_NOPTS_VALUE ? p->dts : pts;
      IngestLocked(*p, enc->info(), enc->info()->ToMicros(pts), enc->info()->ToMicros(dts));
    }
  };
  while (std::optional<Frame> next = frames_.Pop()) {  // ends when closed and all encoded
    Frame f = std::move(*next);
    next.reset();
    double fps = 0;
    {
      std::lock_guard<std::mutex> lk(mu_);
      fps = fps_hint_;
    }
    if (!enc || enc->input_width() != f.image.cols || enc->input_height() != f.image.rows) {
      Result<std::unique_ptr<FrameEncoder>> made = FrameEncoder::Create(
          f.image.cols, f.image.rows, fps, options_.reencode_crf, options_.keyframe_interval_s);
      std::lock_guard<std::mutex> lk(mu_);
      if (!made.ok()) {
        SetOffLocked(made.status().message());
        return;
      }
      enc = std::move(made).value();
      stats_.codec = enc->encoder_name();
    }
    std::vector<PacketPtr> out;
    const Status s = enc->Encode(f.image, f.meta.pts_us, &out);
    f = Frame();
    std::lock_guard<std::mutex> lk(mu_);
    if (!s.ok()) {
      SetOffLocked(s.message());
      return;
    }
    ++stats_.frames_encoded;
    if (mode_ == Mode::kReencode) ingest(out);
  }
  if (enc) {
    std::vector<PacketPtr> out;
    const Status s = enc->Flush(&out);
    std::lock_guard<std::mutex> lk(mu_);
    if (s.ok() && mode_ == Mode::kReencode) ingest(out);
  }
}

// ---- finish, stats ----------------------------------------------------------------------------

void Recorder::Finish() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (finished_) return;
    finished_ = true;
    finishing_ = true;  // inputs are ignored from now on
  }
  frames_.Close();
  encoder_.Join();  // encodes what is queued
  {
    std::lock_guard<std::mutex> lk(mu_);
    CloseClipLocked();
  }
  const bool drained =
      jobs_.WaitDone(std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(options_.finish_timeout_s)));
  if (!drained) {
    std::lock_guard<std::mutex> lk(mu_);
    abandon_ = true;
  }
  jobs_.Close();
  writer_thread_.Join();
}

RecorderStats Recorder::stats() const {
  std::lock_guard<std::mutex> lk(mu_);
  RecorderStats s = stats_;
  s.mode = ModeName(static_cast<int>(mode_.load()));
  s.degraded = degraded_;
  s.ring_packets = static_cast<int64_t>(ring_.size());
  s.ring_bytes = ring_.bytes();
  return s;
}

}  // namespace es
