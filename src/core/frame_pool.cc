#include "core/frame_pool.h"

namespace es {
namespace {

// True when `m` is referenced by no Mat header but this one (an atomic read).
bool OnlyOwner(const cv::Mat& m) { return m.u != nullptr && CV_XADD(&m.u->refcount, 0) == 1; }

}  // namespace

cv::Mat FramePool::Acquire(int rows, int cols, int type) {
  if (!buffers_.empty()) {
    const cv::Mat& first = buffers_.front();
    if (first.rows != rows || first.cols != cols || first.type() != type) buffers_.clear();
  }
  for (const cv::Mat& b : buffers_) {
    if (OnlyOwner(b)) {
      ++reused_;
      return b;  // a second header: the buffer is out of reuse until the caller lets go
    }
  }
  ++allocated_;
  cv::Mat fresh(rows, cols, type);
  if (buffers_.size() < max_) buffers_.push_back(fresh);
  return fresh;
}

}  // namespace es
