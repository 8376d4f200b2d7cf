#include "ptz/ptz_sim.h"

#include <Eigen/Geometry>
#include <cmath>
#include <deque>
#include <memory>
#include <random>

#include "ptz/predictive_controller.h"
#include "ptz/proportional_controller.h"
#include "ptz/target_selector.h"
#include "track/byte_tracker.h"

namespace es {
namespace {

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return x;
}

struct UpMessage {
  Timestamp capture, arrival;
  std::vector<Detection> detections;
  PtzStatus status;
};

}  // namespace

const char* ControllerKindName(ControllerKind kind) {
  return kind == ControllerKind::kPredictive ? "predictive" : "proportional";
}

RayCalibration TrueWideCalibration() {
  RayCalibration c;
  c.k1 = -0.05;
  c.R = (Eigen::AngleAxisd(1.0 * M_PI / 180, Eigen::Vector3d::UnitY()) *
         Eigen::AngleAxisd(-0.7 * M_PI / 180, Eigen::Vector3d::UnitX()) *
         Eigen::AngleAxisd(0.5 * M_PI / 180, Eigen::Vector3d::UnitZ()))
            .toRotationMatrix();
  return c;
}

nlohmann::json PtzRunResult::ToJson() const {
  nlohmann::json j = {{"scenario", scenario},           {"profile", profile},
                      {"controller", controller},       {"commands_sent", commands_sent},
                      {"commands_lost", commands_lost}, {"handoffs", handoffs}};
  j["metrics"] = metrics.ToJson();
  return j;
}

PtzRunResult RunPtzScenario(const Scenario& scenario, const NetworkProfile& profile,
                            ControllerKind kind, const RayCalibration& fitted, uint64_t seed,
                            const PtzSimConfig& cfg) {
  const RayCalibration truth = TrueWideCalibration();
  DetectionNoise noise(cfg.detections, Mix(seed, 1));
  NetworkLink uplink(profile, Mix(seed, 2)), downlink(profile, Mix(seed, 3));
  PtzSimulator head(cfg.head, Timestamp{});
  ByteTracker tracker;
  TargetSelector selector(fitted);
  const double latency_s = profile.mean_ms() / 1000.0 + cfg.head.command_delay.seconds();
  std::unique_ptr<PtzController> ctrl;
  if (kind == ControllerKind::kPredictive) {
    PredictiveControllerOptions o;
    o.command_latency_s = latency_s;
    o.zoom = cfg.zoom;
    ctrl = std::make_unique<PredictiveController>(o);
  } else {
    ProportionalControllerOptions o;
    o.min_wait_s = latency_s + 0.02;
    o.zoom = cfg.zoom;
    ctrl = std::make_unique<ProportionalController>(o);
  }
  PtzMetrics metrics(cfg.zoom);
  PtzRunResult res;
  res.scenario = scenario.name;
  res.profile = profile.name;
  res.controller = ctrl->name();

  const Duration dt = Duration::Seconds(cfg.step_s);
  const Duration frame = Duration::Seconds(1.0 / cfg.frame_rate_hz);
  const Duration processing = Duration::Millis(cfg.processing_ms);
  const Timestamp end = Timestamp::Seconds(scenario.duration_s);
  std::deque<UpMessage> up;
  std::deque<std::pair<Timestamp, PtzCommand>> down;
  Timestamp next_frame{}, last_decision{};
  PtzStatus last_status = head.status();
  for (Timestamp t{}; t < end; t = t + dt) {
    if (t >= next_frame) {
      UpMessage m{t, t + processing, noise.Draw(scenario, t.seconds()), head.status()};
      bool delivered = true;
      if (!profile.decision_on_edge) {
        const auto a = uplink.Send(t + processing);
        delivered = a.has_value();
        if (a) m.arrival = *a;
      }
      if (delivered) up.push_back(std::move(m));
      next_frame = next_frame + frame;
    }
    auto send = [&](const std::optional<PtzCommand>& cmd) {
      if (!cmd) return;
      ++res.commands_sent;
      const auto a = downlink.Send(t);
      if (a) {
        down.emplace_back(*a, *cmd);
      } else {
        ++res.commands_lost;
      }
    };
    bool decided = false;
    while (!up.empty() && up.front().arrival <= t) {
      UpMessage m = std::move(up.front());
      up.pop_front();
      const auto tracks = tracker.Update(m.detections, m.capture);
      const auto obs = selector.Update(tracks, m.capture).target;
      last_status = m.status;
      send(ctrl->Decide({t, obs, m.status}));
      decided = true;
    }
    if (decided) {
      last_decision = t;
    } else if (t - last_decision > frame + frame) {
      send(ctrl->Decide({t, std::nullopt, last_status}));  // a tick so timeouts can fire
      last_decision = t;
    }
    while (!down.empty() && down.front().first <= t) {
      head.Submit(down.front().second);
      down.pop_front();
    }
    head.Step(dt);
    const double ts = head.now().seconds();
    const BBox gt = scenario.objects[0].BoxAt(ts);
    const Eigen::Vector3d ray = truth.PixelToRay(gt.cx(), gt.cy());
    const double height =
        AngleBetweenDeg(truth.PixelToRay(gt.cx(), gt.y), truth.PixelToRay(gt.cx(), gt.y2()));
    metrics.Record(head.now(), dt, ray, height, head.status());
  }
  res.metrics = metrics.Finish(scenario.duration_s);
  res.handoffs = std::max(0, selector.handoffs());
  return res;
}

nlohmann::json RunPtzSim(uint64_t seed, const PtzSimConfig& cfg) {
  // Calibration from 12 noisy correspondences on a grid of the wide view.
  const RayCalibration truth = TrueWideCalibration();
  std::mt19937_64 rng(Mix(seed, 99));
  std::normal_distribution<double> n01(0.0, 1.0);
  std::vector<CalibrationPoint> pts;
  for (int iy = 0; iy < 3; ++iy) {
    for (int ix = 0; ix < 4; ++ix) {
      const double u = 200 + ix * 500.0, v = 150 + iy * 390.0;
      const PanTilt pt = truth.PixelToPanTilt(u, v);
      pts.push_back({u, v, pt.pan_deg + cfg.calib_noise_deg * n01(rng),
                     pt.tilt_deg + cfg.calib_noise_deg * n01(rng)});
    }
  }
  CalibrationFitOptions fo;
  fo.k1 = truth.k1;
  nlohmann::json out;
  out["seed"] = seed;
  RayCalibration fitted = truth;
  auto fit = FitCalibration(pts, fo);
  if (fit.ok()) {
    fitted = fit->calibration;
    out["calibration"] = {{"points", pts.size()},
                          {"rms_deg", fit->rms_deg},
                          {"focal_px", fitted.f},
                          {"true_focal_px", truth.f}};
  } else {
    out["calibration"] = {{"error", fit.status().ToString()}};
  }
  const auto scenarios = StandardScenarios();
  const auto profiles = StandardNetworkProfiles();
  nlohmann::json runs = nlohmann::json::array();
  for (size_t si = 0; si < scenarios.size(); ++si) {
    for (size_t pi = 0; pi < profiles.size(); ++pi) {
      // Paired: every profile and controller of a scenario sees the same detections.
      const uint64_t run_seed = Mix(seed, si + 1000);
      for (ControllerKind k : {ControllerKind::kPredictive, ControllerKind::kProportional}) {
        runs.push_back(
            RunPtzScenario(scenarios[si], profiles[pi], k, fitted, run_seed, cfg).ToJson());
      }
    }
  }
  out["runs"] = std::move(runs);
  return out;
}

}  // namespace es
