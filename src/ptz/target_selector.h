// TargetSelector: picks the PTZ target among the wide-lens tracks, turns it into a
// TargetObservation (pan/tilt, angular rate, angular height) through the calibration, and runs
// the lost-target state machine (hold, search, return home).
//
// Eligibility: a track is a candidate when its class is in class_priority (any class when the
// list is empty) and, with zone_mode kOnly and a zone set, its foot point (bottom centre of the
// box, wide-image pixels) lies inside the zone polygon (boundary counts as inside).
// Ranking: tier first — the class's position in class_priority, then (zone_mode kPrefer) inside
// the zone before outside — then the score within a tier: box area (rank kLargest) or time since
// the track was first seen (kLongestLived); ties go to the longest-lived, then the lowest id.
// Stickiness: the current target is kept while it is reported and eligible, unless a challenger
// ranks better — a better tier, or the same tier with a score above (1 + switch_margin) times the
// current one — continuously for switch_after_s. Hand-off: when the current target leaves (no
// longer eligible, e.g. out of the only-zone) the best candidate takes over at once; when it is
// missing from the tracks for longer than hold_s, likewise.
// States: kIdle (no target; at home) -> kTracking (a target is reported this frame) ->
// kHolding (the target is missing, up to hold_s: no observation, the controller coasts) ->
// kSearching (lost with no candidate: the PTZ holds around last_known for search_s) -> kHome
// (search over: return to the home position; stays until a candidate appears). A candidate in
// any state starts kTracking. Selection::entered is true on the frame a state is entered so the
// caller issues one search / home command.
// The angular rate comes from an alpha-beta filter on the mapped pan/tilt, reset on hand-off;
// two consecutive same-sign residuals above maneuver_deg (a stop or a turn) switch to the fast
// gains (alpha_fast, beta_fast: not underdamped, so the rate does not ring past zero).
// Thread-safety: not thread-safe; one selector per PTZ. Deterministic. Failure: none; a bad
// zone polygon is the caller's to validate (ValidatePolygon); no tracks -> no observation.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "analytics/geometry.h"
#include "edgesight/time.h"
#include "edgesight/types.h"
#include "ptz/ptz_controller.h"
#include "ptz/ray_calibration.h"

namespace es {

enum class ZoneMode { kOnly, kPrefer };
enum class TargetRank { kLargest, kLongestLived };
enum class SelectorState { kIdle, kTracking, kHolding, kSearching, kHome };
const char* SelectorStateName(SelectorState s);

struct TargetSelectorOptions {
  std::vector<int> class_priority;  // class ids, most wanted first; empty: every class, one tier
  Polygon zone;                     // wide-image pixels; empty: no zone
  ZoneMode zone_mode = ZoneMode::kOnly;
  TargetRank rank = TargetRank::kLargest;
  double switch_margin = 0.5;  // same-tier challenger must score (1 + margin) x the current
  double switch_after_s = 1.0;  // ... continuously for this long before the switch
  double hold_s = 0.5;          // keep waiting for a missing current track this long
  double search_s = 5.0;        // then hold/search around the last direction this long
  double alpha = 0.5;           // alpha-beta filter position gain
  double beta = 0.08;           // alpha-beta filter rate gain
  double alpha_fast = 0.7;      // position gain while manoeuvring (stop, turn)
  double beta_fast = 0.3;       // rate gain while manoeuvring; with alpha_fast not underdamped
  double maneuver_deg = 0.25;   // residual magnitude that counts as a manoeuvre
};

struct Selection {
  SelectorState state = SelectorState::kIdle;
  bool entered = false;                     // state entered on this update
  std::optional<TargetObservation> target;  // set in kTracking
  int track_id = -1;                        // current (or last) target
  PanTilt last_known;                       // last filtered direction of the target
};

class TargetSelector {
 public:
  TargetSelector(RayCalibration calibration, TargetSelectorOptions options = {});
  Selection Update(const std::vector<TrackOutput>& tracks, Timestamp t);
  int current_id() const { return current_id_; }
  int handoffs() const { return handoffs_; }
  SelectorState state() const { return state_; }

 private:
  struct Rank {
    int tier = 0;
    double score = 0;
  };
  bool Eligible(const TrackOutput& tr) const;
  Rank RankOf(const TrackOutput& tr, Timestamp t) const;
  // True when a ranks strictly better than b (tier, score, age, id).
  bool Better(const TrackOutput& a, const TrackOutput& b, Timestamp t) const;
  const TrackOutput* Best(const std::vector<TrackOutput>& tracks, Timestamp t) const;
  void Select(const TrackOutput& tr);
  TargetObservation Observe(const TrackOutput& tr, Timestamp t);
  void Enter(SelectorState s, Timestamp t, Selection* out);

  RayCalibration calib_;
  TargetSelectorOptions o_;
  std::map<int, Timestamp> first_seen_, last_seen_by_id_;
  int current_id_ = -1;
  int handoffs_ = -1;  // the first selection is not a hand-off
  Timestamp last_seen_, state_since_;
  SelectorState state_ = SelectorState::kIdle;
  int challenger_id_ = -1;
  Timestamp challenger_since_;
  // alpha-beta state
  bool have_state_ = false, have_rate_ = false;
  Timestamp state_t_;
  double pan_ = 0, tilt_ = 0, pan_rate_ = 0, tilt_rate_ = 0;
  double last_rp_ = 0, last_rt_ = 0;  // previous residuals
};

}  // namespace es
