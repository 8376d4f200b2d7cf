// FramePool: reuses the image buffers of a camera's frames once nobody references them, so a
// frame costs neither a fresh allocation (the kernel zeroing its pages) nor allocator growth.
//
// Contract
// - Acquire(rows, cols, type): a Mat of that geometry with stale pixels (the caller overwrites
//   every one). One of the pool's buffers is reused when the pool's own reference is the only
//   one left; otherwise a new buffer is allocated and kept while the pool holds fewer than
//   max_buffers (beyond that it is freed with its last user). So the pool grows to the number
//   of frames in flight at once, and no further.
// - "Only the pool" is read from OpenCV's atomic reference count: any Mat header elsewhere (a
//   queue, the recorder's encoder queue, the live view, a region of interest) keeps a buffer
//   out of reuse until it is released, so a frame handed downstream is never overwritten.
// - A new geometry (the stream changed resolution) drops the buffers of the old one.
// - allocated() / reused(): how many Acquire calls did each.
// Thread-safety: Acquire from one thread (the source's); the Mats it returns may be shared and
// released by any thread.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace es {

class FramePool {
 public:
  explicit FramePool(size_t max_buffers = 16) : max_(max_buffers) {}

  cv::Mat Acquire(int rows, int cols, int type);

  int64_t allocated() const { return allocated_; }
  int64_t reused() const { return reused_; }
  size_t size() const { return buffers_.size(); }

 private:
  size_t max_;
  std::vector<cv::Mat> buffers_;
  int64_t allocated_ = 0;
  int64_t reused_ = 0;
};

}  // namespace es
