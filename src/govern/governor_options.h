// GovernorOptions: the `governor:` section (device-wide): the budgets the governor holds and how
// fast it may move (govern/governor.h; docs/runtime.md, "The governor").
// Thread-safety: a plain value.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct GovernorOptions {
  bool enabled = false;
  double interval_s = 2.0;       // one control step this often
  double latency_p95_ms = 1000;  // glass-to-decision p95 budget per camera
  double temp_limit_c = 85;      // pressure at or above this temperature
  double temp_resume_c = 75;     // relief at or below this one (hysteresis)
  std::string thermal_path;      // a temp file in millidegrees; "" = the first thermal zone
  double power_budget_w = 0;     // 0 = no power budget
  std::string power_path;        // a RAPL energy_uj counter; "" = the package's, if present
  double hold_s = 20;            // pressure gone this long before a camera is given back a level
  double min_change_interval_s = 5;  // at most one change per this many seconds
  double base_period_s = 0.2;        // the ladder's start for a camera whose detect_period_s is 0
  std::vector<std::string> pinned;   // "id" (its own settings) or "id=LEVEL": never moved
};

// governor.pinned as camera id -> level; an entry that is not "id" or "id=N" (N in 0..6) is
// kInvalidArgument "governor.pinned[i]: ...".
Result<std::map<std::string, int>> ParsePinned(const std::vector<std::string>& pinned);

}  // namespace es
