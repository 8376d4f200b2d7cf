#include "record/packet_ring.h"

#include <algorithm>

namespace es {

bool PacketRingBuffer::Push(const AVPacket& packet, int64_t t_us, int64_t dts_us) {
  const bool key = (packet.flags & AV_PKT_FLAG_KEY) != 0;
  if (packets_.empty() && !key) return false;  // undecodable without its keyframe
  PacketPtr ref = ClonePacket(packet);
  if (!ref) return false;
  if (key) key_index_.push_back(base_ + packets_.size());
  bytes_ += packet.size;
  newest_us_ = packets_.empty() ? t_us : std::max(newest_us_, t_us);
  packets_.push_back(RingPacket{std::move(ref), t_us, dts_us, key});

  // Keep [newest - span, newest] covered from a keyframe; drop whole GOPs before that.
  while (key_index_.size() >= 2 && packets_[key_index_[1] - base_].t_us <= newest_us_ - span_.us) {
    DropOldestGop();
  }
  while (bytes_ > max_bytes_ && key_index_.size() >= 2) DropOldestGop();
  if (bytes_ > max_bytes_) {  // one GOP alone is too big: start again at the next keyframe
    Clear();
    ++overflows_;
  }
  return true;
}

void PacketRingBuffer::DropOldestGop() {
  const size_t next_key = key_index_[1];
  while (base_ < next_key) {
    bytes_ -= packets_.front().packet->size;
    packets_.pop_front();
    ++base_;
  }
  key_index_.pop_front();
}

std::vector<RingPacket> PacketRingBuffer::CopyFrom(int64_t from_us) const {
  std::vector<RingPacket> out;
  if (key_index_.empty()) return out;
  size_t start = key_index_.front();
  for (auto it = key_index_.rbegin(); it != key_index_.rend(); ++it) {
    if (packets_[*it - base_].t_us <= from_us) {
      start = *it;
      break;
    }
  }
  out.reserve(base_ + packets_.size() - start);
  for (size_t i = start - base_; i < packets_.size(); ++i) {
    const RingPacket& p = packets_[i];
    PacketPtr ref = ClonePacket(*p.packet);
    if (!ref) break;  // out of memory: a shorter but decodable clip
    out.push_back(RingPacket{std::move(ref), p.t_us, p.dts_us, p.key});
  }
  return out;
}

void PacketRingBuffer::Clear() {
  base_ += packets_.size();
  packets_.clear();
  key_index_.clear();
  bytes_ = 0;
}

}  // namespace es
