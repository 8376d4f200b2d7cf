// The planner's result for people and programs: a fixed-width text report and a JSON document.
//
// Contract: PlanText is the human-readable report (the operating points with the frontier and
// the choice marked, then one column per architecture: feasibility, latency, bandwidth, cost,
// TCO, break-even, outage behaviour). PlanJson carries every number of PlanResult (money rounded
// to cents, other values to 3 decimals) under stable keys (docs/tradeoffs.md). Both read only
// the result, the site and the profile. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "plan/planner.h"

namespace es {

std::string PlanText(const PlanSite& site, const Profile& profile, const PlanResult& result);
nlohmann::ordered_json PlanJson(const PlanSite& site, const Profile& profile,
                                const PlanResult& result);

}  // namespace es
