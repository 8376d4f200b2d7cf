#include "edgesight/types.h"

#include <algorithm>

namespace es {

float IoU(const BBox& a, const BBox& b) {
  const float ix1 = std::max(a.x, b.x), iy1 = std::max(a.y, b.y);
  const float ix2 = std::min(a.x2(), b.x2()), iy2 = std::min(a.y2(), b.y2());
  const float iw = ix2 - ix1, ih = iy2 - iy1;
  if (iw <= 0.f || ih <= 0.f) return 0.f;
  const float inter = iw * ih;
  const float uni = a.area() + b.area() - inter;
  return uni > 0.f ? inter / uni : 0.f;
}

}  // namespace es
