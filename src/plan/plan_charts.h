// The planner's two charts as standalone SVG documents (no script, no external resources; any
// browser or image viewer shows them).
//
// Contract
// - ParetoSvg: every operating point at (p99 latency ms, agreement F1), frontier points filled
//   and joined, the chosen point ringed, the latency budget and the agreement floor as dashed
//   lines, each point labelled with its name.
// - CostSvg: cumulative cost (USD) over months 0..60 per architecture, one coloured line each
//   (infeasible ones dashed), with a legend; TCO markers at 36 and 60 months.
// - WritePlanCharts writes DIR/pareto.svg and DIR/cost.svg (creating DIR); errors name the file.
// Axes are linear with "nice" ticks (1, 2, 5 x 10^k). Names are XML-escaped. Pure except
// WritePlanCharts; thread-safe.
#pragma once

#include <string>

#include "edgesight/status.h"
#include "plan/planner.h"

namespace es {

std::string ParetoSvg(const PlanSite& site, const PlanResult& result);
std::string CostSvg(const PlanSite& site, const PlanResult& result);
Status WritePlanCharts(const std::string& dir, const PlanSite& site, const PlanResult& result);

}  // namespace es
