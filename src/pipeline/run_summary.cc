#include "pipeline/run_summary.h"

#include <cmath>

namespace es {
namespace {
double R3(double v) { return std::round(v * 1000.0) / 1000.0; }
}  // namespace

nlohmann::ordered_json RunSummary::ToJson() const {
  nlohmann::ordered_json j;
  j["source"] = source;
  j["detector"] = detector;
  j["frames"] = frames_processed;
  j["frames_read"] = frames_read;
  j["frames_dropped"] = frames_dropped;
  j["detector_runs"] = detector_runs;
  j["skipped"] = nlohmann::ordered_json{{"interval", skipped_interval},
                                        {"no_motion", skipped_no_motion},
                                        {"no_detector", skipped_no_detector}};
  j["detections"] = detections;
  j["tracks"] = tracks;
  j["track_frames"] = track_frames;
  j["events"] = events;
  j["camera_motion"] = nlohmann::ordered_json{
      {"measured_frames", camera_motion_frames},
      {"mean_px", camera_motion_frames ? R3(camera_motion_sum_px / camera_motion_frames) : 0.0},
      {"max_px", R3(camera_motion_max_px)}};
  j["wall_s"] = R3(wall_s);
  j["fps"] = R3(fps);
  auto& lat = j["latency_ms"] = nlohmann::ordered_json::object();
  for (const auto& [name, s] : latency) {
    lat[name] = nlohmann::ordered_json{{"count", s.count},
                                       {"mean", R3(s.mean_ms)},
                                       {"p50", R3(s.p50_ms)},
                                       {"p99", R3(s.p99_ms)},
                                       {"max", R3(s.max_ms)}};
  }
  for (const auto& [name, h] : hooks) j[name] = h;
  if (!stopped_by.empty()) j["stopped_by"] = stopped_by;
  std::string shown = status;
  if (status == "ok" && !degraded.empty()) {
    shown = "degraded:";
    for (size_t i = 0; i < degraded.size(); ++i) shown += (i ? "; " : " ") + degraded[i];
  }
  j["status"] = shown;
  return j;
}

}  // namespace es
