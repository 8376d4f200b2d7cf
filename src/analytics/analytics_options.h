// AnalyticsOptions: zones, directed lines and the event-lifecycle timers of one stream.
//
// Contract: plain structs the config layer fills from YAML; ValidateAnalyticsOptions checks
// them (valid polygons, unique names, sane timers) and returns InvalidArgument naming the
// offending item ("zones[1] 'door': polygon is self-intersecting: edge 0 ... crosses edge 2 ...").
// Every threshold is a named option; all times are seconds of the stream clock (es::Timestamp),
// never frame counts. Thread-safety: plain values.
//
// Anchor: a track is located by ONE point of its box. The default is the bottom-centre of the
// box (the feet of a person, x + w/2, y + h), which is what touches the ground plane that zones
// and lines are drawn on; kCenter is available for top-down cameras.
#pragma once

#include <string>
#include <vector>

#include "analytics/geometry.h"
#include "edgesight/status.h"

namespace es {

enum class AnchorPoint { kBottomCenter, kCenter };

// A polygonal zone. Emits zone enter/exit events, keeps per-class occupancy and, when
// loiter_s > 0, loitering events for tracks that dwell longer than loiter_s.
struct ZoneOptions {
  std::string name;
  Polygon polygon;           // image pixels; >= 3 points, non-zero area, not self-intersecting
  std::vector<int> classes;  // class ids this zone reacts to; empty = every class
  double loiter_s = 0.0;     // dwell time that starts a loitering event; 0 = no loitering
  // A track inside an armed zone arms its camera: the shared detector serves it first
  // (schedule/detection_scheduler.h), so a motion storm elsewhere cannot slow it down.
  bool armed = false;
};

// A directed counting line from a to b. Side A is the LEFT of a->b as drawn on screen (image
// coordinates, y down), side B the right: for a = (0, 100), b = (200, 100) (left to right),
// side A is above the line (smaller y) and "A->B" means moving downwards across it.
struct LineOptions {
  std::string name;
  Point2 a, b;               // image pixels, a != b
  std::vector<int> classes;  // empty = every class
};

struct AnalyticsOptions {
  std::vector<ZoneOptions> zones;
  std::vector<LineOptions> lines;
  AnchorPoint anchor = AnchorPoint::kBottomCenter;
  // A track not reported for longer than this has ended (track end, zone exit, loiter end).
  double end_after_s = 2.0;
  // While a loitering episode lasts, an update event is emitted every update_s seconds.
  double loiter_update_s = 1.0;
  // Line hysteresis: the anchor only counts as being on a side when it is farther than this
  // from the line; a crossing needs the anchor to go from strictly one side (beyond the band)
  // to strictly the other, so jitter inside the band never counts. Pixels, >= 0.
  double line_hysteresis_px = 4.0;
};

// Ok or InvalidArgument naming the first bad zone/line/timer.
Status ValidateAnalyticsOptions(const AnalyticsOptions& options);

}  // namespace es
