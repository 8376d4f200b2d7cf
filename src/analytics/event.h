// Event: what analytics reports for one track and one zone/line at one moment.
//
// Contract: a plain value with a versioned JSON form (field "v": 1). Kinds and lifecycles:
//   type     phase            meaning
//   track    start / end      a confirmed track id first seen / not seen for end_after_s
//   zone     start / end      the track's anchor entered / left the zone (or the track ended)
//   loiter   start/update/end dwell in a zone reached loiter_s / every loiter_update_s / the
//                             track left the zone or ended
//   line     instant          the anchor crossed a directed line; direction "A->B" or "B->A"
// Every Event has its own globally unique id ("<device>/<stream>/<counter>", counter strictly
// increasing); update and end events also carry start_id, the id of the start event of the
// same episode, so a consumer can group a lifecycle. Times are stream-clock microseconds:
// t_start is when the episode began (track first seen, zone entry; for loitering the zone
// entry, so t - t_start is the dwell), t when this event happened (for end events caused by a
// track timing out: the last time the track was seen). Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/time.h"
#include "edgesight/types.h"

namespace es {

// kPtz: dual lens; start = the PTZ lens' own tracker confirms the target the wide lens has it
// follow, end = it lost it (or the wide lens moved on, or the stream ended).
enum class EventType { kTrack, kZone, kLoiter, kLine, kPtz };
enum class EventPhase { kStart, kUpdate, kEnd, kInstant };

const char* EventTypeName(EventType type);     // "track", "zone", "loiter", "line", "ptz"
const char* EventPhaseName(EventPhase phase);  // "start", "update", "end", "instant"

inline constexpr int kEventSchemaVersion = 1;

struct Event {
  std::string id;        // "<device>/<stream>/<counter>", globally unique
  uint64_t counter = 0;  // the <counter> part, strictly increasing per EventIdSource
  std::string start_id;  // id of the episode's start event (== id for start and instant events)
  std::string device;
  std::string stream;
  EventType type = EventType::kTrack;
  EventPhase phase = EventPhase::kInstant;
  int track_id = 0;
  int class_id = kClassPerson;
  float score = 0.f;
  BBox box;                // last known box of the track
  std::string zone;        // zone/loiter events: the zone's name; else empty
  std::string line;        // line events: the line's name; else empty
  std::string direction;   // line events: "A->B" or "B->A"; else empty
  int wide_track_id = -1;  // ptz events: the wide lens' track the PTZ follows
  Timestamp t_start;       // episode start (see the header comment)
  Timestamp t;             // this event
  int64_t frame_seq = -1;  // FrameMeta::seq of the frame that produced it
  std::string model;       // the model whose detections the track rests on ("" = unknown), e.g.
                           // "det@2" (a store model), "nanodet/ort", "backend/nanodet/ort"
  std::string clip;        // the recorder's clip covering this event, relative to the recording
                           // directory (e.g. "clip_cam0_20250101T120000.123Z_000001.mp4");
                           // empty when no clip is being recorded

  // {"v":1,"id":..,"start_id":..,"device":..,"stream":..,"type":"line","phase":"instant",
  //  "track_id":7,"class_id":0,"score":0.8,"box":[x,y,w,h],"t_start_us":..,"t_us":..,
  //  "frame":N, + "zone" | "line","direction" when set, "dwell_s" for loiter events,
  //  "wide_track_id" for ptz events, "model" when known,
  //  "clip" when a clip names it}
  nlohmann::json ToJson() const;
};

}  // namespace es
