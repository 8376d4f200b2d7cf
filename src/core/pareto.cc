#include "core/pareto.h"

namespace es {

std::vector<bool> ParetoFrontier(const std::vector<std::vector<double>>& points) {
  std::vector<bool> frontier(points.size(), true);
  for (size_t i = 0; i < points.size(); ++i) {
    for (size_t j = 0; j < points.size() && frontier[i]; ++j) {
      if (j == i) continue;
      bool no_worse = true, better = false;
      for (size_t k = 0; k < points[i].size(); ++k) {
        no_worse = no_worse && points[j][k] <= points[i][k];
        better = better || points[j][k] < points[i][k];
      }
      if (no_worse && better) frontier[i] = false;
    }
  }
  return frontier;
}

}  // namespace es
