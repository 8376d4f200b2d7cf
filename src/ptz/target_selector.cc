#include "ptz/target_selector.h"

#include <cmath>

namespace es {
namespace {
constexpr double kForgetTrackS = 10.0;  // ages of tracks unseen this long are dropped
}  // namespace

const char* SelectorStateName(SelectorState s) {
  switch (s) {
    case SelectorState::kIdle: return "idle";
    case SelectorState::kTracking: return "tracking";
    case SelectorState::kHolding: return "holding";
    case SelectorState::kSearching: return "searching";
    case SelectorState::kHome: return "home";
  }
  return "unknown";
}

TargetSelector::TargetSelector(RayCalibration calibration, TargetSelectorOptions options)
    : calib_(calibration), o_(std::move(options)) {}

bool TargetSelector::Eligible(const TrackOutput& tr) const {
  if (!o_.class_priority.empty()) {
    bool listed = false;
    for (int c : o_.class_priority) listed = listed || c == tr.class_id;
    if (!listed) return false;
  }
  if (o_.zone_mode == ZoneMode::kOnly && !o_.zone.empty()) {
    return PointInPolygon(Point2(tr.box.cx(), tr.box.y2()), o_.zone);
  }
  return true;
}

TargetSelector::Rank TargetSelector::RankOf(const TrackOutput& tr, Timestamp t) const {
  Rank r;
  for (size_t i = 0; i < o_.class_priority.size(); ++i) {
    if (o_.class_priority[i] == tr.class_id) {
      r.tier = static_cast<int>(i) * 2;
      break;
    }
  }
  if (o_.zone_mode == ZoneMode::kPrefer && !o_.zone.empty() &&
      !PointInPolygon(Point2(tr.box.cx(), tr.box.y2()), o_.zone)) {
    r.tier += 1;  // outside the preferred zone: after every inside track of the same class
  }
  if (o_.rank == TargetRank::kLargest) {
    r.score = tr.box.area();
  } else {
    const auto it = first_seen_.find(tr.id);
    r.score = it == first_seen_.end() ? 0.0 : (t - it->second).seconds();
  }
  return r;
}

bool TargetSelector::Better(const TrackOutput& a, const TrackOutput& b, Timestamp t) const {
  const Rank ra = RankOf(a, t), rb = RankOf(b, t);
  if (ra.tier != rb.tier) return ra.tier < rb.tier;
  if (ra.score != rb.score) return ra.score > rb.score;
  const Timestamp fa = first_seen_.at(a.id), fb = first_seen_.at(b.id);
  if (fa != fb) return fa < fb;
  return a.id < b.id;
}

const TrackOutput* TargetSelector::Best(const std::vector<TrackOutput>& tracks,
                                        Timestamp t) const {
  const TrackOutput* best = nullptr;
  for (const auto& tr : tracks) {
    if (!Eligible(tr)) continue;
    if (!best || Better(tr, *best, t)) best = &tr;
  }
  return best;
}

void TargetSelector::Select(const TrackOutput& tr) {
  current_id_ = tr.id;
  ++handoffs_;
  have_state_ = have_rate_ = false;
  challenger_id_ = -1;
  last_rp_ = last_rt_ = 0;
}

void TargetSelector::Enter(SelectorState s, Timestamp t, Selection* out) {
  if (state_ != s) {
    state_ = s;
    state_since_ = t;
    out->entered = true;
  }
  out->state = s;
}

Selection TargetSelector::Update(const std::vector<TrackOutput>& tracks, Timestamp t) {
  std::map<int, bool> present;
  for (const auto& tr : tracks) {
    first_seen_.try_emplace(tr.id, t);
    last_seen_by_id_[tr.id] = t;
    present[tr.id] = true;
  }
  // Forget tracks unseen for a while (bounded memory on an endless stream; ids are not reused).
  for (auto it = last_seen_by_id_.begin(); it != last_seen_by_id_.end();) {
    if ((t - it->second).seconds() > kForgetTrackS && it->first != current_id_) {
      first_seen_.erase(it->first);
      it = last_seen_by_id_.erase(it);
    } else {
      ++it;
    }
  }

  Selection out;
  const TrackOutput* current = nullptr;
  for (const auto& tr : tracks) {
    if (tr.id == current_id_) current = &tr;
  }
  if (current && !Eligible(*current)) current = nullptr;  // left the zone: hand off now
  const bool left = current_id_ >= 0 && !current && present.count(current_id_);

  const TrackOutput* chosen = nullptr;
  if (current) {
    chosen = current;
    // Stickiness: a challenger must rank better (by tier, or by the margin) for switch_after_s.
    const TrackOutput* best = Best(tracks, t);
    bool challenged = false;
    if (best && best != current) {
      const Rank rb = RankOf(*best, t), rc = RankOf(*current, t);
      challenged = rb.tier < rc.tier ||
                   (rb.tier == rc.tier && rb.score > (1.0 + o_.switch_margin) * rc.score);
    }
    if (!challenged) {
      challenger_id_ = -1;
    } else if (challenger_id_ != best->id) {
      challenger_id_ = best->id;
      challenger_since_ = t;
    } else if ((t - challenger_since_).seconds() >= o_.switch_after_s) {
      chosen = best;
      Select(*best);
    }
  } else {
    const bool waiting = current_id_ >= 0 && !left && state_ != SelectorState::kSearching &&
                         state_ != SelectorState::kHome && state_ != SelectorState::kIdle &&
                         (t - last_seen_).seconds() <= o_.hold_s;
    if (!waiting) {
      chosen = Best(tracks, t);
      if (chosen) Select(*chosen);
    }
  }

  if (chosen) {
    last_seen_ = t;
    Enter(SelectorState::kTracking, t, &out);
    out.target = Observe(*chosen, t);
  } else if (current_id_ < 0) {
    Enter(SelectorState::kIdle, t, &out);
  } else if (state_ == SelectorState::kTracking || state_ == SelectorState::kHolding) {
    if (!left && (t - last_seen_).seconds() <= o_.hold_s) {
      Enter(SelectorState::kHolding, t, &out);
    } else {
      Enter(SelectorState::kSearching, t, &out);
    }
  } else if (state_ == SelectorState::kSearching) {
    if ((t - state_since_).seconds() > o_.search_s) {
      Enter(SelectorState::kHome, t, &out);
    } else {
      Enter(SelectorState::kSearching, t, &out);
    }
  } else {
    Enter(state_, t, &out);
  }
  out.track_id = current_id_;
  out.last_known = {pan_, tilt_};
  return out;
}

TargetObservation TargetSelector::Observe(const TrackOutput& tr, Timestamp t) {
  const BBox& b = tr.box;
  const PanTilt pt = calib_.PixelToPanTilt(b.cx(), b.cy());
  if (!have_state_) {
    pan_ = pt.pan_deg;
    tilt_ = pt.tilt_deg;
    pan_rate_ = tilt_rate_ = 0;
    have_state_ = true;
  } else {
    const double dt = (t - state_t_).seconds();
    if (dt > 0) {
      if (!have_rate_) {
        pan_rate_ = std::remainder(pt.pan_deg - pan_, 360.0) / dt;
        tilt_rate_ = (pt.tilt_deg - tilt_) / dt;
        pan_ = pt.pan_deg;
        tilt_ = pt.tilt_deg;
        have_rate_ = true;
      } else {
        const double pp = pan_ + pan_rate_ * dt, tp = tilt_ + tilt_rate_ * dt;
        const double rp = std::remainder(pt.pan_deg - pp, 360.0), rt = pt.tilt_deg - tp;
        // Manoeuvre detection: residuals beyond maneuver_deg on consecutive frames with the
        // same sign (a stop, a turn) switch to the fast gains until they subside.
        const bool man_p = std::abs(rp) > o_.maneuver_deg && rp * last_rp_ > 0 &&
                           std::abs(last_rp_) > o_.maneuver_deg;
        const bool man_t = std::abs(rt) > o_.maneuver_deg && rt * last_rt_ > 0 &&
                           std::abs(last_rt_) > o_.maneuver_deg;
        pan_ = pp + (man_p ? o_.alpha_fast : o_.alpha) * rp;
        tilt_ = tp + (man_t ? o_.alpha_fast : o_.alpha) * rt;
        pan_rate_ += (man_p ? o_.beta_fast : o_.beta) * rp / dt;
        tilt_rate_ += (man_t ? o_.beta_fast : o_.beta) * rt / dt;
        last_rp_ = rp;
        last_rt_ = rt;
      }
    }
  }
  state_t_ = t;
  TargetObservation obs;
  obs.t = t;
  obs.track_id = current_id_;
  obs.pan_deg = pan_;
  obs.tilt_deg = tilt_;
  obs.pan_rate_dps = pan_rate_;
  obs.tilt_rate_dps = tilt_rate_;
  obs.angular_height_deg =
      AngleBetweenDeg(calib_.PixelToRay(b.cx(), b.y), calib_.PixelToRay(b.cx(), b.y2()));
  return obs;
}

}  // namespace es
