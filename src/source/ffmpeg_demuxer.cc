#include "source/ffmpeg_demuxer.h"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/error.h>
}

#include <cmath>
#include <cstring>
#include <cstdlib>
#include <mutex>
#include <string>

namespace es {

void InitFfmpegLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("EDGESIGHT_FFMPEG_LOG");
    av_log_set_level(env && std::string(env) == "1" ? AV_LOG_WARNING : AV_LOG_QUIET);
  });
}

std::string AvErrorText(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  if (av_strerror(averror, buf, sizeof(buf)) < 0) {
    std::snprintf(buf, sizeof(buf), "error %d", averror);
  }
  return buf;
}

namespace {

// The image demuxers: "png_pipe", "jpeg_pipe", ... and "image2" for a single file (with a
// pattern such as img%03d.png it is an image sequence, which is a video).
bool IsStillImageFormat(const char* name, const std::string& url) {
  const std::string n = name;
  const std::string pipe = "_pipe";
  if (n.size() > pipe.size() && n.compare(n.size() - pipe.size(), pipe.size(), pipe) == 0) {
    return true;
  }
  return n == "image2" && url.find('%') == std::string::npos;
}

}  // namespace

int FfmpegDemuxer::Open(const DemuxerOptions& options) {
  InitFfmpegLogging();
  Close();
  ctx_ = avformat_alloc_context();
  if (ctx_ == nullptr) return AVERROR(ENOMEM);
  ctx_->interrupt_callback.callback = &InterruptControl::AvCallback;
  ctx_->interrupt_callback.opaque = interrupt_;

  AVDictionary* dict = nullptr;
  if (options.rtsp) {
    av_dict_set(&dict, "rtsp_transport", options.rtsp_transport.c_str(), 0);
    if (options.rtsp_listen) av_dict_set(&dict, "rtsp_flags", "listen", 0);
    if (options.socket_timeout_ms > 0) {
      // FFmpeg >= 5: "timeout" is the socket I/O timeout in microseconds.
      av_dict_set_int(&dict, "timeout", int64_t{options.socket_timeout_ms} * 1000, 0);
    }
  }
  // On failure avformat_open_input frees the context and sets ctx_ to nullptr.
  int err = avformat_open_input(&ctx_, options.url.c_str(), nullptr, &dict);
  av_dict_free(&dict);
  if (err < 0) {
    ctx_ = nullptr;
    return err;
  }
  if (ctx_->iformat != nullptr && std::strcmp(ctx_->iformat->name, "tty") == 0) {
    Close();  // the "tty" demuxer renders any text file as ANSI art: not a video
    return AVERROR_STREAM_NOT_FOUND;
  }
  if (ctx_->iformat != nullptr && IsStillImageFormat(ctx_->iformat->name, options.url)) {
    Close();  // a PNG or JPEG would play as a one-frame "video"
    return kAvErrorStillImage;
  }
  err = avformat_find_stream_info(ctx_, nullptr);
  if (err < 0) {
    Close();
    return err;
  }
  const int index = av_find_best_stream(ctx_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) {
    Close();
    return AVERROR_STREAM_NOT_FOUND;
  }
  stream_ = ctx_->streams[index];
  if (stream_->codecpar->width <= 0 || stream_->codecpar->height <= 0) {
    Close();
    return AVERROR_INVALIDDATA;
  }
  for (unsigned i = 0; i < ctx_->nb_streams; ++i) {
    if (static_cast<int>(i) != index) ctx_->streams[i]->discard = AVDISCARD_ALL;
  }
  return 0;
}

int FfmpegDemuxer::ReadPacket(AVPacket* pkt) {
  if (ctx_ == nullptr) return AVERROR(EINVAL);
  while (true) {
    const int err = av_read_frame(ctx_, pkt);
    if (err < 0) return err;
    if (pkt->stream_index == stream_->index) return 0;
    av_packet_unref(pkt);
  }
}

void FfmpegDemuxer::Close() {
  if (ctx_ != nullptr) avformat_close_input(&ctx_);
  ctx_ = nullptr;
  stream_ = nullptr;
}

double FfmpegDemuxer::fps() const {
  if (stream_ == nullptr) return 0;
  AVRational r = stream_->avg_frame_rate;
  if (r.num <= 0 || r.den <= 0) r = stream_->r_frame_rate;
  if (r.num <= 0 || r.den <= 0) return 0;
  const double v = av_q2d(r);
  return (v > 0 && v < 1000) ? v : 0;  // live streams sometimes report 90000 (clock rate)
}

int64_t FfmpegDemuxer::DeclaredFrames(bool* exact) const {
  if (exact) *exact = false;
  if (stream_ == nullptr) return -1;
  if (stream_->nb_frames > 0) {
    if (exact) *exact = true;
    return stream_->nb_frames;
  }
  const double rate = fps();
  if (rate <= 0) return -1;
  double seconds = -1;
  if (stream_->duration != AV_NOPTS_VALUE && stream_->duration > 0) {
    seconds = static_cast<double>(stream_->duration) * av_q2d(stream_->time_base);
  } else if (ctx_->duration != AV_NOPTS_VALUE && ctx_->duration > 0) {
    seconds = static_cast<double>(ctx_->duration) / AV_TIME_BASE;
  }
  // A duration guessed from the bit rate (e.g. an index-less AVI) says nothing about frames.
  if (seconds <= 0 || ctx_->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) return -1;
  return std::llround(seconds * rate);
}

}  // namespace es
