#include "track/matching.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace es {

namespace {

// Column boxes in structure-of-arrays form for the IoU loop; thread_local and reused.
struct BoxColumns {
  std::vector<float> x1, y1, x2, y2, area;
};

}  // namespace

// es::IoU (src/core/types.cc) for one row box against all column boxes: the same float
// operations in the same order (x2 = x + w, area() = w * h or 0, inter / union), so every value
// is bit-identical to 1 - IoU(a, b); written without branches so that the compiler vectorises
// the loop. Pairs that do not overlap (or have a non-positive union) get exactly 1.
CostMatrix IouDistance(const std::vector<BBox>& a, const std::vector<BBox>& b) {
  const int rows = static_cast<int>(a.size()), cols = static_cast<int>(b.size());
  CostMatrix cost(rows, cols);
  if (cost.empty()) return cost;
  thread_local BoxColumns bc;
  bc.x1.resize(cols);
  bc.y1.resize(cols);
  bc.x2.resize(cols);
  bc.y2.resize(cols);
  bc.area.resize(cols);
  for (int j = 0; j < cols; ++j) {
    const BBox& q = b[static_cast<size_t>(j)];
    bc.x1[j] = q.x;
    bc.y1[j] = q.y;
    bc.x2[j] = q.x2();
    bc.y2[j] = q.y2();
    bc.area[j] = q.area();
  }
  const float* __restrict bx1 = bc.x1.data();
  const float* __restrict by1 = bc.y1.data();
  const float* __restrict bx2 = bc.x2.data();
  const float* __restrict by2 = bc.y2.data();
  const float* __restrict barea = bc.area.data();
  for (int i = 0; i < rows; ++i) {
    const BBox& p = a[static_cast<size_t>(i)];
    const float ax1 = p.x, ay1 = p.y, ax2 = p.x2(), ay2 = p.y2(), aarea = p.area();
    double* __restrict out = &cost(i, 0);
    for (int j = 0; j < cols; ++j) {
      const float ix1 = std::max(ax1, bx1[j]), iy1 = std::max(ay1, by1[j]);
      const float ix2 = std::min(ax2, bx2[j]), iy2 = std::min(ay2, by2[j]);
      const float iw = ix2 - ix1, ih = iy2 - iy1;
      const float inter = iw * ih;
      const float uni = aarea + barea[j] - inter;
      const float iou = inter / uni;  // meaningless unless `overlap` (then masked to +0)
      // iou if the boxes overlap, else +0: a bit mask instead of a branch or a select, which
      // GCC does not if-convert under its default -ftrapping-math.
      const uint32_t overlap = (iw > 0.f) & (ih > 0.f) & (uni > 0.f);
      uint32_t bits;
      std::memcpy(&bits, &iou, sizeof bits);
      bits &= 0u - overlap;
      float masked;
      std::memcpy(&masked, &bits, sizeof masked);
      out[j] = 1.0 - static_cast<double>(masked);
    }
  }
  return cost;
}

void FuseScore(CostMatrix& cost, const std::vector<float>& scores) {
  for (int i = 0; i < cost.rows(); ++i) {
    for (int j = 0; j < cost.cols(); ++j) cost(i, j) = 1.0 - (1.0 - cost(i, j)) * scores[j];
  }
}

void GateClasses(CostMatrix& cost, const std::vector<int>& row_classes,
                 const std::vector<int>& col_classes, double forbidden) {
  for (int i = 0; i < cost.rows(); ++i) {
    for (int j = 0; j < cost.cols(); ++j) {
      if (row_classes[i] != col_classes[j]) cost(i, j) = forbidden;
    }
  }
}

}  // namespace es
