// Planner: a site (plan/site_spec.h) and a measured profile (plan/profile.h) -> for each
// architecture (edge, cloud, hybrid, cloud-fallback) the decision latency, bandwidth, monthly
// cost, cost per 1,000 decisions, 3- and 5-year TCO with the break-even month against cloud, and
// what an outage does; plus the edge operating point chosen on the Pareto frontier.
//
// Contract (every formula is in docs/tradeoffs.md, "The planner"; a month is 365.25 / 12 days)
// - Load: decisions/month = count x detect_fps x 3600 x hours_per_day x days.
// - Operating point: the profile's points form a Pareto frontier on (p99 latency, agreement,
//   edge cost per month at this site); the chosen point is the cheapest frontier point whose
//   p99 + pipeline overhead <= constraints.latency_p99_ms and agreement >= min_agreement (ties:
//   higher agreement, then lower p99). None qualifies: the highest-agreement point is used and
//   `constraints_met` is false, with the reason.
// - Edge: units = ceil(count x detect_fps / (throughput x utilisation)); capex = units x price +
//   one truck roll; replaced every life_years (another capex); opex = energy (idle_w all month +
//   energy per inference) + uplink data (events, crops, telemetry) + maintenance truck rolls.
// - Any architecture whose average upstream traffic reaches the uplink's rate is infeasible.
// - Cloud: every camera streams video (stream_kbps); GPUs = ceil(load / (gpu_inferences_per_s x
// utilisation)) for hours_per_day, or the
//   per-inference price; egress = answers; latency = LinkLatency of one encoded frame + backend.
// - Hybrid: edge, plus escalation_fraction of events sent as crops to a shared backend (priced per
//   inference: the per-inference price, or a GPU hour / (throughput x utilisation)); the first
//   decision is the edge's, the verified one adds the crop's LinkLatency + backend.
// - Cloud-fallback: edge, plus for unavailable_fraction of the time the unit's cameras stream to
//   the shared backend; infeasible when one unit's cameras' streams exceed the uplink.
// - Cumulative cost(m) = capex x max(1, ceil(m / life_months)) + m x opex (cloud: no capex);
//   TCO at 36 and 60 months; break-even = first month m in [0, 60] at which an architecture's
//   cumulative cost is <= cloud's (none: not within 5 years).
// The result points into `profile` (points, chosen): keep the profile alive. Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/profile.h"
#include "plan/site_spec.h"

namespace es {

inline constexpr double kDaysPerMonth = 365.25 / 12;
inline constexpr double kHoursPerMonth = kDaysPerMonth * 24;
inline constexpr int kPlanMonths = 60;

struct LatencySummary {
  std::string what;  // "decision", "verified", "during fallback"
  double p50_ms = 0;
  double p99_ms = 0;
};

struct ArchitecturePlan {
  std::string name;
  bool feasible = true;
  std::string infeasible_why;
  std::vector<LatencySummary> latency;  // [0] is the decision every camera gets
  bool meets_latency_budget = true;     // latency[0].p99 <= constraints.latency_p99_ms
  double uplink_kbps_per_camera = 0;    // average
  double gb_per_camera_month = 0;       // uplink data
  double link_utilisation = 0;          // average upstream load / uplink
  int edge_units = 0;
  int gpus = 0;
  double capex_usd = 0;                       // at month 0, and again at each replacement
  std::map<std::string, double> monthly_usd;  // opex by item
  double monthly_total_usd = 0;
  double usd_per_1000_decisions = 0;    // opex + capex spread over its life
  double decisions_lost_fraction = 0;   // during link outages
  std::vector<double> cumulative_usd;   // months 0..kPlanMonths
  std::optional<int> break_even_month;  // against cloud
  std::string outage;
};

struct PointCost {
  const OperatingPoint* point = nullptr;
  int units = 0;
  double monthly_usd = 0;  // edge opex + capex over its life, per month
  bool pareto = false;
  bool meets_constraints = false;
};

struct PlanResult {
  double decisions_per_month = 0;
  double stream_kbps = 0;         // per camera, given or estimated
  std::vector<PointCost> points;  // in profile order
  const OperatingPoint* chosen = nullptr;
  bool constraints_met = true;
  std::string chosen_why;
  std::vector<ArchitecturePlan> architectures;  // edge, cloud, hybrid, cloud-fallback
};

PlanResult Plan(const PlanSite& site, const Profile& profile);

}  // namespace es
