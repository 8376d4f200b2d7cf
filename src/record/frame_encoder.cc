#include "record/frame_encoder.h"

#include <cmath>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include "source/ffmpeg_demuxer.h"

namespace es {

FrameEncoder::~FrameEncoder() {
  avcodec_free_context(&ctx_);
  av_frame_free(&frame_);
  av_packet_free(&pkt_);
  sws_freeContext(sws_);
}

Result<std::unique_ptr<FrameEncoder>> FrameEncoder::Create(int width, int height, double fps_hint,
                                                           int crf, double keyframe_interval_s) {
  const int w = width & ~1, h = height & ~1;
  if (w < 2 || h < 2) {
    return InvalidArgument("re-encode: frame " + std::to_string(width) + "x" +
                           std::to_string(height) + " is too small");
  }
  std::unique_ptr<FrameEncoder> e(new FrameEncoder());
  e->in_w_ = width;
  e->in_h_ = height;
  InitFfmpegLogging();  // libx264 prints its statistics on stderr otherwise
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  const bool x264 = codec != nullptr;
  if (!x264) codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (codec == nullptr) return Internal("re-encode: FFmpeg has neither libx264 nor mpeg4");
  e->encoder_name_ = codec->name;
  e->ctx_ = avcodec_alloc_context3(codec);
  e->frame_ = av_frame_alloc();
  e->pkt_ = av_packet_alloc();
  if (!e->ctx_ || !e->frame_ || !e->pkt_) return Internal("re-encode: out of memory");
  const double fps = fps_hint > 0 && fps_hint <= 240 ? fps_hint : 25.0;
  e->key_interval_ms_ = std::max<int64_t>(1, std::llround(keyframe_interval_s * 1000));
  AVCodecContext* c = e->ctx_;
  c->width = w;
  c->height = h;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->time_base = AVRational{1, 1000};
  c->framerate = av_d2q(fps, 1000);
  c->gop_size = std::max(1, static_cast<int>(std::lround(fps * keyframe_interval_s)));
  c->max_b_frames = 0;
  c->thread_count = 1;
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (x264) {
    av_opt_set(c->priv_data, "preset", "ultrafast", 0);
    av_opt_set(c->priv_data, "tune", "zerolatency", 0);
    av_opt_set_double(c->priv_data, "crf", crf, 0);
    av_opt_set(c->priv_data, "forced-idr", "1", 0);
  } else {
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * 5;
  }
  int r = avcodec_open2(c, codec, nullptr);
  if (r < 0) return Internal("re-encode: cannot open " + e->encoder_name_ + ": " + AvErrorText(r));
  e->frame_->format = c->pix_fmt;
  e->frame_->width = w;
  e->frame_->height = h;
  if ((r = av_frame_get_buffer(e->frame_, 0)) < 0) {
    return Internal("re-encode: cannot allocate a frame: " + AvErrorText(r));
  }
  e->sws_ = sws_getContext(w, h, AV_PIX_FMT_BGR24, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr,
                           nullptr, nullptr);
  if (e->sws_ == nullptr) return Internal("re-encode: no BGR to YUV 4:2:0 conversion");
  AVCodecParameters* par = avcodec_parameters_alloc();
  if (par == nullptr || avcodec_parameters_from_context(par, c) < 0) {
    avcodec_parameters_free(&par);
    return Internal("re-encode: cannot export codec parameters");
  }
  e->info_ = PacketStreamInfo::From(*par, c->time_base, 0);
  avcodec_parameters_free(&par);
  if (!e->info_) return Internal("re-encode: out of memory");
  return e;
}

Status FrameEncoder::Encode(const cv::Mat& bgr, int64_t pts_us, std::vector<PacketPtr>* out) {
  if (bgr.cols != in_w_ || bgr.rows != in_h_ || bgr.type() != CV_8UC3) {
    return InvalidArgument("re-encode: frame is " + std::to_string(bgr.cols) + "x" +
                           std::to_string(bgr.rows) + ", encoder expects " + std::to_string(in_w_) +
                           "x" + std::to_string(in_h_) + " BGR");
  }
  int r = av_frame_make_writable(frame_);
  if (r < 0) return Internal("re-encode: " + AvErrorText(r));
  const uint8_t* src[1] = {bgr.data};
  const int stride[1] = {static_cast<int>(bgr.step[0])};
  sws_scale(sws_, src, stride, 0, ctx_->height, frame_->data, frame_->linesize);
  int64_t pts_ms = pts_us / 1000;
  if (last_pts_ms_ != INT64_MIN && pts_ms <= last_pts_ms_) pts_ms = last_pts_ms_ + 1;
  last_pts_ms_ = pts_ms;
  frame_->pts = pts_ms;
  const bool key = last_key_ms_ == INT64_MIN || pts_ms - last_key_ms_ >= key_interval_ms_;
  frame_->pict_type = key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  if (key) last_key_ms_ = pts_ms;
  r = avcodec_send_frame(ctx_, frame_);
  if (r < 0) return Internal("re-encode: " + encoder_name_ + ": " + AvErrorText(r));
  return Drain(out);
}

Status FrameEncoder::Flush(std::vector<PacketPtr>* out) {
  const int r = avcodec_send_frame(ctx_, nullptr);
  if (r < 0 && r != AVERROR_EOF) return Internal("re-encode: " + AvErrorText(r));
  return Drain(out);
}

Status FrameEncoder::Drain(std::vector<PacketPtr>* out) {
  while (true) {
    const int r = avcodec_receive_packet(ctx_, pkt_);
    if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return Status::Ok();
    if (r < 0) return Internal("re-encode: " + encoder_name_ + ": " + AvErrorText(r));
    PacketPtr p(av_packet_alloc());
    if (!p) return Internal("re-encode: out of memory");
    av_packet_move_ref(p.get(), pkt_);
    out->push_back(std::move(p));
  }
}

}  // namespace es
