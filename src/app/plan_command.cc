#include "app/plan_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/exit_codes.h"
#include "core/install_dir.h"
#include "core/text_file.h"
#include "plan/plan_charts.h"
#include "plan/plan_report.h"
#include "plan/planner.h"

namespace es {

CLI::App* AddPlanCommand(CLI::App* app, PlanArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "plan",
      "edge vs cloud vs hybrid vs cloud-fallback for a site: latency, bandwidth, cost, TCO and "
      "the operating point, from a measured profile (docs/tradeoffs.md)");
  cmd->add_option("--site", args->site, "the site file (YAML; see --keys)");
  cmd->add_option("--profile", args->profile,
                  "the profile from `edgesight bench --profile` (default: the one shipped)");
  cmd->add_flag("--json", args->json, "print the plan as JSON instead of the text report");
  cmd->add_option("--json-out", args->json_out, "also write the JSON plan to this file");
  cmd->add_option("--charts", args->charts, "write pareto.svg and cost.svg into this folder");
  cmd->add_flag("--keys", args->keys, "list every site key (type, range, default, meaning)");
  return cmd;
}

std::string DefaultProfilePath() {
  const std::string installed = InstalledDataDir("");
  if (!installed.empty()) {
    const std::string p = (std::filesystem::path(installed) / "profile.json").string();
    if (std::ifstream(p).good()) return p;
  }
  return std::string(ES_SOURCE_DIR) + "/examples/profile.json";
}

int RunPlan(const PlanArgs& args) {
  if (args.keys) {
    std::cout << DescribePlanSite();
    return kExitOk;
  }
  if (args.site.empty()) return ReportError(InvalidArgument("plan: --site is required"));
  auto site = LoadPlanSite(args.site);
  if (!site.ok()) return ReportError(site.status());
  auto profile = LoadProfile(args.profile.empty() ? DefaultProfilePath() : args.profile);
  if (!profile.ok()) return ReportError(profile.status());
  const PlanResult result = Plan(*site, *profile);
  const auto json = PlanJson(*site, *profile, result);
  if (!args.json_out.empty()) {
    Status st = WriteTextFile(args.json_out, json.dump(2) + "\n");
    if (!st.ok()) return ReportError(st);
  }
  if (!args.charts.empty()) {
    Status st = WritePlanCharts(args.charts, *site, result);
    if (!st.ok()) return ReportError(st);
  }
  if (args.json) {
    std::cout << json.dump(2) << std::endl;
  } else {
    std::cout << PlanText(*site, *profile, result);
  }
  return kExitOk;
}

}  // namespace es
