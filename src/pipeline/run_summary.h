// RunSummary: what a pipeline run did, printed as JSON at the end of `edgesight run`.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/latency_stats.h"

namespace es {

struct RunSummary {
  std::string source;
  std::string stream;  // the camera id
  std::string detector;
  uint64_t frames_read = 0;       // frames the source delivered
  uint64_t frames_processed = 0;  // frames that reached the output (decision made)
  uint64_t frames_dropped = 0;    // dropped by the drop-oldest queue before the detector
  uint64_t detector_runs = 0;
  uint64_t skipped_interval = 0;
  uint64_t skipped_no_motion = 0;
  uint64_t skipped_no_detector = 0;  // due, but no detector answered (cloud-fallback)
  uint64_t detections = 0;           // boxes over all detector runs
  uint64_t tracks = 0;               // distinct confirmed track ids
  uint64_t track_frames = 0;         // sum over frames of confirmed tracks (track-frames)
  uint64_t events = 0;               // analytics events (track start/end, zones, lines, loiter)
  // The camera's own motion as the tracker measured it (tracker.camera_motion): frames with a
  // measurement, and the sum and largest of their corner displacements (pixels per frame).
  uint64_t camera_motion_frames = 0;
  double camera_motion_sum_px = 0, camera_motion_max_px = 0;
  double wall_s = 0;
  double fps = 0;                                 // frames_processed / wall_s
  std::map<std::string, LatencySummary> latency;  // stage name -> summary (ms)
  std::string status = "ok";                      // "ok" or the error that ended the run
  std::string stopped_by;  // the signal that stopped the run ("Terminated"), empty if none
  // Components that did not do their job (hooks, the uplink): the JSON status is then
  // "degraded: <reason>; <reason>" instead of "ok".
  std::vector<std::string> degraded;
  // Decision hooks' own counters (outbox, recorder, alarm, ptz), by hook name, in hook order.
  std::vector<std::pair<std::string, nlohmann::json>> hooks;

  nlohmann::ordered_json ToJson() const;
};

}  // namespace es
