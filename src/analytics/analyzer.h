// Analyzer: turns confirmed tracks into zone, line, loitering and track-lifecycle events.
//
// Contract: one Analyzer per stream. Update() is fed every processed frame with the confirmed
// tracks of that frame (an empty vector when there are none: time still advances) and the
// frame's stream-clock Timestamp; it returns the events that frame produced, in a deterministic
// order (by track id; per track: track start, zones in configured order, lines in configured
// order; then tracks that timed out). Everything ages by Timestamp, never by frame count, so
// the same motion gives the same events at 5 fps and at 30 fps. A track is located by its
// anchor point (AnalyticsOptions::anchor, default bottom-centre of the box). Tracks flagged
// `predicted` count as seen. Timestamps must not go backwards; an older one is treated as the
// latest seen. Finish() ends every open episode (end of stream).
// Semantics: zone membership uses PointInPolygon (boundary = inside); a zone's class filter
// (and a line's) hides other classes from it entirely. Lines: see LineOptions (side A = left of
// a->b on screen) and AnalyticsOptions::line_hysteresis_px. A crossing is only counted when the
// anchor's path from its last position strictly on the old side to its first position strictly
// on the new side meets the finite segment a-b.
// Thread-safety: not thread-safe; one thread drives an Analyzer. Ownership: shares the
// EventIdSource (which may be shared with other Analyzers). Failure: Create() validates the
// options and identity and returns InvalidArgument; Update() cannot fail.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analytics/analytics_options.h"
#include "analytics/event.h"
#include "analytics/event_id_source.h"
#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

// Cumulative crossings of one line, per class id.
struct LineCounts {
  std::map<int, int64_t> a_to_b;
  std::map<int, int64_t> b_to_a;
};

class Analyzer {
 public:
  // device and stream: non-empty, without '/'; ids: non-null.
  static Result<Analyzer> Create(AnalyticsOptions options, std::string device, std::string stream,
                                 std::shared_ptr<EventIdSource> ids);

  std::vector<Event> Update(const std::vector<TrackOutput>& tracks, Timestamp t,
                            const FrameMeta& meta);
  // Ends every live track (zone exits, loiter ends, track ends at their last-seen time).
  std::vector<Event> Finish();

  // Current occupancy of a zone per class id (classes with 0 are omitted); empty when unknown.
  std::map<int, int> ZoneOccupancy(const std::string& zone) const;
  // Cumulative crossings of a line; empty when unknown.
  LineCounts LineTotals(const std::string& line) const;
  // {"zones":{"<name>":{"<class>":n}},"lines":{"<name>":{"A->B":{"<class>":n},"B->A":{..}}}}
  nlohmann::json CountsJson() const;
  // Number of tracks currently alive (seen within end_after_s).
  size_t live_tracks() const { return tracks_.size(); }
  const AnalyticsOptions& options() const { return options_; }

 private:
  struct ZoneState {
    bool inside = false;
    int class_id = 0;  // class at entry (occupancy bookkeeping)
    Timestamp entered;
    std::string enter_id;
    bool loitering = false;
    std::string loiter_id;
    Timestamp last_loiter_emit;
  };
  struct LineState {
    int side = 0;  // committed side: +1 = A, -1 = B, 0 = not yet known
    Point2 last_on_side;
  };
  struct TrackState {
    TrackOutput last;
    Timestamp first_seen, last_seen;
    std::string start_id;
    std::vector<ZoneState> zones;
    std::vector<LineState> lines;
  };

  Analyzer(AnalyticsOptions options, std::string device, std::string stream,
           std::shared_ptr<EventIdSource> ids);

  Event Make(EventType type, EventPhase phase, const TrackState& track, Timestamp t_start,
             Timestamp t, const std::string* start_id);
  Point2 Anchor(const BBox& box) const;
  void UpdateZones(TrackState& track, Timestamp t, std::vector<Event>& out);
  void UpdateLines(TrackState& track, Timestamp t, std::vector<Event>& out);
  void ExitZone(size_t z, TrackState& track, Timestamp t, std::vector<Event>& out);
  void EndTrack(TrackState& track, std::vector<Event>& out);

  AnalyticsOptions options_;
  std::string device_, stream_;
  std::shared_ptr<EventIdSource> ids_;
  std::map<int, TrackState> tracks_;  // ordered: deterministic event order
  std::vector<std::map<int, int>> zone_occupancy_;
  std::vector<LineCounts> line_counts_;
  Timestamp now_;
  bool started_ = false;
  int64_t frame_seq_ = -1;
};

}  // namespace es
