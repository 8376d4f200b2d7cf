#include "analytics/analyzer.h"

#include <algorithm>
#include <utility>

namespace es {
namespace {

bool ClassAllowed(const std::vector<int>& classes, int class_id) {
  return classes.empty() || std::find(classes.begin(), classes.end(), class_id) != classes.end();
}

bool ValidIdPart(const std::string& s) { return !s.empty() && s.find('/') == std::string::npos; }

}  // namespace

Result<Analyzer> Analyzer::Create(AnalyticsOptions options, std::string device, std::string stream,
                                  std::shared_ptr<EventIdSource> ids) {
  ES_RETURN_IF_ERROR(ValidateAnalyticsOptions(options));
  if (!ValidIdPart(device)) {
    return InvalidArgument("analytics: device id must be non-empty and contain no '/': '" + device +
                           "'");
  }
  if (!ValidIdPart(stream)) {
    return InvalidArgument("analytics: stream id must be non-empty and contain no '/': '" + stream +
                           "'");
  }
  if (!ids) return InvalidArgument("analytics: no EventIdSource");
  return Analyzer(std::move(options), std::move(device), std::move(stream), std::move(ids));
}

Analyzer::Analyzer(AnalyticsOptions options, std::string device, std::string stream,
                   std::shared_ptr<EventIdSource> ids)
    : options_(std::move(options)),
      device_(std::move(device)),
      stream_(std::move(stream)),
      ids_(std::move(ids)),
      zone_occupancy_(options_.zones.size()),
      line_counts_(options_.lines.size()) {}

Point2 Analyzer::Anchor(const BBox& box) const {
  if (options_.anchor == AnchorPoint::kCenter) return {box.cx(), box.cy()};
  return {box.cx(), box.y2()};
}

Event Analyzer::Make(EventType type, EventPhase phase, const TrackState& track, Timestamp t_start,
                     Timestamp t, const std::string* start_id) {
  Event e;
  e.counter = ids_->Next();
  e.id = MakeEventId(device_, stream_, e.counter);
  e.start_id = start_id ? *start_id : e.id;
  e.device = device_;
  e.stream = stream_;
  e.type = type;
  e.phase = phase;
  e.track_id = track.last.id;
  e.class_id = track.last.class_id;
  e.score = track.last.score;
  e.box = track.last.box;
  e.t_start = t_start;
  e.t = t;
  e.frame_seq = frame_seq_;
  return e;
}

void Analyzer::ExitZone(size_t z, TrackState& track, Timestamp t, std::vector<Event>& out) {
  ZoneState& zs = track.zones[z];
  if (!zs.inside) return;
  const std::string& name = options_.zones[z].name;
  if (zs.loitering) {
    Event e = Make(EventType::kLoiter, EventPhase::kEnd, track, zs.entered, t, &zs.loiter_id);
    e.zone = name;
    out.push_back(std::move(e));
  }
  Event e = Make(EventType::kZone, EventPhase::kEnd, track, zs.entered, t, &zs.enter_id);
  e.zone = name;
  out.push_back(std::move(e));
  auto& occ = zone_occupancy_[z];
  if (--occ[zs.class_id] <= 0) occ.erase(zs.class_id);
  zs = ZoneState{};
}

void Analyzer::UpdateZones(TrackState& track, Timestamp t, std::vector<Event>& out) {
  const Point2 anchor = Anchor(track.last.box);
  for (size_t z = 0; z < options_.zones.size(); ++z) {
    const ZoneOptions& zone = options_.zones[z];
    ZoneState& zs = track.zones[z];
    const bool in_now =
        ClassAllowed(zone.classes, track.last.class_id) && PointInPolygon(anchor, zone.polygon);
    if (!in_now) {
      ExitZone(z, track, t, out);
      continue;
    }
    if (!zs.inside) {
      zs.inside = true;
      zs.class_id = track.last.class_id;
      zs.entered = t;
      Event e = Make(EventType::kZone, EventPhase::kStart, track, t, t, nullptr);
      e.zone = zone.name;
      zs.enter_id = e.id;
      out.push_back(std::move(e));
      ++zone_occupancy_[z][zs.class_id];
    }
    if (zone.loiter_s <= 0.0) continue;
    if (!zs.loitering) {
      if (t - zs.entered >= Duration::Seconds(zone.loiter_s)) {
        Event e = Make(EventType::kLoiter, EventPhase::kStart, track, zs.entered, t, nullptr);
        e.zone = zone.name;
        zs.loitering = true;
        zs.loiter_id = e.id;
        zs.last_loiter_emit = t;
        out.push_back(std::move(e));
      }
    } else if (t - zs.last_loiter_emit >= Duration::Seconds(options_.loiter_update_s)) {
      Event e = Make(EventType::kLoiter, EventPhase::kUpdate, track, zs.entered, t, &zs.loiter_id);
      e.zone = zone.name;
      zs.last_loiter_emit = t;
      out.push_back(std::move(e));
    }
  }
}

void Analyzer::UpdateLines(TrackState& track, Timestamp t, std::vector<Event>& out) {
  const Point2 anchor = Anchor(track.last.box);
  for (size_t l = 0; l < options_.lines.size(); ++l) {
    const LineOptions& line = options_.lines[l];
    if (!ClassAllowed(line.classes, track.last.class_id)) continue;
    LineState& ls = track.lines[l];
    const int side = SideOfLine(line.a, line.b, anchor, options_.line_hysteresis_px);
    if (side == 0) continue;  // inside the hysteresis band: no decision
    if (ls.side != 0 && side != ls.side) {
      const auto u = CrossingParameter(line.a, line.b, ls.last_on_side, anchor);
      if (u && *u >= 0.0 && *u <= 1.0) {
        const bool a_to_b = ls.side > 0;
        Event e = Make(EventType::kLine, EventPhase::kInstant, track, t, t, nullptr);
        e.line = line.name;
        e.direction = a_to_b ? "A->B" : "B->A";
        out.push_back(std::move(e));
        auto& counts = a_to_b ? line_counts_[l].a_to_b : line_counts_[l].b_to_a;
        ++counts[track.last.class_id];
      }
    }
    ls.side = side;
    ls.last_on_side = anchor;
  }
}

void Analyzer::EndTrack(TrackState& track, std::vector<Event>& out) {
  for (size_t z = 0; z < track.zones.size(); ++z) ExitZone(z, track, track.last_seen, out);
  out.push_back(Make(EventType::kTrack, EventPhase::kEnd, track, track.first_seen, track.last_seen,
                     &track.start_id));
}

std::vector<Event> Analyzer::Update(const std::vector<TrackOutput>& tracks, Timestamp t,
                                    const FrameMeta& meta) {
  if (started_ && t < now_) t = now_;
  now_ = t;
  started_ = true;
  frame_seq_ = meta.seq;
  std::vector<Event> out;

  std::vector<const TrackOutput*> sorted;
  sorted.reserve(tracks.size());
  for (const TrackOutput& tr : tracks) sorted.push_back(&tr);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TrackOutput* a, const TrackOutput* b) { return a->id < b->id; });
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i]->id == sorted[i - 1]->id) continue;  // duplicate id: first wins
    auto [it, fresh] = tracks_.try_emplace(sorted[i]->id);
    TrackState& ts = it->second;
    ts.last = *sorted[i];
    ts.last_seen = t;
    if (fresh) {
      ts.first_seen = t;
      ts.zones.resize(options_.zones.size());
      ts.lines.resize(options_.lines.size());
      Event e = Make(EventType::kTrack, EventPhase::kStart, ts, t, t, nullptr);
      ts.start_id = e.id;
      out.push_back(std::move(e));
    }
    UpdateZones(ts, t, out);
    UpdateLines(ts, t, out);
  }

  const Duration end_after = Duration::Seconds(options_.end_after_s);
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (t - it->second.last_seen > end_after) {
      EndTrack(it->second, out);
      it = tracks_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<Event> Analyzer::Finish() {
  std::vector<Event> out;
  for (auto& [id, ts] : tracks_) EndTrack(ts, out);
  tracks_.clear();
  return out;
}

std::map<int, int> Analyzer::ZoneOccupancy(const std::string& zone) const {
  for (size_t z = 0; z < options_.zones.size(); ++z) {
    if (options_.zones[z].name == zone) return zone_occupancy_[z];
  }
  return {};
}

LineCounts Analyzer::LineTotals(const std::string& line) const {
  for (size_t l = 0; l < options_.lines.size(); ++l) {
    if (options_.lines[l].name == line) return line_counts_[l];
  }
  return {};
}

nlohmann::json Analyzer::CountsJson() const {
  auto to_json = [](const auto& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [cls, n] : m) j[std::to_string(cls)] = n;
    return j;
  };
  nlohmann::json zones = nlohmann::json::object(), lines = nlohmann::json::object();
  for (size_t z = 0; z < options_.zones.size(); ++z) {
    zones[options_.zones[z].name] = to_json(zone_occupancy_[z]);
  }
  for (size_t l = 0; l < options_.lines.size(); ++l) {
    lines[options_.lines[l].name] = {{"A->B", to_json(line_counts_[l].a_to_b)},
                                     {"B->A", to_json(line_counts_[l].b_to_a)}};
  }
  return {{"zones", zones}, {"lines", lines}};
}

}  // namespace es
