// ptz-sim benchmark core: closed-loop simulation of wide lens -> tracker -> selector ->
// controller -> network -> PTZ head, with metrics per run.
//
// One run: synthetic detections (DetectionNoise) of a Scenario at frame_rate_hz go through
// es::ByteTracker and TargetSelector (with a calibration fitted from noisy correspondences, not
// the true one), then a PtzController. The NetworkProfile sits between decision and actuator:
// on the edge only the command hop (decision -> head) is delayed; a cloud decision also waits
// for the frame to go up (the same delay model each way). The PtzSimulator integrates the head
// at step_s and PtzMetrics scores it against the ground truth through the true calibration.
// Detection noise and network draws depend only on (seed, scenario, profile), so the two
// controllers see the same inputs. Thread-safety: functions are pure; safe to call
// concurrently. Deterministic: the same seed gives identical JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ptz/network_profile.h"
#include "ptz/ptz_metrics.h"
#include "ptz/ptz_scenarios.h"
#include "ptz/ptz_simulator.h"
#include "ptz/ray_calibration.h"
#include "ptz/zoom_selector.h"

namespace es {

enum class ControllerKind { kPredictive, kProportional };
const char* ControllerKindName(ControllerKind kind);

struct PtzSimConfig {
  double step_s = 0.005;          // simulation step
  double frame_rate_hz = 25.0;    // wide-lens detection rate
  double processing_ms = 30.0;    // capture -> detections (both placements)
  double calib_noise_deg = 0.05;  // noise on the correspondences used for the fitted calibration
  PtzSimOptions head;             // actuator (its command_delay adds to the network)
  ZoomOptions zoom;
  DetectionNoiseOptions detections;
};

// The wide lens of the standard scenarios: 1920x1080, 90 deg hfov, k1 = -0.05, mounted 1 deg
// off the PTZ's axes.
RayCalibration TrueWideCalibration();

struct PtzRunResult {
  std::string scenario, profile, controller;
  PtzRunMetrics metrics;
  int commands_sent = 0, commands_lost = 0, handoffs = 0;
  nlohmann::json ToJson() const;
};

PtzRunResult RunPtzScenario(const Scenario& scenario, const NetworkProfile& profile,
                            ControllerKind controller, const RayCalibration& fitted, uint64_t seed,
                            const PtzSimConfig& config = {});

// Every standard scenario x network profile x controller; JSON with the calibration fit and
// one object per run.
nlohmann::json RunPtzSim(uint64_t seed, const PtzSimConfig& config = {});

}  // namespace es
