// Governor: the control loop that keeps every camera inside its glass-to-decision budget and the
// device inside its thermal and power budgets by moving cameras along a ladder of operating
// levels (docs/runtime.md, "The governor").
//
// Contract
// - Levels per camera, cheapest change first: 0 = the camera's own settings; 1-4 = detection
//   period x1.5, x2, x3, x5; 5 = x5 and a less sensitive motion gate (on, min_area x4,
//   keepalive x3); 6 = shed (period = max_period_s, gate as 5). The detector model (input size,
//   INT8) is one per device and not a live lever; the planner (edgesight plan) chooses it.
// - Step(observation) runs one control step and returns the changes it made (at most one):
//   * pressure = temperature >= temp_limit_c, or power >= power_budget_w (when > 0), or any
//     camera's p95 > latency_p95_ms. Under pressure, if min_change_interval_s has passed since
//     the last change and the pressure is not easing (the same signal lower than at the
//     previous step: the last change is still taking effect, as a die cools over tens of
//     seconds), one camera goes one level up: among cameras not pinned and below the top
//     level, unarmed before armed, then lowest priority, then lowest level, then id.
//   * relief = temperature <= temp_resume_c (or unknown), power <= 0.9 x budget, every p95 <=
//     0.7 x budget (or no data). After relief has held for hold_s and min_change_interval_s has
//     passed, one camera goes one level down: the reverse order (armed first, highest priority,
//     highest level).
//   * Between the two (inside the hysteresis band) nothing moves.
//   * Backoff: levels are discrete, so one step down can cross the whole band (one level too
//     many, the next too few). When pressure returns within the current hold after a step
//     down, the hold doubles (up to 16 x hold_s); each step down that pressure does not follow
//     halves it again (down to hold_s). So a level pair the load sits between is retried ever
//     more rarely, and a calm device still recovers a level per hold_s.
//   So changes per minute <= 60 / min_change_interval_s, and a level is never given back
//   sooner than hold_s after the last pressure.
// - Pin(camera, level) holds a camera at a level (the operator's choice); pinned cameras are
//   never moved (governor.pinned: "id" pins at level 0, "id=LEVEL" at that level).
// - SettingsAt(base, level, options) is the camera's live settings at a level, from its own
//   (base) settings.
// Thread-safety: not thread-safe; one owner calls Step (the governor thread).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "govern/governor_options.h"
#include "pipeline/camera_settings.h"

namespace es {

inline constexpr int kGovernorTopLevel = 6;

struct CameraObservation {
  std::string id;
  int priority = 50;
  bool armed = false;
  std::optional<double> p95_ms;  // nullopt: no decisions in the last step
};

struct GovernorObservation {
  double now_s = 0;
  std::optional<double> temp_c;
  std::optional<double> power_w;
  std::vector<CameraObservation> cameras;
};

struct GovernorChange {
  double at_s = 0;
  std::string camera;
  int from = 0;
  int to = 0;
  std::string reason;  // "temperature 91 C >= 85 C", "relief held 20 s", ...
};

class Governor {
 public:
  explicit Governor(GovernorOptions options);

  std::vector<GovernorChange> Step(const GovernorObservation& o);
  void Pin(const std::string& camera, int level);
  int level(const std::string& camera) const;
  const GovernorOptions& options() const { return options_; }
  double current_hold_s() const { return hold_s_; }

 private:
  struct CameraState {
    int level = 0;
    bool pinned = false;
  };
  GovernorOptions options_;
  std::map<std::string, CameraState> cams_;
  std::optional<double> last_change_s_;
  std::optional<double> last_pressure_s_;
  std::optional<double> last_down_s_;
  std::string last_kind_;  // the signal under pressure at the previous step, and its ratio
  double last_ratio_ = 0;
  double hold_s_ = 0;  // the current hold (backoff)
};

CameraSettings SettingsAt(const CameraSettings& base, int level, const GovernorOptions& options);

}  // namespace es
