#include "source/ffmpeg_source.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace es {
namespace {

constexpr int kMaxConsecutiveReadErrors = 3;     // file: demuxer errors before giving up
constexpr int kMaxConsecutiveDecodeErrors = 64;  // receive errors without progress

bool IsRtspUri(const std::string& uri) {
  return uri.rfind("rtsp://", 0) == 0 || uri.rfind("rtsps://", 0) == 0;
}

std::string LowerFirst(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::string FfmpegSource::RedactUri(const std::string& uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  const size_t host = scheme + 3;
  const size_t slash = uri.find('/', host);
  const size_t at = uri.rfind('@', slash == std::string::npos ? uri.size() : slash);
  if (at == std::string::npos || at < host) return uri;
  return uri.substr(0, host) + "***" + uri.substr(at);
}

FfmpegSource::FfmpegSource(SourceOptions options)
    : options_(std::move(options)), demuxer_(&interrupt_), pacer_(&interrupt_) {
  live_ = IsRtspUri(options_.uri);
  display_uri_ = RedactUri(options_.uri);
  policy_.attempts = std::max(0, options_.reconnect_attempts);
  policy_.first_delay_ms = std::max(0, options_.reconnect_backoff_ms);
  policy_.max_delay_ms = ReconnectPolicy::kMaxDelayMs;
  policy_.seed = std::hash<std::string>{}(options_.stream_id);
}

FfmpegSource::~FfmpegSource() {
  Disconnect();
  if (packet_ != nullptr) av_packet_free(&packet_);
}

void FfmpegSource::Disconnect() {
  decoder_.Close();
  demuxer_.Close();
}

int FfmpegSource::OpenOnce() {
  DemuxerOptions d;
  d.url = options_.uri;
  d.rtsp = live_;
  d.rtsp_transport = options_.rtsp_transport;
  d.rtsp_listen = options_.rtsp_listen;
  d.socket_timeout_ms = options_.read_timeout_ms;
  int err = demuxer_.Open(d);
  if (err < 0) return err;
  err = decoder_.Open(demuxer_.stream());
  if (err < 0) {
    demuxer_.Close();
    return err;
  }
  const AVStream* st = demuxer_.stream();
  info_.width = st->codecpar->width;
  info_.height = st->codecpar->height;
  info_.fps = demuxer_.fps();
  info_.frame_count = (!live_ && st->nb_frames > 0) ? st->nb_frames : -1;
  info_.codec = avcodec_get_name(st->codecpar->codec_id);
  info_.live = live_;
  return 0;
}

Status FfmpegSource::MapFileOpenError(int err) const {
  const std::string path = options_.uri;
  if (err == AVERROR(ENOENT) || err == AVERROR(EACCES) || err == AVERROR(EISDIR) ||
      err == AVERROR(ENOTDIR) || err == AVERROR(ENAMETOOLONG)) {
    return NotFound("cannot open video '" + path + "': " + AvErrorText(err));
  }
  if (err == AVERROR_EXIT) return Cancelled("opening '" + path + "' cancelled");
  std::string why = AvErrorText(err);
  if (err == AVERROR_STREAM_NOT_FOUND) why = "no video stream";
  if (err == AVERROR_DECODER_NOT_FOUND) why = "no decoder for its video codec";
  if (err == kAvErrorStillImage) why = "a still image, not a video stream";
  return DataLoss("'" + path + "' is not a video: " + why);
}

Status FfmpegSource::Open() {
  if (opened_) return Internal("FfmpegSource::Open called twice");
  if (options_.uri.empty()) return InvalidArgument("empty video uri");
  packet_ = av_packet_alloc();
  if (packet_ == nullptr) return Internal("av_packet_alloc failed");
  if (live_) {
    ES_RETURN_IF_ERROR(ConnectWithRetries(/*first_now=*/true, ""));
  } else {
    interrupt_.Arm(0);  // files: no deadline, but Interrupt() still stops a slow open
    const int err = OpenOnce();
    if (err < 0) {
      if (interrupt_.interrupted()) return Cancelled("opening '" + options_.uri + "' cancelled");
      return MapFileOpenError(err);
    }
  }
  opened_ = true;
  return Status::Ok();
}

Status FfmpegSource::ConnectWithRetries(bool first_now, const std::string& what) {
  // Open: the first attempt at once, then `attempts` retries. Reconnect: `attempts` retries.
  const int first = first_now ? 0 : 1;
  int made = 0;
  std::string last;
  for (int k = first; k <= policy_.attempts; ++k) {
    if (k > 0 && !interrupt_.SleepFor(policy_.DelayMs(k))) return Cancelled();
    if (interrupt_.interrupted()) return Cancelled();
    interrupt_.Arm(options_.open_timeout_ms);
    const int err = OpenOnce();
    const bool timed_out = interrupt_.timed_out();
    interrupt_.Disarm();
    ++made;
    if (err == 0) {
      if (!first_now) {
        ++reconnects_;
        rebase_pts_ = true;
      }
      return Status::Ok();
    }
    if (interrupt_.interrupted()) return Cancelled();
    last = timed_out
               ? (options_.rtsp_listen ? "no publisher connected within " : "timed out after ") +
                     std::to_string(options_.open_timeout_ms) + " ms"
               : LowerFirst(AvErrorText(err));
  }
  if (made == 0) return Unavailable(display_uri_ + ": " + what + " (reconnect disabled)");
  return Unavailable(display_uri_ + ": " + (what.empty() ? "" : what + "; reconnect: ") + last +
                     " after " + std::to_string(made) + (made == 1 ? " attempt" : " attempts"));
}

Status FfmpegSource::FinishFile() {
  bool exact = false;
  const int64_t declared = demuxer_.DeclaredFrames(&exact);
  const std::string where = "'" + options_.uri + "': ";
  if (declared > 0) {
    const double fraction = exact ? kMissingFramesFraction : kEstimatedFraction;
    const int64_t tolerance = std::max<int64_t>(
        kMissingFramesSlack, static_cast<int64_t>(std::ceil(fraction * declared)));
    if (declared - decoded_ > tolerance) {
      return DataLoss(where + "video truncated: decoded " + std::to_string(decoded_) + " of " +
                      std::to_string(declared) + " frames");
    }
  }
  std::string why;
  if (read_error_ != 0) {
    why = "read error: " + AvErrorText(read_error_);
  } else if (corrupt_packets_ > 0) {
    why = std::to_string(corrupt_packets_) + " corrupt packet(s)";
  } else if (decode_errors_ > 0) {
    why = std::to_string(decode_errors_) +
          " decode error(s), last: " + AvErrorText(last_decode_error_);
  }
  if (!why.empty()) {
    return DataLoss(where + "video truncated or corrupt: decoded " + std::to_string(decoded_) +
                    (declared > 0 ? " of " + std::to_string(declared) : "") + " frames; " + why);
  }
  return EndOfStream();
}

Status FfmpegSource::Read(Frame* frame) {
  const Timestamp read_start = SteadyNow();
  if (!opened_) return Internal("FfmpegSource::Read before a successful Open");
  if (finished_) return final_status_;
  auto finish = [&](Status st) {
    finished_ = true;
    final_status_ = st;
    Disconnect();
    return st;
  };
  int consecutive_read_errors = 0;
  int consecutive_decode_errors = 0;
  while (true) {
    if (interrupt_.interrupted()) return Cancelled();
    cv::Mat image;
    int64_t pts = AV_NOPTS_VALUE;
    const int r = decoder_.Receive(&image, &pts);
    if (r == 0) {
      const AVStream* st = demuxer_.stream();
      int64_t pts_us;
      if (pts != AV_NOPTS_VALUE) {
        const int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
        pts_us = av_rescale_q(pts - start, st->time_base, AVRational{1, 1000000});
      } else {
        const double fps = info_.fps > 0 ? info_.fps : 25.0;
        pts_us = static_cast<int64_t>(std::llround(static_cast<double>(seq_) * 1e6 / fps));
      }
      if (live_) {
        const int64_t step = info_.fps > 0 ? static_cast<int64_t>(1e6 / info_.fps) : 1;
        if (rebase_pts_ && last_pts_us_ != INT64_MIN) {
          pts_offset_us_ = last_pts_us_ + step - pts_us;
        }
        rebase_pts_ = false;
        pts_us += pts_offset_us_;
        if (last_pts_us_ != INT64_MIN && pts_us <= last_pts_us_) pts_us = last_pts_us_ + 1;
      }
      last_pts_us_ = pts_us;
      ++decoded_;
      frame->meta.decode = SteadyNow() - read_start;
      if (options_.realtime && !live_ && !pacer_.Wait(pts_us)) return Cancelled();
      frame->meta.stream_id = options_.stream_id;
      frame->meta.seq = seq_++;
      frame->meta.capture = SteadyNow();
      frame->meta.pts_us = pts_us;
      frame->image = std::move(image);
      return Status::Ok();
    }
    if (r == AVERROR_EOF) return finish(FinishFile());
    if (r != AVERROR(EAGAIN)) {
      ++decode_errors_;
      last_decode_error_ = r;
      if (++consecutive_decode_errors > kMaxConsecutiveDecodeErrors) {
        if (live_) {
          Disconnect();
          Status st = ConnectWithRetries(false, "decoder failed: " + AvErrorText(r));
          if (!st.ok()) return finish(st);
          continue;
        }
        return finish(FinishFile());
      }
      if (flushed_) continue;  // drain what is left after the flush
    }
    if (flushed_) return finish(FinishFile());

    interrupt_.Arm(live_ ? options_.read_timeout_ms : 0);
    const int rr = demuxer_.ReadPacket(packet_);
    const bool timed_out = interrupt_.timed_out();
    interrupt_.Disarm();
    if (rr == 0) {
      consecutive_read_errors = 0;
      if (packet_->flags & AV_PKT_FLAG_CORRUPT) ++corrupt_packets_;
      if (packet_callback_) packet_callback_(*packet_, *demuxer_.stream());
      const int s = decoder_.Send(packet_);
      av_packet_unref(packet_);
      if (s < 0 && s != AVERROR(EAGAIN)) {
        ++decode_errors_;
        last_decode_error_ = s;
      } else {
        consecutive_decode_errors = 0;
      }
      continue;
    }
    if (interrupt_.interrupted()) return Cancelled();
    if (live_) {
      const std::string why =
          timed_out           ? "no data for " + std::to_string(options_.read_timeout_ms) + " ms"
          : rr == AVERROR_EOF ? std::string("stream ended")
                              : "read failed: " + LowerFirst(AvErrorText(rr));
      Disconnect();
      Status st = ConnectWithRetries(false, why);
      if (!st.ok()) return finish(st);
      continue;
    }
    if (rr != AVERROR_EOF) {
      if (read_error_ == 0) read_error_ = rr;
      if (++consecutive_read_errors <= kMaxConsecutiveReadErrors) continue;
    }
    const int s = decoder_.Send(nullptr);  // flush: drain the frames still inside the decoder
    flushed_ = true;
    if (s < 0 && s != AVERROR_EOF) return finish(FinishFile());
  }
}

}  // namespace es
