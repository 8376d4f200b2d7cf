// `edgesight governor-sim [--charts DIR]`: the governor's three pressure tests (a thermal ramp,
// a motion storm, a CPU hog; govern/governor_sim.h) run on simulated devices; prints one JSON
// report and, with --charts, writes per scenario a chart of the signal against its budget and
// one of each camera's level over time (docs/runtime.md, "The governor").
//
// Report: {"options": {...}, "scenarios": [{"name", "signal", "limit", "pressure_s": [from, to],
//   "changes", "max_changes_per_minute", "steady_seconds_over_limit" (the last 10 minutes of the
//   pressure), "peak_level": {camera: n}, "final_level": {camera: n},
//   "changes_list": [{"t_s", "camera", "from", "to", "reason"}]}]}
// Failure: a chart folder that cannot be written -> one line on stderr, exit 2.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct GovernorSimArgs {
  std::string charts;
};

CLI::App* AddGovernorSimCommand(CLI::App* app, GovernorSimArgs* args);
int RunGovernorSim(const GovernorSimArgs& args);

}  // namespace es
