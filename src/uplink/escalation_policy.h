// EscalationPolicy: which of a camera's tracks go to edgesight-backend for verification on this
// frame (EscalateOptions, escalate_options.h). Pure: no I/O, no clock; time is the frame's media
// time passed in, so a run over the same footage chooses the same tracks.
//
// Contract
// - Decide(tracks, zones_of, t_s) looks at the frame's confirmed tracks that a detection
//   updated (predicted boxes are skipped) and returns the ones to escalate, each with one
//   reason, first match wins: "class" (class in options.classes), "zone" (inside one of
//   options.zones; zones_of maps a track id to the zones it is in), "uncertain" (score in
//   [score_lo, score_hi]), "audit" (any other track, once per track, when AuditPicked()).
// - Limits: a track is escalated at most once per min_interval_s (t_s of its last escalation);
//   the camera at most max_per_hour times in any 3600 s window of t_s (sliding: the times of
//   the last escalations are kept; not the UTC hour). A candidate refused by a limit is counted
//   (skipped_interval / skipped_budget) and tried again on a later frame.
// - Forget(track_id) drops a track's state when it ends (bounded memory).
// - AuditPicked(stream, track_id, rate): FNV-1a hash (splitmix64-finished) of
//   "<stream>/<track_id>" mapped to [0, 1) below rate; deterministic across runs and machines.
// Thread-safety: not thread-safe; one caller (the camera's track thread).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "edgesight/types.h"
#include "uplink/escalate_options.h"

namespace es {

struct EscalationChoice {
  TrackOutput track;
  std::string reason;  // "class", "zone", "uncertain", "audit"
  std::string zone;    // reason "zone": the zone's name
};

struct EscalationPolicyStats {
  int64_t chosen = 0;
  std::map<std::string, int64_t> by_reason;
  int64_t skipped_interval = 0;  // candidates within min_interval_s of the track's last one
  int64_t skipped_budget = 0;    // candidates over max_per_hour
};

class EscalationPolicy {
 public:
  EscalationPolicy(EscalateOptions options, std::string stream)
      : o_(std::move(options)), stream_(std::move(stream)) {}

  std::vector<EscalationChoice> Decide(const std::vector<TrackOutput>& tracks,
                                       const std::map<int, std::set<std::string>>& zones_of,
                                       double t_s);
  void Forget(int track_id);

  static bool AuditPicked(const std::string& stream, int track_id, double rate);

  const EscalationPolicyStats& stats() const { return stats_; }
  const EscalateOptions& options() const { return o_; }

 private:
  // The reason to escalate `t`, or "" (zone set when the reason is "zone").
  std::string ReasonFor(const TrackOutput& t, const std::map<int, std::set<std::string>>& zones_of,
                        std::string* zone) const;

  EscalateOptions o_;
  std::string stream_;
  std::map<int, double> last_;  // track id -> t_s of its last escalation
  std::set<int> audited_;       // tracks already audited (or found not picked)
  std::deque<double> window_;   // t_s of the escalations in the last 3600 s
  EscalationPolicyStats stats_;
};

}  // namespace es
