#include "record/packet_stream.h"

#include <cstring>

namespace es {

PacketPtr ClonePacket(const AVPacket& pkt) { return PacketPtr(av_packet_clone(&pkt)); }

PacketStreamInfo::~PacketStreamInfo() { avcodec_parameters_free(&par_); }

std::shared_ptr<const PacketStreamInfo> PacketStreamInfo::From(const AVCodecParameters& par,
                                                               AVRational time_base,
                                                               int64_t start_time) {
  std::shared_ptr<PacketStreamInfo> info(new PacketStreamInfo());
  info->par_ = avcodec_parameters_alloc();
  if (info->par_ == nullptr || avcodec_parameters_copy(info->par_, &par) < 0) return nullptr;
  info->time_base_ = time_base.num > 0 && time_base.den > 0 ? time_base : AVRational{1, 1000000};
  info->start_time_ = start_time == AV_NOPTS_VALUE ? 0 : start_time;
  return info;
}

bool PacketStreamInfo::Matches(const AVCodecParameters& par, AVRational time_base,
                               int64_t start_time) const {
  const int64_t start = start_time == AV_NOPTS_VALUE ? 0 : start_time;
  if (par.codec_id != par_->codec_id || par.width != par_->width || par.height != par_->height ||
      av_cmp_q(time_base, time_base_) != 0 || start != start_time_ ||
      par.extradata_size != par_->extradata_size) {
    return false;
  }
  return par.extradata_size == 0 ||
         std::memcmp(par.extradata, par_->extradata, static_cast<size_t>(par.extradata_size)) == 0;
}

int64_t PacketStreamInfo::ToMicros(int64_t ts) const {
  return av_rescale_q(ts - start_time_, time_base_, AVRational{1, 1000000});
}

bool PacketStreamInfo::copyable() const {
  return par_->codec_id == AV_CODEC_ID_H264 || par_->codec_id == AV_CODEC_ID_HEVC;
}

std::string PacketStreamInfo::codec_name() const { return avcodec_get_name(par_->codec_id); }

}  // namespace es
