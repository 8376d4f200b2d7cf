#include "govern/governor.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/option_schema.h"

namespace es {
namespace {

constexpr double kPeriodFactor[] = {1, 1.5, 2, 3, 5, 5};  // levels 0..5
constexpr double kPowerRelief = 0.9;
constexpr double kLatencyRelief = 0.7;

std::string Num(double v) { return FormatNumber(std::round(v * 10) / 10); }

}  // namespace

Governor::Governor(GovernorOptions options) : options_(std::move(options)) {
  hold_s_ = options_.hold_s;
  auto pins = ParsePinned(options_.pinned);  // checked by the schema; a bad entry pins nothing
  if (pins.ok()) {
    for (const auto& [id, level] : *pins) Pin(id, level);
  }
}

void Governor::Pin(const std::string& camera, int level) {
  CameraState& c = cams_[camera];
  c.pinned = true;
  c.level = std::clamp(level, 0, kGovernorTopLevel);
}

int Governor::level(const std::string& camera) const {
  auto it = cams_.find(camera);
  return it == cams_.end() ? 0 : it->second.level;
}

std::vector<GovernorChange> Governor::Step(const GovernorObservation& o) {
  const GovernorOptions& g = options_;
  std::string pressure;
  bool relief = true;
  std::string kind;  // which signal is over its budget, and by how much (ratio)
  double ratio = 0;
  if (o.temp_c) {
    if (*o.temp_c >= g.temp_limit_c) {
      pressure = "temperature " + Num(*o.temp_c) + " C >= " + Num(g.temp_limit_c) + " C";
      kind = "temperature";
      ratio = *o.temp_c / g.temp_limit_c;
    }
    relief = relief && *o.temp_c <= g.temp_resume_c;
  }
  if (g.power_budget_w > 0 && o.power_w) {
    if (pressure.empty() && *o.power_w >= g.power_budget_w) {
      pressure = "power " + Num(*o.power_w) + " W >= " + Num(g.power_budget_w) + " W";
      kind = "power";
      ratio = *o.power_w / g.power_budget_w;
    }
    relief = relief && *o.power_w <= kPowerRelief * g.power_budget_w;
  }
  const bool device_pressure = !pressure.empty();
  for (const CameraObservation& c : o.cameras) {
    cams_.try_emplace(c.id);
    if (!c.p95_ms) continue;
    if (!device_pressure && *c.p95_ms > g.latency_p95_ms &&
        *c.p95_ms / g.latency_p95_ms > ratio) {  // the worst camera names the pressure
      pressure =
          "camera " + c.id + " p95 " + Num(*c.p95_ms) + " ms > " + Num(g.latency_p95_ms) + " ms";
      kind = "latency";
      ratio = *c.p95_ms / g.latency_p95_ms;
    }
    relief = relief && *c.p95_ms <= kLatencyRelief * g.latency_p95_ms;
  }
  if (!pressure.empty()) relief = false;
  // Easing: the same signal lower than at the previous step. The last change may still be taking
  // effect (a die cools over tens of seconds), so one more level would overshoot.
  const bool easing = !kind.empty() && kind == last_kind_ && ratio < last_ratio_ * 0.995;
  last_kind_ = kind;
  last_ratio_ = ratio;
  if (!pressure.empty() && last_down_s_) {
    // Did the last step down bring the pressure back? Then wait longer before the next one.
    if (o.now_s - *last_down_s_ < hold_s_) {
      hold_s_ = std::min(hold_s_ * 2, 16 * g.hold_s);
    }
    last_down_s_.reset();
  }
  if (relief && last_down_s_ && o.now_s - *last_down_s_ >= hold_s_) {
    hold_s_ = std::max(g.hold_s, hold_s_ / 2);  // the last step down held
    last_down_s_.reset();
  }
  if (!relief) last_pressure_s_ = o.now_s;
  const bool may_change = !last_change_s_ || o.now_s - *last_change_s_ >= g.min_change_interval_s;
  if (!may_change) return {};

  // Candidates in the order of the contract; `up` picks the first, `down` the last.
  std::vector<const CameraObservation*> order;
  for (const CameraObservation& c : o.cameras) {
    if (!cams_[c.id].pinned) order.push_back(&c);
  }
  auto key = [this](const CameraObservation* c) {
    return std::make_tuple(c->armed, c->priority, cams_[c->id].level, c->id);
  };
  std::sort(
      order.begin(), order.end(),
      [&key](const CameraObservation* a, const CameraObservation* b) { return key(a) < key(b); });
  GovernorChange change;
  change.at_s = o.now_s;
  if (!pressure.empty() && !easing) {
    for (const CameraObservation* c : order) {
      CameraState& s = cams_[c->id];
      if (s.level >= kGovernorTopLevel) continue;
      change.camera = c->id;
      change.from = s.level;
      change.to = ++s.level;
      change.reason = pressure;
      break;
    }
  } else if (relief && last_pressure_s_ && o.now_s - *last_pressure_s_ >= hold_s_ &&
             (!last_down_s_ || o.now_s - *last_down_s_ >= hold_s_)) {
    // Down: armed first, highest priority, highest level: the reverse of `up`'s order except
    // that among equals the camera furthest from its own settings comes back first.
    std::stable_sort(order.begin(), order.end(),
                     [this](const CameraObservation* a, const CameraObservation* b) {
                       return std::make_tuple(a->armed, a->priority, cams_[a->id].level) >
                              std::make_tuple(b->armed, b->priority, cams_[b->id].level);
                     });
    for (const CameraObservation* c : order) {
      CameraState& s = cams_[c->id];
      if (s.level == 0) continue;
      change.camera = c->id;
      change.from = s.level;
      change.to = --s.level;
      change.reason = "relief held " + Num(o.now_s - *last_pressure_s_) + " s";
      last_down_s_ = o.now_s;
      break;
    }
  }
  if (change.camera.empty()) return {};
  last_change_s_ = o.now_s;
  return {change};
}

CameraSettings SettingsAt(const CameraSettings& base, int level, const GovernorOptions& options) {
  CameraSettings s = base;
  level = std::clamp(level, 0, kGovernorTopLevel);
  if (level == 0) return s;
  const double start = base.detect_period_s > 0 ? base.detect_period_s : options.base_period_s;
  s.detect_period_s = std::min(start * kPeriodFactor[std::min(level, 5)], s.max_period_s);
  if (level >= 5) {
    s.gate.enabled = true;
    s.gate.min_area = std::min(1.0f, base.gate.min_area * 4);
    s.gate.keepalive_s = std::min(3600.0, base.gate.keepalive_s * 3);
  }
  if (level >= 6) s.detect_period_s = s.max_period_s;
  return s;
}

}  // namespace es
