// The `governor` configuration section (core/option_schema.h): keys, types, ranges, meanings
// and the section's rules, read by the config file's schema (config/config_schema.cc).
// Rules: temp_resume_c < temp_limit_c; pinned entries are "id" or "id=LEVEL" (0-6).
#pragma once

#include "core/option_schema.h"
#include "govern/governor_options.h"

namespace es {

inline const OptionSchema<GovernorOptions>& GovernorSchema() {
  static const OptionSchema<GovernorOptions> kSchema = [] {
    using G = GovernorOptions;
    OptionSchema<GovernorOptions> s(
        "governor",
        "holds latency, temperature and power budgets by moving cameras between "
        "operating points (docs/runtime.md)");
    s.Add("enabled", &G::enabled, AnyValue(), "run the governor")
        .Add("interval_s", &G::interval_s, Closed(0.05, 60), "one control step this often")
        .Add("latency_p95_ms", &G::latency_p95_ms, Closed(1, 600000),
             "glass-to-decision p95 budget per camera")
        .Add("temp_limit_c", &G::temp_limit_c, Closed(20, 150),
             "pressure at or above this temperature")
        .Add("temp_resume_c", &G::temp_resume_c, Closed(0, 150),
             "relief at or below this temperature (hysteresis)")
        .Add("thermal_path", &G::thermal_path, AnyValue(),
             "temperature file in millidegrees C; empty = the first thermal zone")
        .Add("power_budget_w", &G::power_budget_w, Closed(0, 100000), "0 = no power budget")
        .Add("power_path", &G::power_path, AnyValue(),
             "RAPL energy_uj counter file; empty = the package RAPL counters, if readable")
        .Add("hold_s", &G::hold_s, Closed(0, 3600),
             "pressure gone this long before a camera gets a level back")
        .Add("min_change_interval_s", &G::min_change_interval_s, Closed(0, 3600),
             "at most one change per this many seconds")
        .Add("base_period_s", &G::base_period_s, Closed(0.01, 60),
             "first step of the period ladder for a camera with detect_period_s 0")
        .Add("pinned", &G::pinned, AnyValue(),
             "cameras the governor never moves: \"id\" (at its own settings) or \"id=LEVEL\" "
             "(0-6, the operator's choice)")
        .SetRules([](const GovernorOptions& g) -> Status {
          if (auto pins = ParsePinned(g.pinned); !pins.ok()) return pins.status();
          if (g.temp_resume_c >= g.temp_limit_c) {
            return InvalidArgument(
                "governor.temp_resume_c: expected below governor.temp_limit_c (" +
                FormatNumber(g.temp_limit_c) + "), got " + FormatNumber(g.temp_resume_c));
          }
          return Status::Ok();
        });
    return s;
  }();
  return kSchema;
}

}  // namespace es
