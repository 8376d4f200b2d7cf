// `edgesight plan --site SITE.yaml [--profile PROFILE.json] [--json] [--json-out F]
// [--charts DIR]`: edge, cloud, hybrid and cloud-fallback for one site, from a measured
// profile (plan/planner.h; docs/tradeoffs.md, "The planner").
//
// Contract: prints the text report (plan/plan_report.h), or the JSON with --json; --json-out
// also writes the JSON to a file, --charts writes DIR/pareto.svg and DIR/cost.svg. Without
// --profile it reads the profile shipped with edgesight (share/edgesight/profile.json when
// installed, examples/profile.json in a build tree). --keys lists every site key with its type,
// range, default and meaning, and exits.
// Failure: a missing or invalid site or profile file, or an output that cannot be written ->
// one line "edgesight: error: FILE: key: ..." on stderr, exit 2.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct PlanArgs {
  std::string site;
  std::string profile;
  bool json = false;
  bool keys = false;
  std::string json_out;
  std::string charts;
};

// Registers `plan` on `app`, bound to *args; returns it.
CLI::App* AddPlanCommand(CLI::App* app, PlanArgs* args);

// The profile used when --profile is not given.
std::string DefaultProfilePath();

// Returns the exit code.
int RunPlan(const PlanArgs& args);

}  // namespace es
