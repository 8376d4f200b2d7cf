#include "app/governor_runtime.h"

#include <chrono>
#include <cmath>

#include "app/log_line.h"
#include "config/live_patch.h"
#include "ops/thermal.h"

namespace es {

struct GovernorRuntime::Tracked {
  Camera cam;
  CameraSettings base;  // the camera's own settings: level 0
  std::optional<Histogram::Snapshot> last;
  Gauge* level = nullptr;
  Counter* up = nullptr;
  Counter* down = nullptr;
};

namespace {

const char* const kG2d = "edgesight_glass_to_decision_seconds";

// p95 (ms) of the observations between two cumulative snapshots; nullopt when there are none.
std::optional<double> WindowP95(const std::optional<Histogram::Snapshot>& before,
                                const Histogram::Snapshot& now) {
  Histogram::Snapshot d = now;
  if (before && before->counts.size() == now.counts.size()) {
    for (size_t i = 0; i < d.counts.size(); ++i) d.counts[i] -= before->counts[i];
    d.count -= before->count;
    d.sum -= before->sum;
  }
  if (d.count == 0) return std::nullopt;
  return d.Quantile(0.95) * 1e3;
}

nlohmann::json PatchOf(const CameraSettings& s) {
  return {{"pipeline", {{"detect_period_s", s.detect_period_s}}},
          {"gate",
           {{"enabled", s.gate.enabled},
            {"min_area", s.gate.min_area},
            {"keepalive_s", s.gate.keepalive_s}}}};
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

GovernorRuntime::GovernorRuntime(GovernorOptions options, std::vector<Camera> cameras,
                                 DetectionService* service, MetricsRegistry* metrics)
    : governor_(options), options_(std::move(options)), service_(service), metrics_(metrics) {
  for (Camera& c : cameras) {
    auto t = std::make_unique<Tracked>();
    const AppConfig config = c.live->config();
    t->base = LiveSettingsOf(config.gate, config.pipeline);
    const MetricLabels labels = {{"camera", c.id}};
    t->level = metrics_->GetGauge("edgesight_governor_level",
                                  "the camera's governor level (0 = its own settings)", labels);
    t->up = metrics_->GetCounter("edgesight_governor_changes_total", "governor changes",
                                 {{"camera", c.id}, {"direction", "up"}});
    t->down = metrics_->GetCounter("edgesight_governor_changes_total", "governor changes",
                                   {{"camera", c.id}, {"direction", "down"}});
    t->cam = std::move(c);
    cameras_.push_back(std::move(t));
  }
  temp_path_ = options_.thermal_path;
  if (temp_path_.empty()) {
    const auto zones = ThermalZones();
    if (!zones.empty()) temp_path_ = zones.front().temp_path;
  }
  if (!options_.power_path.empty()) {
    energy_.push_back({"power_path", options_.power_path, 0});
  } else {
    energy_ = RaplDomains();
  }
}

GovernorRuntime::~GovernorRuntime() { Stop(); }

void GovernorRuntime::Start() {
  for (const auto& t : cameras_) {  // an operator's pin above level 0 applies from the start
    const int level = governor_.level(t->cam.id);
    if (level == 0) continue;
    Status st = t->cam.live->Patch(PatchOf(SettingsAt(t->base, level, options_)));
    LogLine(st.ok() ? LogLevel::kInfo : LogLevel::kWarning,
            "governor: camera " + t->cam.id + ": pinned at level " + std::to_string(level) +
                (st.ok() ? "" : ": " + st.message()));
    if (st.ok()) {
      t->level->Set(level);
      if (t->cam.shed) t->cam.shed->store(level >= kGovernorTopLevel);
    }
  }
  worker_.Start("es-governor", [this] { Loop(); });
}

void GovernorRuntime::Stop() {
  stop_.Close();
  worker_.Join();
}

void GovernorRuntime::Loop() {
  const auto t0 = std::chrono::steady_clock::now();
  const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(options_.interval_s));
  auto next = t0 + interval;
  while (true) {
    stop_.PopUntil(next);
    if (stop_.closed()) return;
    StepOnce(SecondsSince(t0));
    next += interval;
    if (next < std::chrono::steady_clock::now()) next = std::chrono::steady_clock::now() + interval;
  }
}

void GovernorRuntime::StepOnce(double now_s) {
  GovernorObservation o;
  o.now_s = now_s;
  if (!temp_path_.empty()) o.temp_c = ReadCelsius(temp_path_);
  if (!energy_.empty()) {
    auto energy = ReadRapl(energy_);
    if (energy && last_energy_ && now_s > last_energy_s_) {
      o.power_w = RaplJoules(energy_, *last_energy_, *energy) / (now_s - last_energy_s_);
    }
    last_energy_ = energy;
    last_energy_s_ = now_s;
  }
  for (const auto& t : cameras_) {
    CameraObservation c;
    c.id = t->cam.id;
    c.priority = t->cam.live->slot()->Load()->priority;
    c.armed = service_->stats(t->cam.index).armed;
    auto snap = metrics_->HistogramSnapshot(kG2d, {{"camera", c.id}});
    if (snap) {
      c.p95_ms = WindowP95(t->last, *snap);
      t->last = std::move(snap);
    }
    o.cameras.push_back(std::move(c));
  }
  std::vector<GovernorChange> changes;
  {
    std::lock_guard lock(mu_);
    changes = governor_.Step(o);
  }
  for (const GovernorChange& ch : changes) {
    for (const auto& t : cameras_) {
      if (t->cam.id != ch.camera) continue;
      const CameraSettings s = SettingsAt(t->base, ch.to, options_);
      Status st = t->cam.live->Patch(PatchOf(s));
      if (!st.ok()) {
        LogLine(LogLevel::kWarning, "governor: camera " + ch.camera + ": " + st.message());
        std::lock_guard lock(mu_);
        governor_.Pin(ch.camera, ch.from);  // it keeps the settings it has
        continue;
      }
      t->level->Set(ch.to);
      if (t->cam.shed) t->cam.shed->store(ch.to >= kGovernorTopLevel);
      (ch.to > ch.from ? t->up : t->down)->Add();
      LogLine(LogLevel::kInfo, "governor: camera " + ch.camera + ": level " +
                                   std::to_string(ch.from) + " -> " + std::to_string(ch.to) + " (" +
                                   ch.reason + ")");
      std::lock_guard lock(mu_);
      changes_.push_back({{"t_s", std::round(ch.at_s * 1000) / 1000},
                          {"camera", ch.camera},
                          {"from", ch.from},
                          {"to", ch.to},
                          {"reason", ch.reason},
                          {"detect_period_s", std::round(s.detect_period_s * 1e6) / 1e6},
                          {"temp_c", o.temp_c ? nlohmann::json(*o.temp_c) : nullptr},
                          {"power_w", o.power_w ? nlohmann::json(*o.power_w) : nullptr}});
    }
  }
}

nlohmann::json GovernorRuntime::CameraSummary(const std::string& camera) const {
  std::lock_guard lock(mu_);
  nlohmann::json changes = nlohmann::json::array();
  for (const nlohmann::json& c : changes_) {
    if (c["camera"] == camera) changes.push_back(c);
  }
  return {{"level", governor_.level(camera)}, {"changes", changes}};
}

}  // namespace es
