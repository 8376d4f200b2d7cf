// Readiness: whether the device does its job now (/readyz, and the retained MQTT status).
//
// Contract: CheckReadiness is a pure function of what the caller measured. The device is ready
// when every check passes:
// - each camera: its capture runs and its last frame is younger than its stall_after_s
//   (pipeline.stall_after_s);
// - the detector: no detection request has waited longer than detector_stall_s;
// - the outbox (when there is one): its last write succeeded.
// The body says which check failed and why, one line per check:
//   {"ready": false, "checks": {"camera cam0": {"ok": false, "detail": "last frame 7.2 s ago
//    (limit 5 s)"}, "detector": {...}, "outbox": {...}}, "failed": ["camera cam0: ..."]}
// Thread-safety: re-entrant.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace es {

struct ReadinessInput {
  struct Camera {
    std::string id;
    bool up = false;                         // its capture loop runs
    std::optional<double> last_frame_age_s;  // none: no frame yet
    double stall_after_s = 5;
  };
  std::vector<Camera> cameras;
  double detector_wait_s = 0;
  double detector_stall_s = 10;
  bool has_outbox = false;
  std::string outbox_error;  // "" = the last write succeeded
};

struct Readiness {
  bool ready = false;
  nlohmann::ordered_json body;
};

Readiness CheckReadiness(const ReadinessInput& in);

}  // namespace es
