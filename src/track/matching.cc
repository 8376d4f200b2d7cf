#include "track/matching.h"

namespace es {

CostMatrix IouDistance(const std::vector<BBox>& a, const std::vector<BBox>& b) {
  CostMatrix cost(static_cast<int>(a.size()), static_cast<int>(b.size()), 1.0);
  for (int i = 0; i < cost.rows(); ++i) {
    for (int j = 0; j < cost.cols(); ++j) cost(i, j) = 1.0 - static_cast<double>(IoU(a[i], b[j]));
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
