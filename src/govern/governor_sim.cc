#include "govern/governor_sim.h"

#include <algorithm>
#include <functional>
#include <optional>

namespace es {
namespace {

double LoadShare(int level) {
  constexpr double kDivisor[] = {1, 1.5, 2, 3, 5, 8, 10};
  return 1.0 / kDivisor[std::clamp(level, 0, kGovernorTopLevel)];
}

// One run: `world(t, load, &observation)` fills the device's signals and returns the scenario's
// signal for the trace; the p95 it sets (if any) is every camera's (one shared detector).
using World = std::function<double(double t, double load, GovernorObservation* o,
                                   std::optional<double>* p95)>;

void Run(const GovernorOptions& options, double seconds, const World& world, SimTrace* trace) {
  Governor gov(options);
  for (double t = 0; t < seconds; t += 1) {
    double load = 0;
    for (const SimCamera& c : SimCameras()) load += LoadShare(gov.level(c.id));
    load /= static_cast<double>(SimCameras().size());
    GovernorObservation o;
    o.now_s = t;
    std::optional<double> p95;
    SimSample s;
    s.t_s = t;
    s.signal = world(t, load, &o, &p95);
    for (const SimCamera& c : SimCameras()) o.cameras.push_back({c.id, c.priority, c.armed, p95});
    for (GovernorChange& ch : gov.Step(o)) trace->changes.push_back(std::move(ch));
    for (const SimCamera& c : SimCameras()) s.levels[c.id] = gov.level(c.id);
    trace->samples.push_back(std::move(s));
  }
}

// The shared detector as a queue: 50 ms per run, 30 runs/s demanded at full load.
double QueueP95(double load, double motion, double capacity) {
  const double rho = 30 * load * motion / capacity;
  return rho < 0.99 ? std::min(5000.0, 50 / (1 - rho)) : 5000.0;
}

}  // namespace

int SimTrace::ChangesBetween(double from_s, double to_s) const {
  return static_cast<int>(std::count_if(changes.begin(), changes.end(), [&](const auto& c) {
    return c.at_s >= from_s && c.at_s < to_s;
  }));
}

int SimTrace::MaxChangesPerMinute() const {
  int worst = 0;
  for (const GovernorChange& c : changes)
    worst = std::max(worst, ChangesBetween(c.at_s, c.at_s + 60));
  return worst;
}

const std::vector<SimCamera>& SimCameras() {
  static const std::vector<SimCamera> kCams = {
      {"low", 10, false}, {"mid", 50, false}, {"armed", 90, true}};
  return kCams;
}

GovernorOptions SimOptions() {
  GovernorOptions g;
  g.enabled = true;
  g.interval_s = 1;
  g.temp_limit_c = 85;
  g.temp_resume_c = 75;
  g.latency_p95_ms = 1000;
  g.hold_s = 20;
  g.min_change_interval_s = 5;
  return g;
}

SimTrace SimulateThermalRamp(const GovernorOptions& options) {
  SimTrace trace{"thermal-ramp", "temperature C", options.temp_limit_c, 60, 960};
  double temp = 60;
  Run(
      options, 2400,
      [&temp](double t, double load, GovernorObservation* o, std::optional<double>*) {
        const double ambient = t >= 60 && t < 960 ? 60.0 : 25.0;
        temp += (ambient + 45 * load - temp) / 30;
        o->temp_c = temp;
        return temp;
      },
      &trace);
  return trace;
}

namespace {

// The shared-detector scenarios: demand x motion(t) against capacity(t) runs per second.
SimTrace SimulateQueue(const GovernorOptions& options, SimTrace trace, double seconds,
                       double (*motion)(double), double (*capacity)(double)) {
  Run(
      options, seconds,
      [motion, capacity](double t, double load, GovernorObservation*, std::optional<double>* p95) {
        *p95 = QueueP95(load, motion(t), capacity(t));
        return **p95;
      },
      &trace);
  return trace;
}

}  // namespace

SimTrace SimulateMotionStorm(const GovernorOptions& options) {
  return SimulateQueue(
      options, {"motion-storm", "p95 ms", options.latency_p95_ms, 60, 1260}, 4200,
      [](double t) { return t >= 60 && t < 1260 ? 2.0 : 0.5; }, [](double) { return 20.0; });
}

SimTrace SimulateCpuHog(const GovernorOptions& options) {
  return SimulateQueue(
      options, {"cpu-hog", "p95 ms", options.latency_p95_ms, 60, 960}, 3600,
      [](double) { return 0.6; }, [](double t) { return t >= 60 && t < 960 ? 12.0 : 24.0; });
}

}  // namespace es
