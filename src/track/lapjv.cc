#include "track/lapjv.h"

#include <algorithm>
#include <cmath>

namespace es {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Jonker-Volgenant on a dense n x n matrix, 0-based; -1 marks "unassigned".
class Lapjv {
 public:
  Lapjv(int n, const double* c) : n_(n), c_(c), x_(n, -1), y_(n, -1), v_(n, 0.0) {}

  double Solve(std::vector<int>* x, std::vector<int>* y) {
    if (n_ == 1) {
      x_[0] = y_[0] = 0;
    } else {
      ColumnReduction();
      ReductionTransfer();
      for (int pass = 0; pass < 2 && !free_.empty(); ++pass) AugmentingRowReduction();
      for (int f : std::vector<int>(free_)) Augment(f);
    }
    double total = 0;
    for (int i = 0; i < n_; ++i) total += C(i, x_[i]);
    *x = std::move(x_);
    *y = std::move(y_);
    return total;
  }

 private:
  double C(int i, int j) const { return c_[static_cast<size_t>(i) * n_ + j]; }

  // v[j] = min_i c(i, j); the first row attaining the minimum gets column j if it is still
  // free. Rows that received several columns keep only the first (marked by `multi`).
  void ColumnReduction() {
    std::vector<char> multi(n_, 0);
    for (int j = n_ - 1; j >= 0; --j) {
      int imin = 0;
      double h = C(0, j);
      for (int i = 1; i < n_; ++i) {
        if (C(i, j) < h) {
          h = C(i, j);
          imin = i;
        }
      }
      v_[j] = h;
      if (x_[imin] < 0) {
        x_[imin] = j;
        y_[j] = imin;
      } else {
        multi[imin] = 1;
        y_[j] = -1;
      }
    }
    multi_.swap(multi);
  }

  // Rows assigned exactly one column transfer their reduction to that column's price.
  void ReductionTransfer() {
    free_.clear();
    for (int i = 0; i < n_; ++i) {
      if (x_[i] < 0) {
        free_.push_back(i);
      } else if (!multi_[i]) {
        const int j1 = x_[i];
        double mn = kInf;
        for (int j = 0; j < n_; ++j) {
          if (j != j1) mn = std::min(mn, C(i, j) - v_[j]);
        }
        v_[j1] -= mn;
      }
    }
  }

  // Each free row takes its cheapest column (by reduced cost), lowering that column's price by
  // the gap to the second cheapest; the displaced row becomes free again.
  void AugmentingRowReduction() {
    std::vector<int> list = free_;
    free_.clear();
    size_t k = 0;
    // Guard against floating-point cycling (prices dropping by ever smaller amounts).
    long steps = 0;
    const long max_steps = static_cast<long>(n_) * static_cast<long>(list.size() + 1);
    while (k < list.size()) {
      const int i = list[k++];
      double u1 = C(i, 0) - v_[0], u2 = kInf;
      int j1 = 0, j2 = -1;
      for (int j = 1; j < n_; ++j) {
        const double h = C(i, j) - v_[j];
        if (h < u2) {
          if (h >= u1) {
            u2 = h;
            j2 = j;
          } else {
            u2 = u1;
            u1 = h;
            j2 = j1;
            j1 = j;
          }
        }
      }
      int i1 = y_[j1];
      const double v1_new = v_[j1] - (u2 - u1);
      const bool lowers = u1 < u2 && v1_new < v_[j1];
      if (lowers) {
        if (++steps > max_steps) {  // give up on this row; augmentation will place it
          free_.push_back(i);
          continue;
        }
        v_[j1] = v1_new;
      } else if (u1 == u2 && i1 >= 0 && j2 >= 0) {
        // Tie: prefer the second column (it may be free), both are minimal for row i.
        j1 = j2;
        i1 = y_[j1];
      }
      if (i1 >= 0) {
        if (lowers) {
          list[--k] = i1;  // re-process the displaced row immediately
        } else {
          free_.push_back(i1);
        }
        x_[i1] = -1;
      }
      x_[i] = j1;
      y_[j1] = i;
    }
  }

  // Shortest augmenting path (Dijkstra on reduced costs) from free row `f`.
  void Augment(int f) {
    std::vector<double> d(n_);
    std::vector<int> pred(n_, f), col(n_);
    for (int j = 0; j < n_; ++j) {
      d[j] = C(f, j) - v_[j];
      col[j] = j;
    }
    int low = 0, up = 0, last = 0, jend = -1;
    double mn = 0;
    while (jend < 0) {
      if (up == low) {
        // Collect the columns with the minimum d into col[low, up).
        last = low;
        mn = d[col[up]];
        ++up;
        for (int k = up; k < n_; ++k) {
          const int j = col[k];
          const double h = d[j];
          if (h <= mn) {
            if (h < mn) {
              up = low;
              mn = h;
            }
            col[k] = col[up];
            col[up] = j;
            ++up;
          }
        }
        for (int k = low; k < up; ++k) {
          if (y_[col[k]] < 0) {
            jend = col[k];
            break;
          }
        }
        if (jend >= 0) break;
      }
      // Scan the row assigned to the next minimum column.
      const int j1 = col[low++];
      const int i = y_[j1];
      const double u1 = C(i, j1) - v_[j1] - mn;
      for (int k = up; k < n_; ++k) {
        const int j = col[k];
        const double h = C(i, j) - v_[j] - u1;
        if (h < d[j]) {
          d[j] = h;
          pred[j] = i;
          if (h == mn) {
            if (y_[j] < 0) {
              jend = j;
              break;
            }
            col[k] = col[up];
            col[up] = j;
            ++up;
          }
        }
      }
    }
    // Price update for the columns scanned before the last minimum was found.
    for (int k = 0; k < last; ++k) {
      const int j = col[k];
      v_[j] += d[j] - mn;
    }
    // Augment along the predecessor path.
    int j = jend;
    while (true) {
      const int i = pred[j];
      y_[j] = i;
      const int prev = x_[i];
      x_[i] = j;
      if (i == f) break;
      j = prev;
    }
  }

  int n_;
  const double* c_;
  std::vector<int> x_, y_;
  std::vector<double> v_;
  std::vector<char> multi_;
  std::vector<int> free_;
};

}  // namespace

double SolveLapjv(int n, const double* cost, std::vector<int>* row_to_col,
                  std::vector<int>* col_to_row) {
  if (n <= 0) {
    row_to_col->clear();
    col_to_row->clear();
    return 0.0;
  }
  return Lapjv(n, cost).Solve(row_to_col, col_to_row);
}

Assignment LinearAssignment(const CostMatrix& cost, double cost_limit) {
  Assignment out;
  const int r = cost.rows(), c = cost.cols();
  if (cost.empty()) {
    for (int i = 0; i < r; ++i) out.unmatched_rows.push_back(i);
    for (int j = 0; j < c; ++j) out.unmatched_cols.push_back(j);
    return out;
  }
  const bool limited = std::isfinite(cost_limit);
  int n;
  std::vector<double> ext;
  if (limited) {
    // [C  L/2; L/2  0]: a row or column left alone costs L/2. Costs above the limit are clamped
    // to it (never better than leaving both unmatched) and filtered out below.
    n = r + c;
    ext.assign(static_cast<size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        double v;
        if (i < r && j < c) {
          v = std::min(cost(i, j), cost_limit);
        } else if (i < r || j < c) {
          v = cost_limit / 2;
        } else {
          v = 0.0;
        }
        ext[static_cast<size_t>(i) * n + j] = v;
      }
    }
  } else {
    n = std::max(r, c);  // pad with zero-cost dummies
    ext.assign(static_cast<size_t>(n) * n, 0.0);
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < c; ++j) ext[static_cast<size_t>(i) * n + j] = cost(i, j);
    }
  }
  std::vector<int> x, y;
  SolveLapjv(n, ext.data(), &x, &y);
  std::vector<char> col_used(c, 0);
  for (int i = 0; i < r; ++i) {
    const int j = x[i];
    if (j < c && (!limited || cost(i, j) <= cost_limit)) {
      out.matches.emplace_back(i, j);
      col_used[j] = 1;
    } else {
      out.unmatched_rows.push_back(i);
    }
  }
  for (int j = 0; j < c; ++j) {
    if (!col_used[j]) out.unmatched_cols.push_back(j);
  }
  return out;
}

}  // namespace es
