// CLEAR MOT and identity (IDF1) metrics over a prepared MOTChallenge sequence (mot_io.h).
//
// CLEAR MOT follows py-motmetrics (MOTAccumulator.update + metrics.py), frame by frame:
//   1. a gt object keeps the tracker id it was last matched to (in any earlier frame) if that
//      id is present and the pair's distance d = 1 - IoU is <= max_distance (0.5);
//   2. the remaining objects and hypotheses are assigned by minimum total distance among the
//      pairs with d <= max_distance, with as many pairs as possible (py-motmetrics replaces
//      forbidden pairs by a large constant); a pair whose object was last matched to another
//      tracker id is a SWITCH (IDSW), otherwise a MATCH;
//   3. unmatched objects are misses (FN), unmatched hypotheses false positives (FP).
//   MOTA = 1 - (FN + FP + IDSW) / num_gt. MOTP is reported both ways: py-motmetrics' mean
//   distance (mean 1 - IoU over matches and switches, lower is better) and the MOTChallenge
//   convention 1 - that (mean IoU, higher is better). Mostly tracked: an object matched in
//   >= 80% of its frames; mostly lost: < 20%; partially tracked: the rest. A fragmentation is
//   a tracked -> missed transition between an object's first and last tracked frame.
// Identity metrics follow Ristani et al. 2016 (py-motmetrics id_global_assignment, TrackEval
//   identity.py): a global one-to-one matching of gt ids to tracker ids that maximises IDTP, the
//   number of frames where the pair overlaps at IoU >= 0.5 (equivalent to minimising IDFP +
//   IDFN with the fp/fn dummy extension). IDF1 = 2 IDTP / (num_gt + num_tracker_dets).
// Combining sequences sums the counts (ids are per sequence), then computes the ratios.
// Thread-safety: pure functions. Failure: none (empty inputs give zero counts; a ratio with a
// zero denominator is 0).
#pragma once

#include <cstdint>
#include <vector>

#include "track/mot_io.h"

namespace es {

struct ClearOptions {
  double max_distance = 0.5;    // a pair may match when 1 - IoU <= this
  double mostly_tracked = 0.8;  // tracked ratio >= this: MT
  double mostly_lost = 0.2;     // tracked ratio < this: ML
};

struct ClearCounts {
  int64_t num_gt = 0;           // gt boxes (objects)
  int64_t num_predictions = 0;  // tracker boxes
  int64_t num_matches = 0;      // MATCH events (not counting switches)
  int64_t num_switches = 0;     // IDSW
  int64_t num_false_positives = 0;
  int64_t num_misses = 0;  // FN
  int64_t num_fragmentations = 0;
  int64_t num_gt_ids = 0;  // unique gt trajectories
  int64_t mostly_tracked = 0, partially_tracked = 0, mostly_lost = 0;
  double sum_distance = 0;  // sum of 1 - IoU over matches and switches
};

struct ClearScores {
  double mota = 0;           // fraction; 1 - (FN + FP + IDSW) / num_gt (0 when num_gt == 0)
  double motp_distance = 0;  // py-motmetrics MOTP: mean 1 - IoU over detections, lower is better
  double motp_overlap = 0;   // MOTChallenge MOTP: 1 - motp_distance (mean IoU), higher is better
  double recall = 0, precision = 0;
};

ClearCounts EvaluateClear(const MotEvalSequence& seq, const ClearOptions& options = {});
ClearCounts CombineClear(const std::vector<ClearCounts>& parts);
ClearScores ScoreClear(const ClearCounts& c);

struct IdentityCounts {
  int64_t idtp = 0, idfp = 0, idfn = 0;
};

struct IdentityScores {
  double idf1 = 0, idp = 0, idr = 0;  // fractions
};

// iou_threshold: a frame counts for a (gt id, tracker id) pair when IoU >= this.
IdentityCounts EvaluateIdentity(const MotEvalSequence& seq, double iou_threshold = 0.5);
IdentityCounts CombineIdentity(const std::vector<IdentityCounts>& parts);
IdentityScores ScoreIdentity(const IdentityCounts& c);

}  // namespace es
