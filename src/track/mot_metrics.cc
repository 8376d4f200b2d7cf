#include "track/mot_metrics.h"

#include <algorithm>
#include <cmath>

#include "track/lapjv.h"

namespace es {
namespace {

double Ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

}  // namespace

ClearCounts EvaluateClear(const MotEvalSequence& seq, const ClearOptions& opt) {
  ClearCounts c;
  const size_t num_gt_ids = seq.gt_ids.size();
  c.num_gt_ids = static_cast<int64_t>(num_gt_ids);
  std::vector<int> last_match(num_gt_ids, -1);         // gt id -> tracker id (py-mm self.m)
  std::vector<std::vector<char>> tracked(num_gt_ids);  // per gt id, per present frame

  for (const MotEvalFrame& f : seq.frames) {
    const size_t ng = f.gt.size(), nt = f.tracker.size();
    c.num_gt += static_cast<int64_t>(ng);
    c.num_predictions += static_cast<int64_t>(nt);
    std::vector<char> gm(ng, 0), tm(nt, 0);
    auto dist = [&](size_t i, size_t j) { return 1.0 - f.Iou(i, j); };
    auto valid = [&](size_t i, size_t j) { return dist(i, j) <= opt.max_distance; };
    auto record = [&](size_t i, size_t j) {
      gm[i] = tm[j] = 1;
      last_match[f.gt[i]] = f.tracker[j];
      c.sum_distance += dist(i, j);
    };

    if (ng > 0 && nt > 0) {
      // 1. Carry forward established correspondences.
      for (size_t i = 0; i < ng; ++i) {
        const int h = last_match[f.gt[i]];
        if (h < 0) continue;
        for (size_t j = 0; j < nt; ++j) {
          if (tm[j] || f.tracker[j] != h) continue;
          if (valid(i, j)) {
            record(i, j);
            ++c.num_matches;
          }
          break;
        }
      }
      // 2. Minimum-distance assignment of the rest, maximum cardinality first.
      std::vector<size_t> rows, cols;
      for (size_t i = 0; i < ng; ++i)
        if (!gm[i]) rows.push_back(i);
      for (size_t j = 0; j < nt; ++j)
        if (!tm[j]) cols.push_back(j);
      if (!rows.empty() && !cols.empty()) {
        double max_abs = 0;
        bool any_valid = false;
        for (size_t i : rows) {
          for (size_t j : cols) {
            if (valid(i, j)) {
              any_valid = true;
              max_abs = std::max(max_abs, std::fabs(dist(i, j)));
            }
          }
        }
        if (any_valid) {
          // py-motmetrics lap.add_expensive_edges: a forbidden pair costs more than any
          // assignment made only of allowed pairs, so the number of allowed pairs is maximal.
          const double r = static_cast<double>(std::min(rows.size(), cols.size()));
          const double large = 2.0 * r * (max_abs + 1.0) + 1.0;
          CostMatrix cost(static_cast<int>(rows.size()), static_cast<int>(cols.size()));
          for (size_t a = 0; a < rows.size(); ++a) {
            for (size_t b = 0; b < cols.size(); ++b) {
              cost(static_cast<int>(a), static_cast<int>(b)) =
                  valid(rows[a], cols[b]) ? dist(rows[a], cols[b]) : large;
            }
          }
          const Assignment asg = LinearAssignment(cost);
          for (const auto& [a, b] : asg.matches) {
            const size_t i = rows[a], j = cols[b];
            if (!valid(i, j)) continue;
            const int prev = last_match[f.gt[i]];
            if (prev >= 0 && prev != f.tracker[j]) {
              ++c.num_switches;
            } else {
              ++c.num_matches;
            }
            record(i, j);
          }
        }
      }
    }
    // 3./4. Misses and false positives.
    for (size_t i = 0; i < ng; ++i) {
      if (!gm[i]) ++c.num_misses;
      tracked[f.gt[i]].push_back(gm[i]);
    }
    for (size_t j = 0; j < nt; ++j) {
      if (!tm[j]) ++c.num_false_positives;
    }
  }

  for (const std::vector<char>& h : tracked) {
    if (h.empty()) continue;
    const auto n_tracked = std::count(h.begin(), h.end(), 1);
    const double ratio = static_cast<double>(n_tracked) / static_cast<double>(h.size());
    if (ratio >= opt.mostly_tracked) {
      ++c.mostly_tracked;
    } else if (ratio >= opt.mostly_lost) {
      ++c.partially_tracked;
    } else {
      ++c.mostly_lost;
    }
    if (n_tracked == 0) continue;
    const size_t first = static_cast<size_t>(std::find(h.begin(), h.end(), 1) - h.begin());
    const size_t last =
        h.size() - 1 - static_cast<size_t>(std::find(h.rbegin(), h.rend(), 1) - h.rbegin());
    for (size_t k = first + 1; k <= last; ++k) {
      if (h[k - 1] && !h[k]) ++c.num_fragmentations;
    }
  }
  return c;
}

ClearCounts CombineClear(const std::vector<ClearCounts>& parts) {
  ClearCounts s;
  for (const ClearCounts& p : parts) {
    s.num_gt += p.num_gt;
    s.num_predictions += p.num_predictions;
    s.num_matches += p.num_matches;
    s.num_switches += p.num_switches;
    s.num_false_positives += p.num_false_positives;
    s.num_misses += p.num_misses;
    s.num_fragmentations += p.num_fragmentations;
    s.num_gt_ids += p.num_gt_ids;
    s.mostly_tracked += p.mostly_tracked;
    s.partially_tracked += p.partially_tracked;
    s.mostly_lost += p.mostly_lost;
    s.sum_distance += p.sum_distance;
  }
  return s;
}

ClearScores ScoreClear(const ClearCounts& c) {
  ClearScores s;
  const double detections = static_cast<double>(c.num_matches + c.num_switches);
  s.mota = c.num_gt > 0
               ? 1.0 - static_cast<double>(c.num_misses + c.num_false_positives + c.num_switches) /
                           static_cast<double>(c.num_gt)
               : 0.0;
  s.motp_distance = Ratio(c.sum_distance, detections);
  s.motp_overlap = detections > 0 ? 1.0 - s.motp_distance : 0.0;
  s.recall = Ratio(detections, static_cast<double>(c.num_gt));
  s.precision = Ratio(detections, detections + static_cast<double>(c.num_false_positives));
  return s;
}

IdentityCounts EvaluateIdentity(const MotEvalSequence& seq, double iou_threshold) {
  const size_t ng = seq.gt_ids.size(), nt = seq.tracker_ids.size();
  IdentityCounts c;
  if (seq.num_tracker_dets == 0 || seq.num_gt_dets == 0) {
    c.idfn = seq.num_gt_dets;
    c.idfp = seq.num_tracker_dets;
    return c;
  }
  std::vector<double> overlap(ng * nt, 0.0);  // frames where (gt id, tracker id) IoU >= thr
  for (const MotEvalFrame& f : seq.frames) {
    for (size_t i = 0; i < f.gt.size(); ++i) {
      for (size_t j = 0; j < f.tracker.size(); ++j) {
        if (f.Iou(i, j) >= iou_threshold) overlap[f.gt[i] * nt + f.tracker[j]] += 1;
      }
    }
  }
  // Maximise IDTP: minimise (max - overlap); min(ng, nt) pairs, so the constant shift is exact.
  const double max_overlap = *std::max_element(overlap.begin(), overlap.end());
  CostMatrix cost(static_cast<int>(ng), static_cast<int>(nt));
  for (size_t i = 0; i < ng; ++i) {
    for (size_t j = 0; j < nt; ++j) {
      cost(static_cast<int>(i), static_cast<int>(j)) = max_overlap - overlap[i * nt + j];
    }
  }
  const Assignment asg = LinearAssignment(cost);
  double idtp = 0;
  for (const auto& [i, j] : asg.matches) idtp += overlap[static_cast<size_t>(i) * nt + j];
  c.idtp = static_cast<int64_t>(std::llround(idtp));
  c.idfn = seq.num_gt_dets - c.idtp;
  c.idfp = seq.num_tracker_dets - c.idtp;
  return c;
}

IdentityCounts CombineIdentity(const std::vector<IdentityCounts>& parts) {
  IdentityCounts s;
  for (const IdentityCounts& p : parts) {
    s.idtp += p.idtp;
    s.idfp += p.idfp;
    s.idfn += p.idfn;
  }
  return s;
}

IdentityScores ScoreIdentity(const IdentityCounts& c) {
  IdentityScores s;
  const double tp = static_cast<double>(c.idtp);
  s.idp = Ratio(tp, tp + static_cast<double>(c.idfp));
  s.idr = Ratio(tp, tp + static_cast<double>(c.idfn));
  s.idf1 = Ratio(2 * tp, 2 * tp + static_cast<double>(c.idfp + c.idfn));
  return s;
}

}  // namespace es
