#include "track/lapjv.h"

#include <algorithm>
#include <cmath>

namespace es {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Per-thread scratch, reused by every call so that a steady stream of small problems does not
// touch the allocator; each vector keeps the capacity of the largest problem seen.
struct Scratch {
  // LAPJV state.
  std::vector<int> x, y, free, list, pred, col;
  std::vector<double> v, d;
  std::vector<char> multi;
  // Extended (or padded) square matrix.
  std::vector<double> ext;
  // Component split.
  std::vector<int> parent, allowed, comp_of, comp_size, comp_start, comp_fill, members, row_match;
  std::vector<char> col_used;
};

Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

// Jonker-Volgenant on a dense n x n matrix, 0-based; -1 marks "unassigned". The result is left
// in s.x (row -> column) and s.y (column -> row).
class Lapjv {
 public:
  Lapjv(int n, const double* c, Scratch& s)
      : n_(n),
        c_(c),
        x_(s.x),
        y_(s.y),
        v_(s.v),
        multi_(s.multi),
        free_(s.free),
        list_(s.list),
        d_(s.d),
        pred_(s.pred),
        col_(s.col) {
    x_.assign(n, -1);
    y_.assign(n, -1);
    v_.assign(n, 0.0);
  }

  void Solve() {
    if (n_ == 1) {
      x_[0] = y_[0] = 0;
      return;
    }
    ColumnReduction();
    ReductionTransfer();
    for (int pass = 0; pass < 2 && !free_.empty(); ++pass) AugmentingRowReduction();
    for (int f : free_) Augment(f);  // Augment does not touch free_
  }

 private:
  double C(int i, int j) const { return c_[static_cast<size_t>(i) * n_ + j]; }

  // v[j] = min_i c(i, j); the first row attaining the minimum gets column j if it is still
  // free. Rows that received several columns keep only the first (marked by `multi`).
  void ColumnReduction() {
    multi_.assign(n_, 0);
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
        multi_[imin] = 1;
        y_[j] = -1;
      }
    }
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
    list_.swap(free_);  // list_ = the free rows, free_ collects the ones still free
    free_.clear();
    std::vector<int>& list = list_;
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
    std::vector<double>& d = d_;
    std::vector<int>&pred = pred_, &col = col_;
    d.resize(n_);
    pred.assign(n_, f);
    col.resize(n_);
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
  std::vector<int>& x_;
  std::vector<int>& y_;
  std::vector<double>& v_;
  std::vector<char>& multi_;
  std::vector<int>& free_;
  std::vector<int>& list_;
  std::vector<double>& d_;
  std::vector<int>& pred_;
  std::vector<int>& col_;
};

// Builds the (nr + nc) extended matrix of the limited problem restricted to rows[0..nr) and
// cols[0..nc) (identity index maps when rows/cols are null) into s.ext, solves it, and writes
// row_match[rows[a]] = cols[b] for every matched pair with cost <= limit.
void SolveLimited(const CostMatrix& cost, double limit, const int* rows, int nr, const int* cols,
                  int nc, Scratch& s) {
  // [C  L/2; L/2  0]: a row or column left alone costs L/2. Costs above the limit are clamped
  // to it (never better than leaving both unmatched) and filtered out below.
  const int n = nr + nc;
  s.ext.resize(static_cast<size_t>(n) * n);
  double* e = s.ext.data();
  const double half = limit / 2;
  for (int a = 0; a < nr; ++a) {
    const int i = rows ? rows[a] : a;
    double* er = e + static_cast<size_t>(a) * n;
    for (int b = 0; b < nc; ++b) er[b] = std::min(cost(i, cols ? cols[b] : b), limit);
    std::fill(er + nc, er + n, half);
  }
  for (int a = nr; a < n; ++a) {
    double* er = e + static_cast<size_t>(a) * n;
    std::fill(er, er + nc, half);
    std::fill(er + nc, er + n, 0.0);
  }
  Lapjv(n, e, s).Solve();
  for (int a = 0; a < nr; ++a) {
    const int b = s.x[a];
    if (b >= nc) continue;
    const int i = rows ? rows[a] : a, j = cols ? cols[b] : b;
    if (cost(i, j) <= limit) s.row_match[i] = j;
  }
}

// Turns s.row_match (rows() entries, -1 = unmatched) into an Assignment.
Assignment Collect(int r, int c, Scratch& s) {
  Assignment out;
  s.col_used.assign(c, 0);
  for (int i = 0; i < r; ++i) {
    const int j = s.row_match[i];
    if (j >= 0) {
      out.matches.emplace_back(i, j);
      s.col_used[j] = 1;
    } else {
      out.unmatched_rows.push_back(i);
    }
  }
  for (int j = 0; j < c; ++j) {
    if (!s.col_used[j]) out.unmatched_cols.push_back(j);
  }
  return out;
}

Assignment AllUnmatched(int r, int c) {
  Assignment out;
  for (int i = 0; i < r; ++i) out.unmatched_rows.push_back(i);
  for (int j = 0; j < c; ++j) out.unmatched_cols.push_back(j);
  return out;
}

int Find(std::vector<int>& parent, int a) {
  while (parent[a] != a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

}  // namespace

double SolveLapjv(int n, const double* cost, std::vector<int>* row_to_col,
                  std::vector<int>* col_to_row) {
  if (n <= 0) {
    row_to_col->clear();
    col_to_row->clear();
    return 0.0;
  }
  Scratch& s = ThreadScratch();
  Lapjv(n, cost, s).Solve();
  double total = 0;
  for (int i = 0; i < n; ++i) total += cost[static_cast<size_t>(i) * n + s.x[i]];
  row_to_col->assign(s.x.begin(), s.x.begin() + n);
  col_to_row->assign(s.y.begin(), s.y.begin() + n);
  return total;
}

Assignment LinearAssignmentDense(const CostMatrix& cost, double cost_limit) {
  const int r = cost.rows(), c = cost.cols();
  if (cost.empty()) return AllUnmatched(r, c);
  Scratch& s = ThreadScratch();
  s.row_match.assign(r, -1);
  if (std::isfinite(cost_limit)) {
    SolveLimited(cost, cost_limit, nullptr, r, nullptr, c, s);
  } else {
    const int n = std::max(r, c);  // pad with zero-cost dummies
    s.ext.assign(static_cast<size_t>(n) * n, 0.0);
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < c; ++j) s.ext[static_cast<size_t>(i) * n + j] = cost(i, j);
    }
    Lapjv(n, s.ext.data(), s).Solve();
    for (int i = 0; i < r; ++i) {
      if (s.x[i] < c) s.row_match[i] = s.x[i];
    }
  }
  return Collect(r, c, s);
}

Assignment LinearAssignment(const CostMatrix& cost, double cost_limit) {
  const int r = cost.rows(), c = cost.cols();
  if (cost.empty()) return AllUnmatched(r, c);
  if (!std::isfinite(cost_limit)) return LinearAssignmentDense(cost, cost_limit);
  Scratch& s = ThreadScratch();
  s.row_match.assign(r, -1);

  // Union-find over rows (0..r-1) and columns (r..r+c-1) joined by allowed pairs.
  const int nodes = r + c;
  std::vector<int>& parent = s.parent;
  parent.resize(nodes);
  for (int k = 0; k < nodes; ++k) parent[k] = k;
  int edges = 0;
  std::vector<int>& allowed = s.allowed;
  allowed.resize(c);
  for (int i = 0; i < r; ++i) {
    // Branch-free compaction of the row's allowed columns (most pairs are not allowed).
    const double* row = cost.data() + static_cast<size_t>(i) * c;
    int k = 0;
    for (int j = 0; j < c; ++j) {
      allowed[k] = j;
      k += row[j] <= cost_limit;
    }
    edges += k;
    for (int e = 0; e < k; ++e) {
      const int a = Find(parent, i), b = Find(parent, r + allowed[e]);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);  // root = smallest node
    }
  }
  if (edges == 0) return Collect(r, c, s);

  // Number the components that have an allowed pair (roots in node order), then list each
  // one's rows and columns in ascending order: members[comp_start[k] .. comp_start[k + 1]).
  std::vector<int>& comp_of = s.comp_of;  // per node: component index, -1 if isolated
  comp_of.assign(nodes, -1);
  std::vector<int>& start = s.comp_start;
  start.clear();
  // A node is isolated iff it is its own root and nothing else joined it; count sizes first.
  std::vector<int>& size = s.comp_size;
  size.assign(nodes, 0);
  for (int k = 0; k < nodes; ++k) ++size[Find(parent, k)];
  int ncomp = 0;
  for (int k = 0; k < nodes; ++k) {
    const int root = parent[k];  // fully compressed by the loop above
    if (size[root] < 2) continue;
    if (comp_of[root] < 0) comp_of[root] = ncomp++;
    comp_of[k] = comp_of[root];
  }
  start.assign(ncomp + 1, 0);
  for (int k = 0; k < nodes; ++k) {
    if (comp_of[k] >= 0) ++start[comp_of[k] + 1];
  }
  for (int k = 0; k < ncomp; ++k) start[k + 1] += start[k];
  std::vector<int>& fill = s.comp_fill;
  fill.assign(start.begin(), start.end() - 1);
  std::vector<int>& members = s.members;  // rows as i, columns as r + j, ascending per component
  members.resize(start[ncomp]);
  for (int k = 0; k < nodes; ++k) {
    if (comp_of[k] >= 0) members[fill[comp_of[k]]++] = k;
  }

  for (int k = 0; k < ncomp; ++k) {
    int* m = members.data() + start[k];
    const int len = start[k + 1] - start[k];
    const int nr = static_cast<int>(std::lower_bound(m, m + len, r) - m);  // rows come first
    const int nc = len - nr;
    if (nr == 1) {
      // One row: its cheapest allowed column (the first one on ties).
      const int i = m[0];
      int best = m[1] - r;
      for (int b = 2; b < len; ++b) {
        if (cost(i, m[b] - r) < cost(i, best)) best = m[b] - r;
      }
      s.row_match[i] = best;
    } else if (nc == 1) {
      const int j = m[nr] - r;
      int best = m[0];
      for (int a = 1; a < nr; ++a) {
        if (cost(m[a], j) < cost(best, j)) best = m[a];
      }
      s.row_match[best] = j;
    } else {
      for (int b = nr; b < len; ++b) m[b] -= r;  // column indices
      SolveLimited(cost, cost_limit, m, nr, m + nr, nc, s);
    }
  }
  return Collect(r, c, s);
}

}  // namespace es
