// Simulated devices for the governor: the three pressure tests of issue 12 (a thermal ramp, a
// motion storm, a CPU hog) as deterministic simulations, one control step per simulated second,
// used by the unit tests and by `edgesight governor-sim` (traces and charts, docs/runtime.md).
//
// Contract
// - Three cameras: "low" (priority 10), "mid" (50) and "armed" (90, an armed zone holds a track
//   throughout). A camera's load share at a level is 1 / {1, 1.5, 2, 3, 5, 8, 10}[level] (the
//   period ladder, then the gate leaving about 0.6 of the runs, then shedding); the device load
//   is the mean share.
// - Thermal ramp (40 min): a first-order die, T += (ambient + 45 C x load - T) / 30 each second;
//   ambient 25 C, 60 C from minute 1 to 16 (full load would reach 105 C), then 25 C.
// - Motion storm (70 min): the shared detector as a queue, p95 = 50 ms / (1 - rho) (5 s when
//   saturated), rho = 30 runs/s x load x motion / 20 runs/s; motion 0.5, 2 from minute 1 to 21.
// - CPU hog (60 min): the same queue, motion 0.6, capacity 24 runs/s halved from minute 1 to 16.
// - Every trace holds one sample per second (signal, each camera's level) and every change.
// Pure and deterministic; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "govern/governor.h"

namespace es {

struct SimSample {
  double t_s = 0;
  double signal = 0;  // temperature (C) or p95 (ms), as the scenario's signal_name says
  std::map<std::string, int> levels;
};

struct SimTrace {
  std::string name;         // "thermal-ramp", "motion-storm", "cpu-hog"
  std::string signal_name;  // "temperature C" or "p95 ms"
  double limit = 0;         // the budget on that signal
  double pressure_from_s = 0, pressure_to_s = 0;
  std::vector<SimSample> samples;
  std::vector<GovernorChange> changes;

  int ChangesBetween(double from_s, double to_s) const;
  int MaxChangesPerMinute() const;
};

// The cameras of every scenario: id, priority, armed.
struct SimCamera {
  std::string id;
  int priority = 50;
  bool armed = false;
};
const std::vector<SimCamera>& SimCameras();

// The options the scenarios use by default: 1 s interval, 5 s between changes, 20 s hold,
// 85/75 C, 1000 ms.
GovernorOptions SimOptions();

SimTrace SimulateThermalRamp(const GovernorOptions& options);
SimTrace SimulateMotionStorm(const GovernorOptions& options);
SimTrace SimulateCpuHog(const GovernorOptions& options);

}  // namespace es
