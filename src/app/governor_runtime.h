// GovernorRuntime: the governor (govern/governor.h) running beside a device's cameras: every
// governor.interval_s it measures, steps the controller and applies its changes as live
// settings (the same path as a PATCH over the API: checked by the config schema, seen by the
// camera from its next frame).
//
// Contract
// - Measures per step: each camera's glass-to-decision p95 over the step (the difference of two
//   snapshots of edgesight_glass_to_decision_seconds{camera}; none when it decided nothing),
//   its priority and whether an armed zone holds a track (the detection service), the
//   temperature (governor.thermal_path, else the first thermal zone; none on machines without),
//   and the power (the energy_uj counter at governor.power_path, else the RAPL package domains;
//   joules over the step / seconds; none without counters).
// - Start() applies the settings of cameras pinned above level 0 (governor.pinned "id=LEVEL").
// - A camera's levels are relative to its settings when the governor started (a later PATCH or
//   SIGHUP of a governed camera is overwritten at its next change; pin it instead).
// - Every change: one log line ("governor: camera yard: level 0 -> 1 (temperature 91 C >= 85
//   C)"), edgesight_governor_changes_total{camera,direction=up|down} and
//   edgesight_governor_level{camera}; each camera's run summary has a "governor" object with its
//   level and its changes (time since start, from, to, reason, the period applied).
// - Stop() ends the loop within one interval and joins; idempotent. A change whose patch fails
//   (it should not) is logged, and the camera is pinned where it was.
// Thread-safety: Start/Stop/Summary from any thread; the loop runs on its own thread
// ("es-governor").
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/bounded_queue.h"
#include "core/metrics_registry.h"
#include "core/worker.h"
#include "govern/governor.h"
#include "ops/rapl.h"
#include "pipeline/live_camera_config.h"
#include "schedule/detection_service.h"

namespace es {

class GovernorRuntime {
 public:
  struct Camera {
    std::string id;
    int index = 0;  // in the detection service
    std::shared_ptr<LiveCameraConfig> live;
    // Set while the camera is at the top level (shed), cleared below it; null: nobody listens
    // (cloud-fallback's on_shed: schedule/fallback_client.h).
    std::shared_ptr<std::atomic<bool>> shed;
  };

  GovernorRuntime(GovernorOptions options, std::vector<Camera> cameras, DetectionService* service,
                  MetricsRegistry* metrics);
  ~GovernorRuntime();

  void Start();
  void Stop();
  // {"level": n, "changes": [{"t_s", "from", "to", "reason", "detect_period_s", "temp_c",
  //  "power_w"}, ...]} for one camera.
  nlohmann::json CameraSummary(const std::string& camera) const;

 private:
  struct Tracked;
  void Loop();
  void StepOnce(double now_s);

  Governor governor_;
  const GovernorOptions options_;
  std::vector<std::unique_ptr<Tracked>> cameras_;
  DetectionService* service_;
  MetricsRegistry* metrics_;
  std::string temp_path_;
  std::vector<RaplDomain> energy_;
  std::optional<std::vector<uint64_t>> last_energy_;
  double last_energy_s_ = 0;
  BoundedQueue<int> stop_{"governor-stop", 1, QueuePolicy::kDropOldest};
  mutable std::mutex mu_;
  nlohmann::json changes_ = nlohmann::json::array();
  Worker worker_;
};

}  // namespace es
