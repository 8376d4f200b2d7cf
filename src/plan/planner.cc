#include "plan/planner.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/option_schema.h"
#include "core/pareto.h"
#include "plan/link_latency.h"

namespace es {
namespace {

constexpr double kBytesPerGb = 1e9;
constexpr double kBytesPerTb = 1e12;

double CameraHoursPerMonth(const PlanSite& s) { return s.cameras.hours_per_day * kDaysPerMonth; }

double StreamKbps(const CameraLoad& c) {
  if (c.stream_kbps > 0) return c.stream_kbps;
  return c.width * static_cast<double>(c.height) * c.fps * c.bits_per_pixel / 1e3;
}

// Bytes per month at an average rate of `kbps`, over the hours the cameras run.
double MonthlyBytes(const PlanSite& s, double kbps) {
  return kbps * 1e3 / 8.0 * 3600.0 * CameraHoursPerMonth(s);
}

// The edge's own upstream traffic per camera: event messages, crops and telemetry.
double EdgeKbps(const PlanSite& s) {
  const double event_bytes = s.event.metadata_bytes + s.event.crop_kb * 1024.0;
  return s.cameras.events_per_hour * event_bytes * 8.0 / 3600.0 / 1e3 + s.edge.telemetry_kbps;
}

// Price of one backend inference when the backend is shared (hybrid, fallback).
double SharedInferenceUsd(const CloudSpec& c) {
  if (c.usd_per_1000_inferences > 0) return c.usd_per_1000_inferences / 1000.0;
  return c.gpu_usd_per_hour / (c.gpu_inferences_per_s * 3600.0 * c.utilisation);
}

int EdgeUnits(const PlanSite& s, const OperatingPoint& op) {
  const double load = s.cameras.count * s.cameras.detect_fps;
  return static_cast<int>(std::ceil(load / (op.throughput_fps * s.edge.utilisation) - 1e-9));
}

struct EdgeCost {
  int units = 0;
  double capex = 0;
  std::map<std::string, double> monthly;
};

EdgeCost EdgeCosts(const PlanSite& s, const OperatingPoint& op, double decisions_per_month) {
  EdgeCost e;
  e.units = EdgeUnits(s, op);
  e.capex = e.units * s.edge.unit_usd + s.labour.truck_roll_usd;
  const double idle_kwh = e.units * s.edge.idle_w * kHoursPerMonth / 1e3;
  const double infer_kwh = decisions_per_month * op.energy_j / 3.6e6;
  e.monthly["power"] = (idle_kwh + infer_kwh) * s.power.usd_per_kwh;
  e.monthly["uplink data"] =
      MonthlyBytes(s, EdgeKbps(s)) * s.cameras.count / kBytesPerGb * s.link.usd_per_gb;
  e.monthly["maintenance"] = e.units * s.labour.truck_rolls_per_year * s.labour.truck_roll_usd / 12;
  return e;
}

double Sum(const std::map<std::string, double>& m) {
  double t = 0;
  for (const auto& [k, v] : m) t += v;
  return t;
}

double LifeMonths(const PlanSite& s) { return s.edge.life_years * 12; }

// Opex plus capex spread over the hardware's life.
double AmortisedMonthly(const PlanSite& s, double capex, double opex) {
  return opex + capex / LifeMonths(s);
}

void FillCumulative(const PlanSite& s, ArchitecturePlan* a) {
  a->cumulative_usd.clear();
  for (int m = 0; m <= kPlanMonths; ++m) {
    const double buys = a->capex_usd > 0 ? std::max(1.0, std::ceil(m / LifeMonths(s) - 1e-9)) : 0;
    a->cumulative_usd.push_back(a->capex_usd * buys + m * a->monthly_total_usd);
  }
}

// "12.4" (Mbps, one decimal) for messages.
std::string MbpsText(double kbps) { return FormatNumber(std::round(kbps / 100) / 10); }

std::string Mb(double bytes) {
  std::ostringstream o;
  o.precision(3);
  o << bytes / 1e6 << " MB";
  return o.str();
}

}  // namespace

PlanResult Plan(const PlanSite& site, const Profile& profile) {
  PlanResult r;
  const CameraLoad& cam = site.cameras;
  r.decisions_per_month = cam.count * cam.detect_fps * 3600.0 * CameraHoursPerMonth(site);
  r.stream_kbps = StreamKbps(cam);
  const double budget = site.constraints.latency_p99_ms;
  const double overhead = site.edge.pipeline_overhead_ms;

  // Operating points: cost at this site, Pareto frontier, choice.
  for (const OperatingPoint& op : profile.points) {
    PointCost pc;
    pc.point = &op;
    EdgeCost e = EdgeCosts(site, op, r.decisions_per_month);
    pc.units = e.units;
    pc.monthly_usd = AmortisedMonthly(site, e.capex, Sum(e.monthly));
    pc.meets_constraints =
        op.p99_ms + overhead <= budget && op.agreement_f1 >= site.constraints.min_agreement;
    r.points.push_back(pc);
  }
  std::vector<std::vector<double>> objectives;  // all minimised
  for (const PointCost& pc : r.points) {
    objectives.push_back({pc.point->p99_ms, -pc.point->agreement_f1, pc.monthly_usd});
  }
  const std::vector<bool> frontier = ParetoFrontier(objectives);
  for (size_t i = 0; i < r.points.size(); ++i) r.points[i].pareto = frontier[i];
  const PointCost* best = nullptr;
  for (const PointCost& pc : r.points) {
    if (!pc.pareto || !pc.meets_constraints) continue;
    auto key = [](const PointCost& p) {
      return std::make_tuple(p.monthly_usd, -p.point->agreement_f1, p.point->p99_ms);
    };
    if (best == nullptr || key(pc) < key(*best)) best = &pc;
  }
  if (best != nullptr) {
    r.chosen_why =
        "the cheapest point on the frontier with p99 + overhead <= " + FormatNumber(budget) +
        " ms and agreement >= " + FormatNumber(site.constraints.min_agreement);
  } else {
    r.constraints_met = false;
    for (const PointCost& pc : r.points) {
      if (best == nullptr || pc.point->agreement_f1 > best->point->agreement_f1) best = &pc;
    }
    r.chosen_why = "no operating point meets p99 + overhead <= " + FormatNumber(budget) +
                   " ms and agreement >= " + FormatNumber(site.constraints.min_agreement) +
                   "; using the highest agreement";
  }
  const OperatingPoint& op = *best->point;
  r.chosen = &op;

  const double decisions_k = r.decisions_per_month / 1000.0;
  const double uplink_kbps = site.link.uplink_mbps * 1e3;
  const double outage_fraction = site.link.outage_hours_per_month / kHoursPerMonth;
  const LatencySummary edge_latency{"decision", op.p50_ms + overhead, op.p99_ms + overhead};
  const EdgeCost edge_cost = EdgeCosts(site, op, r.decisions_per_month);
  const double edge_kbps = EdgeKbps(site);
  const double outbox_bytes_per_hour =
      MonthlyBytes(site, edge_kbps) * cam.count / CameraHoursPerMonth(site);

  auto finish = [&](ArchitecturePlan* a) {
    a->monthly_total_usd = Sum(a->monthly_usd);
    a->usd_per_1000_decisions =
        (a->monthly_total_usd + (a->capex_usd > 0 ? a->capex_usd / LifeMonths(site) : 0)) /
        decisions_k;
    a->gb_per_camera_month = MonthlyBytes(site, a->uplink_kbps_per_camera) / kBytesPerGb;
    a->link_utilisation = a->uplink_kbps_per_camera * cam.count / uplink_kbps;
    if (a->link_utilisation >= 1 && a->feasible) {
      a->feasible = false;
      a->infeasible_why = "upstream traffic needs " +
                          MbpsText(a->uplink_kbps_per_camera * cam.count) +
                          " Mbps, the uplink has " + FormatNumber(site.link.uplink_mbps);
    }
    a->meets_latency_budget = a->latency.front().p99_ms <= budget;
    FillCumulative(site, a);
  };
  auto edge_like = [&](const std::string& name) {
    ArchitecturePlan a;
    a.name = name;
    a.latency.push_back(edge_latency);
    a.edge_units = edge_cost.units;
    a.capex_usd = edge_cost.capex;
    a.monthly_usd = edge_cost.monthly;
    a.uplink_kbps_per_camera = edge_kbps;
    return a;
  };

  // Edge.
  ArchitecturePlan edge = edge_like("edge");
  edge.outage = "no change: detection, alarms and recording go on; the outbox keeps " +
                Mb(outbox_bytes_per_hour) + " per hour of outage and delivers it on reconnect";
  finish(&edge);

  // Cloud.
  ArchitecturePlan cloud;
  cloud.name = "cloud";
  {
    const double total_kbps = r.stream_kbps * cam.count;
    cloud.uplink_kbps_per_camera = r.stream_kbps;
    const double frame_bytes = r.stream_kbps * 1e3 / 8.0 / cam.fps;
    LinkLatency link({frame_bytes, site.link.uplink_mbps, std::min(total_kbps / uplink_kbps, 0.99),
                      site.link.rtt_ms, site.link.jitter_ms, site.link.loss,
                      site.cloud.inference_ms});
    cloud.latency.push_back({"decision", link.Quantile(0.5), link.Quantile(0.99)});
    const double load = cam.count * cam.detect_fps;
    if (site.cloud.usd_per_1000_inferences > 0) {
      cloud.monthly_usd["cloud inference"] = decisions_k * site.cloud.usd_per_1000_inferences;
    } else {
      cloud.gpus = static_cast<int>(
          std::ceil(load / (site.cloud.gpu_inferences_per_s * site.cloud.utilisation) - 1e-9));
      cloud.monthly_usd["cloud GPUs"] =
          cloud.gpus * site.cloud.gpu_usd_per_hour * CameraHoursPerMonth(site);
    }
    cloud.monthly_usd["uplink data"] =
        MonthlyBytes(site, r.stream_kbps) * cam.count / kBytesPerGb * site.link.usd_per_gb;
    cloud.monthly_usd["egress"] = r.decisions_per_month * site.cloud.response_bytes / kBytesPerTb *
                                  site.cloud.egress_usd_per_tb;
    cloud.decisions_lost_fraction = outage_fraction;
    cloud.outage = "blind: no decisions for any camera while the link is down (" +
                   FormatNumber(site.link.outage_hours_per_month) + " h per month expected)";
    finish(&cloud);
  }

  // Hybrid.
  ArchitecturePlan hybrid = edge_like("hybrid");
  {
    const double crop_bytes = site.event.crop_kb * 1024.0;
    const double escalations_per_hour =
        cam.events_per_hour * site.hybrid.escalation_fraction;  // per camera
    const double escalation_kbps = escalations_per_hour * crop_bytes * 8.0 / 3600.0 / 1e3;
    hybrid.uplink_kbps_per_camera += escalation_kbps;
    const double escalations_month = escalations_per_hour * cam.count * CameraHoursPerMonth(site);
    hybrid.monthly_usd["uplink data"] +=
        MonthlyBytes(site, escalation_kbps) * cam.count / kBytesPerGb * site.link.usd_per_gb;
    hybrid.monthly_usd["cloud inference"] = escalations_month * SharedInferenceUsd(site.cloud);
    hybrid.monthly_usd["egress"] =
        escalations_month * site.cloud.response_bytes / kBytesPerTb * site.cloud.egress_usd_per_tb;
    const double util = std::min(edge_kbps * cam.count / uplink_kbps, 0.99);
    LinkLatency link({crop_bytes, site.link.uplink_mbps, util, site.link.rtt_ms,
                      site.link.jitter_ms, site.link.loss, site.cloud.inference_ms});
    hybrid.latency.push_back({"verified", edge_latency.p50_ms + link.Quantile(0.5),
                              edge_latency.p99_ms + link.Quantile(0.99)});
    hybrid.outage =
        "decisions go on at the edge; escalated events wait in the outbox and are "
        "verified on reconnect";
    finish(&hybrid);
  }

  // Cloud-fallback.
  ArchitecturePlan fallback = edge_like("cloud-fallback");
  {
    const double f = site.edge.unavailable_fraction;
    const double cameras_per_unit = std::ceil(cam.count / static_cast<double>(edge_cost.units));
    const double unit_stream_kbps = cameras_per_unit * r.stream_kbps;
    if (f > 0 && unit_stream_kbps >= uplink_kbps) {
      fallback.feasible = false;
      fallback.infeasible_why = "one unit's " + FormatNumber(cameras_per_unit) +
                                " camera(s) need " + MbpsText(unit_stream_kbps) +
                                " Mbps of video in fallback, the uplink has " +
                                FormatNumber(site.link.uplink_mbps);
    }
    fallback.uplink_kbps_per_camera += f * r.stream_kbps;
    fallback.monthly_usd["uplink data"] +=
        MonthlyBytes(site, f * r.stream_kbps) * cam.count / kBytesPerGb * site.link.usd_per_gb;
    const double fallback_decisions = f * r.decisions_per_month;
    fallback.monthly_usd["cloud inference"] = fallback_decisions * SharedInferenceUsd(site.cloud);
    fallback.monthly_usd["egress"] =
        fallback_decisions * site.cloud.response_bytes / kBytesPerTb * site.cloud.egress_usd_per_tb;
    const double frame_bytes = r.stream_kbps * 1e3 / 8.0 / cam.fps;
    LinkLatency link({frame_bytes, site.link.uplink_mbps,
                      std::min(unit_stream_kbps / uplink_kbps, 0.99), site.link.rtt_ms,
                      site.link.jitter_ms, site.link.loss, site.cloud.inference_ms});
    fallback.latency.push_back({"during fallback", link.Quantile(0.5), link.Quantile(0.99)});
    fallback.outage =
        "as edge; a unit whose detector is down during a link outage leaves its "
        "cameras without decisions";
    fallback.decisions_lost_fraction = f * outage_fraction;
    finish(&fallback);
  }

  for (ArchitecturePlan* a : {&edge, &cloud, &hybrid, &fallback}) {
    if (a != &cloud) {
      for (int m = 0; m <= kPlanMonths; ++m) {
        if (a->cumulative_usd[m] <= cloud.cumulative_usd[m]) {
          a->break_even_month = m;
          break;
        }
      }
    }
    r.architectures.push_back(*a);
  }
  return r;
}

}  // namespace es
