#include "track/hota.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "track/lapjv.h"

namespace es {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// DetRe, DetPr, DetA, HOTA from TP/FN/FP and AssA (TrackEval _compute_final_fields).
void ComputeFinalFields(HotaResult* r) {
  for (int a = 0; a < kHotaNumAlphas; ++a) {
    const double tp = r->tp[a], fn = r->fn[a], fp = r->fp[a];
    r->det_re[a] = tp / std::max(1.0, tp + fn);
    r->det_pr[a] = tp / std::max(1.0, tp + fp);
    r->det_a[a] = tp / std::max(1.0, tp + fn + fp);
    r->hota[a] = std::sqrt(r->det_a[a] * r->ass_a[a]);
  }
}

}  // namespace

double HotaAlpha(int i) { return 0.05 + 0.05 * static_cast<double>(i); }

double HotaResult::Mean(const PerAlpha& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

HotaResult EvaluateHota(const MotEvalSequence& seq) {
  HotaResult res;
  if (seq.num_tracker_dets == 0 || seq.num_gt_dets == 0) {
    res.fn.fill(static_cast<double>(seq.num_tracker_dets == 0 ? seq.num_gt_dets : 0));
    res.fp.fill(static_cast<double>(seq.num_tracker_dets == 0 ? 0 : seq.num_tracker_dets));
    res.loc_a.fill(1.0);
    ComputeFinalFields(&res);
    return res;
  }
  const size_t ng = seq.gt_ids.size(), nt = seq.tracker_ids.size();
  std::vector<double> potential(ng * nt, 0.0);
  std::vector<double> gt_count(ng, 0.0), tr_count(nt, 0.0);

  // Pass 1: global association information.
  for (const MotEvalFrame& f : seq.frames) {
    const size_t g = f.gt.size(), t = f.tracker.size();
    std::vector<double> row_sum(g, 0.0), col_sum(t, 0.0);
    for (size_t i = 0; i < g; ++i) {
      for (size_t j = 0; j < t; ++j) {
        row_sum[i] += f.Iou(i, j);
        col_sum[j] += f.Iou(i, j);
      }
    }
    for (size_t i = 0; i < g; ++i) {
      for (size_t j = 0; j < t; ++j) {
        const double sim = f.Iou(i, j);
        const double denom = col_sum[j] + row_sum[i] - sim;
        if (denom > 0 + kEps) potential[f.gt[i] * nt + f.tracker[j]] += sim / denom;
      }
    }
    for (int id : f.gt) gt_count[id] += 1;
    for (int id : f.tracker) tr_count[id] += 1;
  }
  std::vector<double> global_score(ng * nt);
  for (size_t i = 0; i < ng; ++i) {
    for (size_t j = 0; j < nt; ++j) {
      const double p = potential[i * nt + j];
      global_score[i * nt + j] = p / (gt_count[i] + tr_count[j] - p);
    }
  }

  // Pass 2: per-frame matching and per-alpha counts.
  std::vector<std::vector<double>> matches_count(kHotaNumAlphas, std::vector<double>(ng * nt));
  HotaResult::PerAlpha loc_sum{};
  for (const MotEvalFrame& f : seq.frames) {
    const size_t g = f.gt.size(), t = f.tracker.size();
    if (g == 0 || t == 0) {
      for (int a = 0; a < kHotaNumAlphas; ++a) {
        res.fp[a] += static_cast<double>(t);
        res.fn[a] += static_cast<double>(g);
      }
      continue;
    }
    // Maximise score = global_score * similarity (<= 1): minimise 1 - score with min(g, t) pairs.
    CostMatrix cost(static_cast<int>(g), static_cast<int>(t));
    for (size_t i = 0; i < g; ++i) {
      for (size_t j = 0; j < t; ++j) {
        cost(static_cast<int>(i), static_cast<int>(j)) =
            1.0 - global_score[f.gt[i] * nt + f.tracker[j]] * f.Iou(i, j);
      }
    }
    const Assignment asg = LinearAssignment(cost);
    for (int a = 0; a < kHotaNumAlphas; ++a) {
      const double alpha = HotaAlpha(a);
      int num_matches = 0;
      for (const auto& [i, j] : asg.matches) {
        const double sim = f.Iou(static_cast<size_t>(i), static_cast<size_t>(j));
        if (sim >= alpha - kEps) {
          ++num_matches;
          loc_sum[a] += sim;
          matches_count[a][f.gt[i] * nt + f.tracker[j]] += 1;
        }
      }
      res.tp[a] += num_matches;
      res.fn[a] += static_cast<double>(g) - num_matches;
      res.fp[a] += static_cast<double>(t) - num_matches;
    }
  }

  for (int a = 0; a < kHotaNumAlphas; ++a) {
    double ass_a = 0, ass_re = 0, ass_pr = 0;
    const std::vector<double>& m = matches_count[a];
    for (size_t i = 0; i < ng; ++i) {
      for (size_t j = 0; j < nt; ++j) {
        const double c = m[i * nt + j];
        if (c == 0) continue;
        ass_a += c * c / std::max(1.0, gt_count[i] + tr_count[j] - c);
        ass_re += c * c / std::max(1.0, gt_count[i]);
        ass_pr += c * c / std::max(1.0, tr_count[j]);
      }
    }
    const double tp = std::max(1.0, res.tp[a]);
    res.ass_a[a] = ass_a / tp;
    res.ass_re[a] = ass_re / tp;
    res.ass_pr[a] = ass_pr / tp;
    res.loc_a[a] = std::max(1e-10, loc_sum[a]) / std::max(1e-10, res.tp[a]);
  }
  ComputeFinalFields(&res);
  return res;
}

HotaResult CombineHota(const std::vector<HotaResult>& parts) {
  HotaResult res;
  for (int a = 0; a < kHotaNumAlphas; ++a) {
    double ass_a = 0, ass_re = 0, ass_pr = 0, loc = 0;
    for (const HotaResult& p : parts) {
      res.tp[a] += p.tp[a];
      res.fn[a] += p.fn[a];
      res.fp[a] += p.fp[a];
      ass_a += p.ass_a[a] * p.tp[a];
      ass_re += p.ass_re[a] * p.tp[a];
      ass_pr += p.ass_pr[a] * p.tp[a];
      loc += p.loc_a[a] * p.tp[a];
    }
    res.ass_a[a] = ass_a / std::max(1.0, res.tp[a]);
    res.ass_re[a] = ass_re / std::max(1.0, res.tp[a]);
    res.ass_pr[a] = ass_pr / std::max(1.0, res.tp[a]);
    res.loc_a[a] = std::max(1e-10, loc) / std::max(1e-10, res.tp[a]);
  }
  ComputeFinalFields(&res);
  return res;
}

}  // namespace es
