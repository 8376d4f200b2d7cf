#include "app/governor_sim_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <iostream>

#include "app/exit_codes.h"
#include "core/svg_plot.h"
#include "govern/governor_sim.h"

namespace es {
namespace {

nlohmann::ordered_json Report(const SimTrace& t) {
  nlohmann::ordered_json peak = nlohmann::ordered_json::object(), final_level = peak;
  for (const SimCamera& c : SimCameras()) {
    int p = 0;
    for (const SimSample& s : t.samples) p = std::max(p, s.levels.at(c.id));
    peak[c.id] = p;
    final_level[c.id] = t.samples.back().levels.at(c.id);
  }
  int over = 0;
  for (const SimSample& s : t.samples) {
    over += s.t_s >= t.pressure_to_s - 600 && s.t_s < t.pressure_to_s && s.signal > t.limit;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const GovernorChange& c : t.changes) {
    list.push_back({{"t_s", c.at_s},
                    {"camera", c.camera},
                    {"from", c.from},
                    {"to", c.to},
                    {"reason", c.reason}});
  }
  return {{"name", t.name},
          {"signal", t.signal_name},
          {"limit", t.limit},
          {"pressure_s", {t.pressure_from_s, t.pressure_to_s}},
          {"changes", t.changes.size()},
          {"max_changes_per_minute", t.MaxChangesPerMinute()},
          {"steady_seconds_over_limit", over},
          {"peak_level", peak},
          {"final_level", final_level},
          {"changes_list", list}};
}

// The signal against its budget, and the levels, over minutes.
std::vector<std::pair<std::string, std::string>> Charts(const SimTrace& t) {
  LineChart signal;
  signal.title = t.name + ": " + t.signal_name;
  signal.x_label = "minutes";
  signal.y_label = t.signal_name;
  signal.log_y = t.signal_name == "p95 ms";
  signal.reference_lines = {{"budget", t.limit}};
  signal.shaded_x = {{t.pressure_from_s / 60, t.pressure_to_s / 60}};
  signal.shaded_label = "pressure";
  SvgSeries s{t.signal_name, {}, false, {}};
  for (size_t i = 0; i < t.samples.size(); i += 5) {  // every 5 s: a few KB per chart
    s.points.push_back({t.samples[i].t_s / 60, t.samples[i].signal});
  }
  signal.series.push_back(std::move(s));

  LineChart levels;
  levels.title = t.name + ": governor level per camera";
  levels.x_label = "minutes";
  levels.y_label = "level (0 = own settings, 6 = shed)";
  levels.shaded_x = signal.shaded_x;
  levels.shaded_label = "pressure";
  for (const SimCamera& c : SimCameras()) {
    SvgSeries l{c.id + " (priority " + std::to_string(c.priority) + (c.armed ? ", armed)" : ")"),
                {},
                false,
                {}};
    // A step line: a point where the level changes (and the one before it) and at the end.
    for (size_t i = 0; i < t.samples.size(); ++i) {
      const int level = t.samples[i].levels.at(c.id);
      const bool changes = i + 1 < t.samples.size() && t.samples[i + 1].levels.at(c.id) != level;
      const bool edge = i == 0 || i + 1 == t.samples.size() || changes ||
                        t.samples[i - 1].levels.at(c.id) != level;
      if (edge) l.points.push_back({t.samples[i].t_s / 60, static_cast<double>(level)});
    }
    levels.series.push_back(std::move(l));
  }
  return {{t.name + ".svg", LineChartSvg(signal)}, {t.name + "-levels.svg", LineChartSvg(levels)}};
}

}  // namespace

CLI::App* AddGovernorSimCommand(CLI::App* app, GovernorSimArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "governor-sim",
      "the governor's pressure tests (thermal ramp, motion storm, CPU hog) on simulated "
      "devices; prints JSON (docs/runtime.md)");
  cmd->add_option("--charts", args->charts, "write each scenario's signal and levels as SVG here");
  return cmd;
}

int RunGovernorSim(const GovernorSimArgs& args) {
  const GovernorOptions options = SimOptions();
  const std::vector<SimTrace> traces = {SimulateThermalRamp(options), SimulateMotionStorm(options),
                                        SimulateCpuHog(options)};
  nlohmann::ordered_json scenarios = nlohmann::ordered_json::array();
  std::vector<std::pair<std::string, std::string>> charts;
  for (const SimTrace& t : traces) {
    scenarios.push_back(Report(t));
    for (auto& c : Charts(t)) charts.push_back(std::move(c));
  }
  if (!args.charts.empty()) {
    Status st = WriteSvgFiles(args.charts, charts);
    if (!st.ok()) return ReportError(st);
  }
  const nlohmann::ordered_json report = {{"options",
                                          {{"interval_s", options.interval_s},
                                           {"min_change_interval_s", options.min_change_interval_s},
                                           {"hold_s", options.hold_s},
                                           {"temp_limit_c", options.temp_limit_c},
                                           {"temp_resume_c", options.temp_resume_c},
                                           {"latency_p95_ms", options.latency_p95_ms}}},
                                         {"scenarios", scenarios}};
  std::cout << report.dump(2) << std::endl;
  return kExitOk;
}

}  // namespace es
