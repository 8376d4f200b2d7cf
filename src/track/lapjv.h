// Linear assignment by Jonker-Volgenant (LAPJV) for dense, possibly rectangular cost matrices.
//
// SolveLapjv: minimum-cost perfect assignment of a square n x n matrix (column reduction,
// reduction transfer, augmenting row reduction, then shortest augmenting paths; Jonker &
// Volgenant, Computing 38, 1987). LinearAssignment: the rectangular, cost-limited assignment
// used by ByteTrack (lap.lapjv(cost, extend_cost=True, cost_limit=limit)): the matrix is
// extended to (rows + cols) square, where leaving a row or a column unmatched costs limit / 2,
// so a pair (i, j) is matched only if that lowers the total, i.e. the result minimises
// sum over matched pairs of (cost(i, j) - limit). Pairs with cost > limit are never matched;
// pairs with cost == limit may be. Without a limit (infinity) it is the classic rectangular
// assignment: min(rows, cols) pairs of minimum total cost.
//
// Costs must be finite, except that +infinity marks a forbidden pair when a finite limit is
// given. Deterministic: the same matrix always gives the same assignment.
//
// Speed (tracking matrices are small and sparse): with a finite limit, LinearAssignment splits
// the bipartite graph of allowed pairs (cost <= limit) into connected components and solves each
// on its own; a row or column without any allowed pair is unmatched at once, a component with a
// single row (or column) takes its cheapest pair, the rest go to LAPJV on the component's
// extended matrix. The optimum of the whole problem is the union of the components' optima, so
// the objective is the same as LinearAssignmentDense's, and so is the assignment whenever the
// optimum is unique (it may differ only between equally good assignments). Scratch buffers are
// thread_local and reused across calls (no per-call allocation beyond the result; they keep the
// size of the largest problem seen on that thread).
// Thread-safety: pure functions. Failure: none (empty inputs give empty results).
#pragma once

#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace es {

// Dense row-major cost matrix.
class CostMatrix {
 public:
  CostMatrix() = default;
  CostMatrix(int rows, int cols, double fill = 0.0)
      : rows_(rows), cols_(cols), v_(static_cast<std::size_t>(rows) * cols, fill) {}
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  bool empty() const { return rows_ == 0 || cols_ == 0; }
  double& operator()(int r, int c) { return v_[static_cast<std::size_t>(r) * cols_ + c]; }
  double operator()(int r, int c) const { return v_[static_cast<std::size_t>(r) * cols_ + c]; }
  const double* data() const { return v_.data(); }

 private:
  int rows_ = 0, cols_ = 0;
  std::vector<double> v_;
};

struct Assignment {
  std::vector<std::pair<int, int>> matches;  // (row, col), ascending row
  std::vector<int> unmatched_rows;           // ascending
  std::vector<int> unmatched_cols;           // ascending
};

// Square LAPJV. cost is n x n row-major; on return row_to_col[i] is the column of row i and
// col_to_row[j] the row of column j (both permutations). Returns the total cost.
double SolveLapjv(int n, const double* cost, std::vector<int>* row_to_col,
                  std::vector<int>* col_to_row);

// Rectangular assignment with an optional cost limit (see the header comment).
Assignment LinearAssignment(const CostMatrix& cost,
                            double cost_limit = std::numeric_limits<double>::infinity());

// The same problem solved by one LAPJV on the whole extended matrix, without the component
// split and fast paths: the reference that LinearAssignment is tested and benchmarked against.
Assignment LinearAssignmentDense(const CostMatrix& cost,
                                 double cost_limit = std::numeric_limits<double>::infinity());

}  // namespace es
