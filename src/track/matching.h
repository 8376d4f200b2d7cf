// Cost matrices for box association (ByteTrack's matching.py, minus the Python).
//
// IouDistance: cost(i, j) = 1 - IoU(a[i], b[j]) (continuous-pixel IoU from edgesight/types.h,
// no "+1" pixel convention). FuseScore: ByteTrack's fuse_score, cost = 1 - IoU * score(j), which
// makes confident detections cheaper. GateClasses: cost = `forbidden` where class ids differ.
// Pure functions, thread-safe, no failure modes (empty inputs give empty matrices).
#pragma once

#include <vector>

#include "edgesight/types.h"
#include "track/lapjv.h"

namespace es {

CostMatrix IouDistance(const std::vector<BBox>& a, const std::vector<BBox>& b);

// In place: cost(i, j) = 1 - (1 - cost(i, j)) * scores[j]. scores.size() must equal cols().
void FuseScore(CostMatrix& cost, const std::vector<float>& scores);

// In place: cost(i, j) = forbidden where row_classes[i] != col_classes[j].
void GateClasses(CostMatrix& cost, const std::vector<int>& row_classes,
                 const std::vector<int>& col_classes, double forbidden);

}  // namespace es
