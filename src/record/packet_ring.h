// PacketRingBuffer: the pre-event buffer — references to the most recent encoded packets of one
// stream, always starting at a keyframe.
//
// Contract
// - Push() keeps a reference (no copy of ref-counted data) to each packet with its stream-clock
//   time t_us (pts, or dts when pts is unknown) and decode-order time dts_us. Packets before the
//   first keyframe are not kept (they could not be decoded). The ring then holds whole groups
//   of pictures (GOPs): it drops its oldest GOP while the next keyframe is at least `span` older
//   than the newest packet (so [newest - span, newest] is always covered, starting at a
//   keyframe) and while it holds more than max_bytes and more than one GOP. A single GOP larger
//   than max_bytes empties the ring (counted in overflows()) until the next keyframe.
// - CopyFrom(from_us) returns new references to every packet from the latest keyframe whose
//   t_us <= from_us (the oldest keyframe when none is that old) to the newest, in decode order.
// Failure: a packet FFmpeg cannot reference is skipped (Push returns false).
// Thread-safety: none; the Recorder guards it with its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "edgesight/time.h"
#include "record/packet_stream.h"

namespace es {

struct RingPacket {
  PacketPtr packet;
  int64_t t_us = 0;    // presentation time on the stream clock
  int64_t dts_us = 0;  // decode time on the stream clock
  bool key = false;
};

class PacketRingBuffer {
 public:
  PacketRingBuffer(Duration span, int64_t max_bytes) : span_(span), max_bytes_(max_bytes) {}

  bool Push(const AVPacket& packet, int64_t t_us, int64_t dts_us);
  std::vector<RingPacket> CopyFrom(int64_t from_us) const;
  void Clear();

  size_t size() const { return packets_.size(); }
  int64_t bytes() const { return bytes_; }
  bool empty() const { return packets_.empty(); }
  int64_t oldest_us() const { return packets_.empty() ? 0 : packets_.front().t_us; }
  int64_t newest_us() const { return newest_us_; }
  int64_t overflows() const { return overflows_; }

 private:
  void DropOldestGop();

  Duration span_;
  int64_t max_bytes_;
  std::deque<RingPacket> packets_;
  std::deque<size_t> key_index_;  // positions of keyframes in packets_, relative to base_
  size_t base_ = 0;               // absolute position of packets_.front()
  int64_t bytes_ = 0;
  int64_t newest_us_ = 0;
  int64_t overflows_ = 0;
};

}  // namespace es
