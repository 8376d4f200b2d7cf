#include "source/ffmpeg_decoder.h"

extern "C" {
#include <libavutil/imgutils.h>
}

namespace es {

int FfmpegDecoder::Open(const AVStream* stream) {
  Close();
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) return AVERROR_DECODER_NOT_FOUND;
  ctx_ = avcodec_alloc_context3(codec);
  frame_ = av_frame_alloc();
  if (ctx_ == nullptr || frame_ == nullptr) {
    Close();
    return AVERROR(ENOMEM);
  }
  int err = avcodec_parameters_to_context(ctx_, stream->codecpar);
  if (err < 0) {
    Close();
    return err;
  }
  ctx_->pkt_timebase = stream->time_base;
  err = avcodec_open2(ctx_, codec, nullptr);
  if (err < 0) {
    Close();
    return err;
  }
  return 0;
}

void FfmpegDecoder::Close() {
  if (sws_ != nullptr) sws_freeContext(sws_);
  sws_ = nullptr;
  if (frame_ != nullptr) av_frame_free(&frame_);
  if (ctx_ != nullptr) avcodec_free_context(&ctx_);
  frame_ = nullptr;
  ctx_ = nullptr;
}

int FfmpegDecoder::Send(const AVPacket* pkt) {
  if (ctx_ == nullptr) return AVERROR(EINVAL);
  return avcodec_send_packet(ctx_, pkt);
}

int FfmpegDecoder::Receive(cv::Mat* bgr, int64_t* best_effort_pts) {
  if (ctx_ == nullptr) return AVERROR(EINVAL);
  const int err = avcodec_receive_frame(ctx_, frame_);
  if (err < 0) return err;
  const int w = frame_->width, h = frame_->height;
  if (w <= 0 || h <= 0 || frame_->format < 0) {
    av_frame_unref(frame_);
    return AVERROR_INVALIDDATA;
  }
  sws_ = sws_getCachedContext(sws_, w, h, static_cast<AVPixelFormat>(frame_->format), w, h,
                              AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (sws_ == nullptr) {
    av_frame_unref(frame_);
    return AVERROR(ENOSYS);
  }
  cv::Mat out = pool_.Acquire(h, w, CV_8UC3);
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  int dst_stride[4] = {static_cast<int>(out.step[0]), 0, 0, 0};
  const int rows = sws_scale(sws_, frame_->data, frame_->linesize, 0, h, dst, dst_stride);
  if (best_effort_pts != nullptr) *best_effort_pts = frame_->best_effort_timestamp;
  av_frame_unref(frame_);
  if (rows != h) return AVERROR_INVALIDDATA;
  *bgr = std::move(out);
  return 0;
}

std::string FfmpegDecoder::codec_name() const {
  if (ctx_ == nullptr || ctx_->codec == nullptr) return "";
  return avcodec_get_name(ctx_->codec_id);
}

}  // namespace es
