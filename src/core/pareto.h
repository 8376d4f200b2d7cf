// ParetoFrontier: which points no other point dominates, every objective to be minimised (negate
// one that is better higher, such as agreement). A point is dominated when another is at least as
// good on every objective and strictly better on one; equal points do not dominate each other.
// Used by `bench --profile` (p50, agreement, energy) and `plan` (p99, agreement, cost at the
// site). All points have the same number of objectives. O(n^2 k); pure; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

namespace es {

std::vector<bool> ParetoFrontier(const std::vector<std::vector<double>>& points);

}  // namespace es
