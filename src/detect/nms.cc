#include "detect/nms.h"

#include <algorithm>
#include <cmath>

namespace es {

std::vector<Detection> NmsClassAware(std::vector<Detection> candidates, float iou_threshold,
                                     size_t max_detections) {
  std::vector<size_t> order;
  order.reserve(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!std::isnan(candidates[i].score)) order.push_back(i);
  }
  // Stable: equal scores keep input (index) order.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return candidates[a].score > candidates[b].score;
  });

  std::vector<Detection> kept;
  kept.reserve(std::min(order.size(), max_detections));
  for (size_t idx : order) {
    if (kept.size() >= max_detections) break;
    const Detection& c = candidates[idx];
    bool suppressed = false;
    for (const Detection& k : kept) {
      if (k.class_id == c.class_id && IoU(k.box, c.box) > iou_threshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(c);
  }
  return kept;
}

}  // namespace es
