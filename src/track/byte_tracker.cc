#include "track/byte_tracker.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "track/camera_motion.h"
#include "track/kalman_filter.h"
#include "track/lapjv.h"
#include "track/matching.h"
#include "track/noise_adapter.h"

// Differences from the official Python (yolox/tracker/byte_tracker.py), all deliberate:
//  * time instead of frames: the Kalman step uses the elapsed time, lost tracks expire after
//    track_buffer_s seconds since their last update (checked in Update and Predict);
//  * every track's Kalman state carries its own timestamp and is advanced to the call's time
//    exactly once, so Predict(t) followed by Update(t) does not predict twice; unconfirmed
//    tracks are advanced too (the Python skips them; with zero initial velocity only their
//    covariance differs);
//  * ids are per tracker and assigned on confirmation, so candidates that never confirm do not
//    consume ids; removed tracks are dropped, not kept in a removed list;
//  * score thresholds follow ByteTrackOptions (>= track_thresh is high, [low_thresh,
//    track_thresh) is low), the Python uses strict comparisons;
//  * IoU uses continuous pixel coordinates (no "+1");
//  * the extensions of ByteTrackOptions (height-modulated IoU with the plain-cost stage 1b,
//    OC-SORT momentum and re-update, adaptive noise, NSA noise, recovery stage 2b, camera-motion
//    compensation and the appearance tie-breaker,
//    duplicate_only_respawn, confirm_hits, center_dist_weight, static suppression); with
//    adaptive_noise=false, height_iou=false, momentum_weight=0, observation_reupdate=false,
//    nsa_kalman=false, recover_buffer=0, duplicate_only_respawn=false, confirm_hits=2,
//    center_dist_weight=0, static_suppress_s=0 and appearance_weight=0, and without
//    ApplyCameraMotion calls, the algorithm is the official one.

namespace es {

namespace {

enum class TrackState { kTracked, kLost, kRemoved };

struct STrack {
  int id = 0;  // 0 until confirmed
  TrackState state = TrackState::kTracked;
  bool activated = false;
  KalmanFilter::State kf;
  Timestamp kf_time;      // the time kf refers to
  Timestamp start_time;   // creation
  Timestamp last_update;  // last matched detection
  BBox box;               // tlwh derived from kf.mean
  float score = 0.f;
  int class_id = kClassPerson;
  int hits = 0;        // matched detections, creation included
  BBox last_obs;       // last matched detection box
  bool moved = false;  // left its static disc at least once (static clutter)
  float anchor_cx = 0.f, anchor_cy = 0.f, anchor_h = 0.f;  // first measured box
  // The last kHistory matched detections' centres and the Update() counts then (a ring; slot
  // (hist_len - 1) % kHistory is the latest). Momentum, re-update and adaptive noise read it.
  static constexpr int kHistory = 4;
  float hist_cx[kHistory] = {}, hist_cy[kHistory] = {};
  int64_t hist_update[kHistory] = {};
  int hist_len = 0;
  // Ring slot of the k-th latest observation (k = 1: the latest), or -1 when there are fewer.
  int Slot(int k) const { return hist_len >= k ? (hist_len - k) % kHistory : -1; }
  // Observation-centric re-update: the filter right after the last matched detection and its time.
  KalmanFilter::State kf_obs;
  Timestamp obs_time;
  // Observation-centric momentum: the centre of an earlier observation (about kMomentumDelta
  // updates before the last one) and whether there is one.
  float dir_cx = 0.f, dir_cy = 0.f;
  bool has_dir = false;
  // Appearance (track/appearance.h): a running mean of the matched high-score detections'
  // features, when the caller passes them.
  AppearanceFeature feature{};
  bool has_feature = false;
};

constexpr int64_t kMomentumDelta = 3;  // OC-SORT's delta_t

BBox MeanToBox(const KalmanFilter::StateVec& m) {
  const double h = m(3), w = m(2) * m(3);
  return {static_cast<float>(m(0) - w / 2), static_cast<float>(m(1) - h / 2), static_cast<float>(w),
          static_cast<float>(h)};
}

KalmanFilter::MeasVec BoxToXyah(const BBox& b) {
  KalmanFilter::MeasVec z;
  z << b.cx(), b.cy(), static_cast<double>(b.w) / b.h, b.h;
  return z;
}

bool ValidBox(const BBox& b) {
  return std::isfinite(b.x) && std::isfinite(b.y) && std::isfinite(b.w) && std::isfinite(b.h) &&
         b.w > 0.f && b.h > 0.f;
}

KalmanOptions MakeKalmanOptions(const ByteTrackOptions& o) {
  KalmanOptions k;
  k.reference_fps = o.reference_fps;
  return k;
}

// cost += weight * d^2 / c^2: d the centre distance, c the diagonal of the smallest box enclosing
// both (DIoU, Zheng et al. AAAI 2020, when weight = 1).
void AddCenterPenalty(CostMatrix& cost, const std::vector<BBox>& a, const std::vector<BBox>& b,
                      float weight) {
  for (int i = 0; i < cost.rows(); ++i) {
    const BBox& p = a[static_cast<size_t>(i)];
    for (int j = 0; j < cost.cols(); ++j) {
      const BBox& q = b[static_cast<size_t>(j)];
      const double dx = static_cast<double>(p.cx()) - q.cx();
      const double dy = static_cast<double>(p.cy()) - q.cy();
      const double ex = std::max(p.x + p.w, q.x + q.w) - std::min(p.x, q.x);
      const double ey = std::max(p.y + p.h, q.y + q.h) - std::min(p.y, q.y);
      const double c2 = ex * ex + ey * ey;
      if (c2 > 0.0) cost(i, j) += weight * (dx * dx + dy * dy) / c2;
    }
  }
}

// cost = 1 - (1 - cost) * HIoU: HIoU is the overlap of the boxes' vertical extents over their
// union (Hybrid-SORT's height-modulated IoU).
void ScaleByHeightIou(CostMatrix& cost, const std::vector<BBox>& a, const std::vector<BBox>& b) {
  for (int i = 0; i < cost.rows(); ++i) {
    const BBox& p = a[static_cast<size_t>(i)];
    for (int j = 0; j < cost.cols(); ++j) {
      if (cost(i, j) >= 1.0) continue;
      const BBox& q = b[static_cast<size_t>(j)];
      const float inter = std::min(p.y + p.h, q.y + q.h) - std::max(p.y, q.y);
      const float uni = std::max(p.y + p.h, q.y + q.h) - std::min(p.y, q.y);
      const double hiou = (inter > 0.f && uni > 0.f) ? static_cast<double>(inter) / uni : 0.0;
      cost(i, j) = 1.0 - (1.0 - cost(i, j)) * hiou;
    }
  }
}

void MapPoint(const CameraMotion& m, float* x, float* y) {
  double ox = 0, oy = 0;
  m.Map(*x, *y, &ox, &oy);
  *x = static_cast<float>(ox);
  *y = static_cast<float>(oy);
}

// A box under a similarity map: the centre is mapped, the size scaled.
BBox MapBox(const CameraMotion& m, const BBox& b) {
  float cx = b.cx(), cy = b.cy();
  MapPoint(m, &cx, &cy);
  const float s = static_cast<float>(m.Scale());
  return {cx - 0.5f * s * b.w, cy - 0.5f * s * b.h, s * b.w, s * b.h};
}

// The Kalman state (cx, cy, a, h and their rates) under a similarity map: position and
// velocity rotate and scale, height and its rate scale, the aspect ratio stays; the covariance
// goes through the same linear map (BoT-SORT's GMC warp, for the xyah state).
void MapState(const CameraMotion& m, KalmanFilter::State* s) {
  Eigen::Matrix2d r;
  r << m.m[0], m.m[1], m.m[3], m.m[4];
  KalmanFilter::StateCov j = KalmanFilter::StateCov::Identity();
  j.block<2, 2>(0, 0) = r;
  j.block<2, 2>(4, 4) = r;
  j(3, 3) = j(7, 7) = m.Scale();
  s->mean = j * s->mean;
  s->mean(0) += m.m[2];
  s->mean(1) += m.m[5];
  s->cov = j * s->cov * j.transpose();
}

}  // namespace

struct ByteTracker::Impl {
  explicit Impl(ByteTrackOptions o)
      : opt(o), kf(MakeKalmanOptions(o)), noise(kf.options().std_weight_position) {}

  ByteTrackOptions opt;
  KalmanFilter kf;
  // This Update's appearance features, indexed like its detections (null: none).
  const std::vector<AppearanceFeature>* features = nullptr;
  const Detection* dets_base = nullptr;
  std::vector<STrack> tracks;  // tracked (confirmed or not) and lost, in creation order
  int next_id = 1;
  int64_t update_count = 0;
  NoiseAdapter noise;

  // Predicts every track's state to t (no-op where it is already there) and refreshes boxes.
  void AdvanceTo(Timestamp t) {
    for (STrack& tr : tracks) {
      const double dt = (t - tr.kf_time).seconds();
      if (dt <= 0.0) continue;
      if (tr.state != TrackState::kTracked) tr.kf.mean(7) = 0.0;  // lost: freeze height rate
      kf.Predict(tr.kf, dt, ProcessScale());
      tr.kf_time = t;
      tr.box = MeanToBox(tr.kf.mean);
    }
  }

  void ExpireLost(Timestamp t) {
    for (STrack& tr : tracks) {
      if (tr.state == TrackState::kLost && (t - tr.last_update).seconds() > opt.track_buffer_s) {
        tr.state = TrackState::kRemoved;
      }
    }
  }

  double ProcessScale() const { return opt.adaptive_noise ? noise.process_scale() : 1.0; }

  double NoiseScale(float score) const {
    const double r = opt.adaptive_noise ? noise.measurement_scale() : 1.0;
    if (!opt.nsa_kalman) return r;
    return r * std::clamp(1.0 - static_cast<double>(score), static_cast<double>(opt.nsa_min_scale),
                          1.0);
  }

  // Feeds the noise adapter: the centre's second difference over three consecutive updates, and
  // the innovation of a confirmed track updated on consecutive updates by a high-score box.
  // Called before d enters the track's history.
  void Adapt(const STrack& tr, const Detection& d, double nis) {
    const int s1 = tr.Slot(1), s2 = tr.Slot(2);
    const bool consecutive = s1 >= 0 && tr.hist_update[s1] == update_count - 1;
    if (consecutive && s2 >= 0 && tr.hist_update[s2] == update_count - 2 && d.box.h > 0.f) {
      noise.AddJitter(std::fabs(d.box.cx() - 2 * tr.hist_cx[s1] + tr.hist_cx[s2]) / d.box.h);
      noise.AddJitter(std::fabs(d.box.cy() - 2 * tr.hist_cy[s1] + tr.hist_cy[s2]) / d.box.h);
    }
    if (consecutive && tr.activated && d.score >= opt.track_thresh) noise.AddNis(nis);
  }

  void NoteMotion(STrack& tr, const BBox& b) const {
    if (tr.moved) return;
    const float dx = b.cx() - tr.anchor_cx, dy = b.cy() - tr.anchor_cy;
    const float r = opt.static_move_frac * b.h;
    if (dx * dx + dy * dy > r * r ||
        std::fabs(b.h - tr.anchor_h) > opt.static_move_frac * tr.anchor_h) {
      tr.moved = true;
    }
  }

  void Activate(STrack& tr) {
    tr.activated = true;
    tr.id = next_id++;
  }

  // OC-SORT's ORU: roll the filter back to the last observation and re-run it through
  // observations interpolated linearly to d at the times of the missed updates.
  void Reupdate(STrack& tr, const Detection& d, Timestamp t) const {
    const int last = tr.Slot(1);
    if (last < 0) return;
    const int64_t n = update_count - tr.hist_update[last];
    if (n <= 1) return;
    KalmanFilter::State s = tr.kf_obs;
    const double span = (t - tr.obs_time).seconds();
    if (!(span > 0.0)) return;
    const BBox& a = tr.last_obs;
    const BBox& b = d.box;
    auto lerp = [](float from, float to, double f) {
      return static_cast<float>(from + f * (to - from));
    };
    double prev = 0.0;
    for (int64_t k = 1; k < n; ++k) {
      const double f = static_cast<double>(k) / static_cast<double>(n);
      const BBox v{lerp(a.x, b.x, f), lerp(a.y, b.y, f), lerp(a.w, b.w, f), lerp(a.h, b.h, f)};
      kf.Predict(s, f * span - prev, ProcessScale());
      kf.Update(s, BoxToXyah(v));
      prev = f * span;
    }
    kf.Predict(s, span - prev, ProcessScale());
    tr.kf = s;
  }

  // Keeps what the observation-centric options need (nothing when they are off: the filter
  // copy is the costly part).
  void NoteObservation(STrack& tr, const BBox& b, Timestamp t) const {
    const int slot = tr.hist_len % STrack::kHistory;
    tr.hist_cx[slot] = b.cx();
    tr.hist_cy[slot] = b.cy();
    tr.hist_update[slot] = update_count;
    ++tr.hist_len;
    if (opt.observation_reupdate) {
      tr.kf_obs = tr.kf;
      tr.obs_time = t;
    }
    if (!(opt.momentum_weight > 0.f)) return;
    // The oldest kept observation no more than kMomentumDelta updates back (OC-SORT's
    // k_previous_obs), else none.
    tr.has_dir = false;
    int64_t best = update_count;
    for (int i = 0; i < std::min(tr.hist_len, STrack::kHistory); ++i) {
      const int64_t u = tr.hist_update[i];
      if (u < update_count && update_count - u <= kMomentumDelta && u < best) {
        best = u;
        tr.dir_cx = tr.hist_cx[i];
        tr.dir_cy = tr.hist_cy[i];
        tr.has_dir = true;
      }
    }
  }

  const AppearanceFeature* FeatureOf(const Detection& d) const {
    return features ? &(*features)[static_cast<size_t>(&d - dets_base)] : nullptr;
  }

  // A running mean of the features of confident detections (partly hidden people's boxes
  // show their occluder's colours, so low-score ones are left out).
  void NoteAppearance(STrack& tr, const Detection& d) const {
    const AppearanceFeature* f = FeatureOf(d);
    if (!f || d.score < opt.track_thresh) return;
    if (!tr.has_feature) {
      tr.feature = *f;
      tr.has_feature = true;
      return;
    }
    const float a = opt.appearance_momentum;
    for (size_t i = 0; i < f->size(); ++i) tr.feature[i] = a * tr.feature[i] + (1 - a) * (*f)[i];
  }

  void Apply(STrack& tr, const Detection& d, Timestamp t) {
    if (opt.observation_reupdate) Reupdate(tr, d, t);
    NoteAppearance(tr, d);
    const double nis = kf.Update(tr.kf, BoxToXyah(d.box), NoiseScale(d.score));
    if (opt.adaptive_noise) Adapt(tr, d, nis);
    NoteObservation(tr, d.box, t);
    ++tr.hits;
    tr.last_obs = d.box;
    NoteMotion(tr, d.box);
    tr.box = MeanToBox(tr.kf.mean);
    tr.state = TrackState::kTracked;
    tr.score = d.score;
    tr.class_id = d.class_id;
    tr.last_update = t;
    if (!tr.activated && tr.hits >= opt.confirm_hits) Activate(tr);
  }

  // OC-SORT's momentum term: cost += w * score * angle / pi, where angle is between the
  // track's observed direction and the one from its last observation to the detection. Only
  // pairs the cost limit already allows are changed, and they stay allowed.
  void AddMomentum(CostMatrix& cost, const std::vector<int>& rows,
                   const std::vector<const Detection*>& cols, double thresh) const {
    for (int i = 0; i < cost.rows(); ++i) {
      const STrack& tr = tracks[static_cast<size_t>(rows[static_cast<size_t>(i)])];
      if (!tr.has_dir) continue;
      const double lx = tr.last_obs.cx(), ly = tr.last_obs.cy();
      double ux = lx - tr.dir_cx, uy = ly - tr.dir_cy;
      const double un = std::hypot(ux, uy);
      if (!(un > 1e-6)) continue;
      ux /= un;
      uy /= un;
      for (int j = 0; j < cost.cols(); ++j) {
        if (cost(i, j) > thresh) continue;
        const Detection& d = *cols[static_cast<size_t>(j)];
        const double vx = d.box.cx() - lx, vy = d.box.cy() - ly;
        const double vn = std::hypot(vx, vy);
        if (!(vn > 1e-6)) continue;
        const double c = std::clamp((ux * vx + uy * vy) / vn, -1.0, 1.0);
        cost(i, j) = std::min(
            thresh, cost(i, j) + opt.momentum_weight * d.score * std::acos(c) / 3.14159265358979);
      }
    }
  }

  // The appearance tie-breaker: cost += appearance_weight * (1 - similarity), only for pairs
  // the cost limit already allows, which stay allowed (like momentum; stage 1b then matches
  // what it left unmatched with the plain cost, so appearance never overrides motion).
  void AddAppearance(CostMatrix& cost, const std::vector<int>& rows,
                     const std::vector<const Detection*>& cols, double thresh) const {
    for (int i = 0; i < cost.rows(); ++i) {
      const STrack& tr = tracks[static_cast<size_t>(rows[static_cast<size_t>(i)])];
      if (!tr.has_feature) continue;
      for (int j = 0; j < cost.cols(); ++j) {
        if (cost(i, j) > thresh) continue;
        const AppearanceFeature* f = FeatureOf(*cols[static_cast<size_t>(j)]);
        if (!f) continue;
        cost(i, j) =
            std::min(thresh, cost(i, j) + opt.appearance_weight *
                                              (1.0 - AppearanceSimilarity(tr.feature, *f)));
      }
    }
  }

  bool UsesAppearance() const { return features && opt.appearance_weight > 0.f; }

  Assignment Associate(const std::vector<int>& rows, const std::vector<const Detection*>& cols,
                       bool fuse, double thresh, bool first_stage = false) const {
    std::vector<BBox> a, b;
    a.reserve(rows.size());
    b.reserve(cols.size());
    for (int r : rows) a.push_back(tracks[r].box);
    for (const Detection* d : cols) b.push_back(d->box);
    CostMatrix cost = IouDistance(a, b);
    if (first_stage && opt.height_iou) ScaleByHeightIou(cost, a, b);
    if (fuse) {
      std::vector<float> scores;
      scores.reserve(cols.size());
      for (const Detection* d : cols) scores.push_back(d->score);
      FuseScore(cost, scores);
    }
    if (opt.center_dist_weight > 0.f) AddCenterPenalty(cost, a, b, opt.center_dist_weight);
    if (first_stage && opt.momentum_weight > 0.f) AddMomentum(cost, rows, cols, thresh);
    if (first_stage && UsesAppearance()) AddAppearance(cost, rows, cols, thresh);
    if (opt.class_aware) {
      std::vector<int> rc, cc;
      for (int r : rows) rc.push_back(tracks[r].class_id);
      for (const Detection* d : cols) cc.push_back(d->class_id);
      GateClasses(cost, rc, cc, std::numeric_limits<double>::infinity());
    }
    return LinearAssignment(cost, thresh);
  }

  Assignment Recover(const std::vector<int>& rows,
                     const std::vector<const Detection*>& cols) const {
    const float b = opt.recover_buffer;
    auto expand = [b](const BBox& x) {
      return BBox{x.x - b * x.w, x.y - b * x.h, x.w * (1 + 2 * b), x.h * (1 + 2 * b)};
    };
    CostMatrix cost(static_cast<int>(rows.size()), static_cast<int>(cols.size()), 1.0);
    for (int i = 0; i < cost.rows(); ++i) {
      const STrack& tr = tracks[static_cast<size_t>(rows[static_cast<size_t>(i)])];
      const BBox p = expand(opt.recover_from_last_obs ? tr.last_obs : tr.box);
      for (int j = 0; j < cost.cols(); ++j) {
        if (opt.class_aware && tr.class_id != cols[static_cast<size_t>(j)]->class_id) continue;
        cost(i, j) = 1.0 - static_cast<double>(IoU(p, expand(cols[static_cast<size_t>(j)]->box)));
      }
    }
    return LinearAssignment(cost, opt.recover_match_thresh);
  }

  // Tracked vs lost pairs closer than duplicate_iou_dist: the shorter-lived one goes.
  void RemoveDuplicates() {
    std::vector<int> tracked, lost;
    for (int i = 0; i < static_cast<int>(tracks.size()); ++i) {
      if (tracks[i].state == TrackState::kTracked) tracked.push_back(i);
      if (tracks[i].state == TrackState::kLost) lost.push_back(i);
    }
    std::vector<int> drop;
    for (int p : tracked) {
      for (int q : lost) {
        const STrack &tp = tracks[p], &tq = tracks[q];
        if (opt.class_aware && tp.class_id != tq.class_id) continue;
        if (1.0f - IoU(tp.box, tq.box) >= opt.duplicate_iou_dist) continue;
        // Two tracks that were both tracked at the same time are two objects (one passing in
        // front of the other), not a track and its respawn.
        if (opt.duplicate_only_respawn && tp.start_time < tq.last_update) continue;
        const Duration age_p = tp.last_update - tp.start_time;
        const Duration age_q = tq.last_update - tq.start_time;
        drop.push_back(age_p > age_q ? q : p);
      }
    }
    for (int i : drop) tracks[i].state = TrackState::kRemoved;
  }

  bool SuppressedAsStatic(const STrack& tr, Timestamp t) const {
    return opt.static_suppress_s > 0.0 && !tr.moved &&
           (t - tr.start_time).seconds() > opt.static_suppress_s;
  }

  std::vector<TrackOutput> Outputs(bool predicted, Timestamp t) const {
    std::vector<TrackOutput> out;
    for (const STrack& tr : tracks) {
      if (tr.state != TrackState::kTracked || !tr.activated) continue;
      if (SuppressedAsStatic(tr, t)) continue;
      if (!(tr.box.w * tr.box.h > opt.min_box_area)) continue;
      if (opt.max_aspect_ratio > 0.f && tr.box.w / tr.box.h > opt.max_aspect_ratio) continue;
      out.push_back({tr.id, tr.class_id, tr.score, tr.box, predicted});
    }
    std::sort(out.begin(), out.end(),
              [](const TrackOutput& a, const TrackOutput& b) { return a.id < b.id; });
    return out;
  }

  std::vector<TrackOutput> Update(const std::vector<Detection>& dets, Timestamp t,
                                  const std::vector<AppearanceFeature>* feats) {
    features = feats && feats->size() == dets.size() && !dets.empty() ? feats : nullptr;
    dets_base = dets.data();
    ++update_count;
    AdvanceTo(t);

    std::vector<const Detection*> high, low;
    for (const Detection& d : dets) {
      if (!ValidBox(d.box) || !std::isfinite(d.score)) continue;
      if (d.score >= opt.track_thresh) {
        high.push_back(&d);
      } else if (d.score >= opt.low_thresh) {
        low.push_back(&d);
      }
    }

    std::vector<int> unconfirmed, pool;  // pool: confirmed tracked first, then lost
    for (int i = 0; i < static_cast<int>(tracks.size()); ++i) {
      if (tracks[i].state != TrackState::kTracked) continue;
      (tracks[i].activated ? pool : unconfirmed).push_back(i);
    }
    for (int i = 0; i < static_cast<int>(tracks.size()); ++i) {
      if (tracks[i].state == TrackState::kLost) pool.push_back(i);
    }

    // 1. High-score detections vs confirmed tracked + lost.
    const Assignment first = Associate(pool, high, opt.fuse_score, opt.match_thresh, true);
    for (auto [r, c] : first.matches) Apply(tracks[pool[r]], *high[c], t);
    std::vector<int> unmatched_tracks;
    std::vector<const Detection*> left;
    for (int r : first.unmatched_rows) unmatched_tracks.push_back(pool[r]);
    for (int c : first.unmatched_cols) left.push_back(high[c]);
    // 1b. With height-modulated IoU (or momentum) the first stage only ranks candidates: what it
    // left unmatched is matched again by the plain ByteTrack cost, so the cue breaks ties but
    // never loses a match plain IoU would make.
    if ((opt.height_iou || opt.momentum_weight > 0.f || UsesAppearance()) &&
        !unmatched_tracks.empty() && !left.empty()) {
      const Assignment again = Associate(unmatched_tracks, left, opt.fuse_score, opt.match_thresh);
      for (auto [r, c] : again.matches) Apply(tracks[unmatched_tracks[r]], *left[c], t);
      std::vector<int> rows;
      std::vector<const Detection*> cols;
      for (int r : again.unmatched_rows) rows.push_back(unmatched_tracks[r]);
      for (int c : again.unmatched_cols) cols.push_back(left[c]);
      unmatched_tracks.swap(rows);
      left.swap(cols);
    }

    // 2. Low-score detections vs the remaining tracked (not lost) ones.
    std::vector<int> remaining;
    for (int i : unmatched_tracks) {
      if (tracks[i].state == TrackState::kTracked) remaining.push_back(i);
    }
    const Assignment second = Associate(remaining, low, false, opt.low_match_thresh);
    for (auto [r, c] : second.matches) Apply(tracks[remaining[r]], *low[c], t);
    for (int r : second.unmatched_rows) tracks[remaining[r]].state = TrackState::kLost;

    // 2b. Recovery: lost tracks (including those lost just now) vs leftover high detections by
    // buffered IoU (C-BIoU), which tolerates the drift of a prediction made without detections.
    if (opt.recover_buffer > 0.f && !left.empty()) {
      std::vector<int> lost;
      for (int i : pool) {
        if (tracks[i].state == TrackState::kLost) lost.push_back(i);
      }
      const Assignment rec = Recover(lost, left);
      std::vector<bool> used(left.size(), false);
      for (auto [r, c] : rec.matches) {
        Apply(tracks[lost[r]], *left[c], t);
        used[c] = true;
      }
      std::vector<const Detection*> rest;
      for (size_t c = 0; c < left.size(); ++c) {
        if (!used[c]) rest.push_back(left[c]);
      }
      left.swap(rest);
    }

    // 3. Unconfirmed tracks vs leftover high detections; unmatched ones are dropped.
    const Assignment third =
        Associate(unconfirmed, left, opt.fuse_score, opt.unconfirmed_match_thresh);
    for (auto [r, c] : third.matches) Apply(tracks[unconfirmed[r]], *left[c], t);
    for (int r : third.unmatched_rows) tracks[unconfirmed[r]].state = TrackState::kRemoved;

    // 4. New tracks; confirmed at once only on the very first Update.
    for (int c : third.unmatched_cols) {
      const Detection& d = *left[c];
      if (d.score < opt.new_track_thresh) continue;
      STrack tr;
      tr.kf = kf.Initiate(BoxToXyah(d.box));
      tr.kf_time = tr.start_time = tr.last_update = t;
      tr.box = MeanToBox(tr.kf.mean);
      tr.score = d.score;
      tr.class_id = d.class_id;
      tr.hits = 1;
      tr.last_obs = d.box;
      NoteObservation(tr, d.box, t);
      NoteAppearance(tr, d);
      tr.anchor_cx = d.box.cx();
      tr.anchor_cy = d.box.cy();
      tr.anchor_h = d.box.h;
      if (update_count == 1 || tr.hits >= opt.confirm_hits) Activate(tr);
      tracks.push_back(tr);
    }

    // 5. Age out lost tracks, drop duplicates, forget removed ones.
    ExpireLost(t);
    RemoveDuplicates();
    std::erase_if(tracks, [](const STrack& tr) { return tr.state == TrackState::kRemoved; });
    features = nullptr;
    dets_base = nullptr;
    return Outputs(false, t);
  }

  // Everything a track remembers in pixel coordinates moves with the camera: the filter, the
  // last observation, the centre history (so camera shake does not count as detector jitter in
  // the noise adapter), the static anchor and the momentum direction.
  void ApplyCameraMotion(const CameraMotion& m) {
    if (!m.ok) return;
    const float s = static_cast<float>(m.Scale());
    for (STrack& tr : tracks) {
      MapState(m, &tr.kf);
      tr.box = MeanToBox(tr.kf.mean);
      tr.last_obs = MapBox(m, tr.last_obs);
      for (int i = 0; i < std::min(tr.hist_len, STrack::kHistory); ++i) {
        MapPoint(m, &tr.hist_cx[i], &tr.hist_cy[i]);
      }
      MapPoint(m, &tr.anchor_cx, &tr.anchor_cy);
      tr.anchor_h *= s;
      if (tr.has_dir) MapPoint(m, &tr.dir_cx, &tr.dir_cy);
      if (opt.observation_reupdate) MapState(m, &tr.kf_obs);
    }
  }

  std::vector<TrackOutput> Predict(Timestamp t) {
    AdvanceTo(t);
    ExpireLost(t);
    std::erase_if(tracks, [](const STrack& tr) { return tr.state == TrackState::kRemoved; });
    return Outputs(true, t);
  }
};

ByteTracker::ByteTracker(ByteTrackOptions options) : impl_(std::make_unique<Impl>(options)) {}
ByteTracker::~ByteTracker() = default;
ByteTracker::ByteTracker(ByteTracker&&) noexcept = default;
ByteTracker& ByteTracker::operator=(ByteTracker&&) noexcept = default;

std::vector<TrackOutput> ByteTracker::Update(const std::vector<Detection>& detections,
                                             Timestamp t) {
  return impl_->Update(detections, t, nullptr);
}

std::vector<TrackOutput> ByteTracker::Update(const std::vector<Detection>& detections, Timestamp t,
                                             const std::vector<AppearanceFeature>& features) {
  return impl_->Update(detections, t, &features);
}

void ByteTracker::ApplyCameraMotion(const CameraMotion& motion) {
  impl_->ApplyCameraMotion(motion);
}

std::vector<TrackOutput> ByteTracker::Predict(Timestamp t) { return impl_->Predict(t); }

void ByteTracker::Reset() {
  impl_->tracks.clear();
  impl_->next_id = 1;
  impl_->update_count = 0;
  impl_->noise.Reset();
}

const ByteTrackOptions& ByteTracker::options() const { return impl_->opt; }

int ByteTracker::num_live_tracks() const { return static_cast<int>(impl_->tracks.size()); }

}  // namespace es
