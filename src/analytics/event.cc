#include "analytics/event.h"

#include "analytics/event_id_source.h"

namespace es {

std::string MakeEventId(const std::string& device, const std::string& stream, uint64_t counter) {
  return device + "/" + stream + "/" + std::to_string(counter);
}

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kTrack:
      return "track";
    case EventType::kZone:
      return "zone";
    case EventType::kLoiter:
      return "loiter";
    case EventType::kLine:
      return "line";
    case EventType::kPtz:
      return "ptz";
  }
  return "unknown";
}

const char* EventPhaseName(EventPhase phase) {
  switch (phase) {
    case EventPhase::kStart:
      return "start";
    case EventPhase::kUpdate:
      return "update";
    case EventPhase::kEnd:
      return "end";
    case EventPhase::kInstant:
      return "instant";
  }
  return "unknown";
}

nlohmann::json Event::ToJson() const {
  nlohmann::json j = {
      {"v", kEventSchemaVersion},
      {"id", id},
      {"start_id", start_id},
      {"device", device},
      {"stream", stream},
      {"type", EventTypeName(type)},
      {"phase", EventPhaseName(phase)},
      {"track_id", track_id},
      {"class_id", class_id},
      {"score", score},
      {"box", {box.x, box.y, box.w, box.h}},
      {"t_start_us", t_start.us},
      {"t_us", t.us},
      {"frame", frame_seq},
  };
  if (!zone.empty()) j["zone"] = zone;
  if (!line.empty()) j["line"] = line;
  if (!direction.empty()) j["direction"] = direction;
  if (type == EventType::kLoiter) j["dwell_s"] = (t - t_start).seconds();
  if (type == EventType::kPtz) j["wide_track_id"] = wide_track_id;
  if (!clip.empty()) j["clip"] = clip;
  if (!model.empty()) j["model"] = model;
  return j;
}

}  // namespace es
