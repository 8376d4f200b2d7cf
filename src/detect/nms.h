// Non-maximum suppression. Pure function; thread-safe; deterministic (ties broken by index).
#pragma once

#include <cstddef>
#include <vector>

#include "edgesight/types.h"

namespace es {

// Class-aware greedy NMS: a box suppresses lower-scored boxes of the same class_id whose IoU
// exceeds iou_threshold (strictly greater; IoU == threshold is kept). Candidates are visited in
// descending score, equal scores in input order, so the result is deterministic. Candidates
// with a NaN score are dropped. Returns survivors sorted by descending score; at most
// max_detections (0 returns nothing).
std::vector<Detection> NmsClassAware(std::vector<Detection> candidates, float iou_threshold,
                                     size_t max_detections = 300);

}  // namespace es
