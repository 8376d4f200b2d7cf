// HOTA (Higher Order Tracking Accuracy, Luiten et al., IJCV 2021) over a prepared MOTChallenge
// sequence (mot_io.h), computed as TrackEval's trackeval/metrics/hota.py does:
//   - similarity = IoU; for each of the 19 thresholds alpha = 0.05, 0.10, ..., 0.95;
//   - a global alignment score per (gt id, tracker id) from the potential-matches matrix,
//     accumulated over the whole sequence from the per-frame normalised similarity
//     sim / (row sum + column sum - sim) (only where that denominator > machine epsilon);
//   - per frame one assignment maximising global_alignment_score * similarity, whose pairs with
//     similarity >= alpha - epsilon are the true positives at alpha;
//   - DetA = TP / max(1, TP + FN + FP), AssA = sum over TPs of the pair's association Jaccard
//     / max(1, TP), HOTA = sqrt(DetA * AssA), LocA = max(1e-10, sum of similarities)
//     / max(1e-10, TP); the reported value of each is the mean over the 19 alphas.
// CombineHota is TrackEval's combine_sequences: TP/FN/FP summed per alpha, AssA/AssRe/AssPr and
// LocA averaged with weight TP.
// Thread-safety: pure functions. Failure: none (an empty side gives 0 except LocA = 1).
#pragma once

#include <array>

#include "track/mot_io.h"

namespace es {

inline constexpr int kHotaNumAlphas = 19;
// alpha_i = 0.05 + 0.05 * i as numpy.arange(0.05, 0.99, 0.05) computes it.
double HotaAlpha(int i);

struct HotaResult {
  using PerAlpha = std::array<double, kHotaNumAlphas>;
  PerAlpha tp{}, fn{}, fp{};
  PerAlpha hota{}, det_a{}, ass_a{}, det_re{}, det_pr{}, ass_re{}, ass_pr{}, loc_a{};

  // Means over the alphas (fractions), as TrackEval reports them.
  double Hota() const { return Mean(hota); }
  double DetA() const { return Mean(det_a); }
  double AssA() const { return Mean(ass_a); }
  double DetRe() const { return Mean(det_re); }
  double DetPr() const { return Mean(det_pr); }
  double AssRe() const { return Mean(ass_re); }
  double AssPr() const { return Mean(ass_pr); }
  double LocA() const { return Mean(loc_a); }
  static double Mean(const PerAlpha& v);
};

HotaResult EvaluateHota(const MotEvalSequence& seq);
HotaResult CombineHota(const std::vector<HotaResult>& parts);

}  // namespace es
