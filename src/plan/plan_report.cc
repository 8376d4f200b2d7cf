#include "plan/plan_report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace es {
namespace {

double Round(double v, int digits) {
  const double k = std::pow(10.0, digits);
  return std::round(v * k) / k;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// Thousands separated by commas: 12,345.
std::string Money(double v) {
  std::string digits = Fixed(std::fabs(v), 0);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

const LatencySummary* FindLatency(const ArchitecturePlan& a, const std::string& what) {
  for (const LatencySummary& l : a.latency) {
    if (l.what == what) return &l;
  }
  return nullptr;
}

}  // namespace

std::string PlanText(const PlanSite& site, const Profile& profile, const PlanResult& r) {
  std::ostringstream o;
  const CameraLoad& c = site.cameras;
  o << "edgesight plan: " << site.site.name << ": " << c.count << " camera(s), " << c.width << "x"
    << c.height << " at " << FormatNumber(c.fps) << " fps, detector " << FormatNumber(c.detect_fps)
    << "/s per camera, " << FormatNumber(c.hours_per_day) << " h/day; "
    << Money(r.decisions_per_month) << " decisions/month; video " << Fixed(r.stream_kbps, 0)
    << " kbps per camera\n";
  o << "profile: " << profile.origin
    << (profile.machine.empty() ? "" : " (" + profile.machine + ")") << "; agreement is F1 against "
    << (profile.reference.empty() ? "the reference" : profile.reference) << ", not accuracy\n\n";

  o << "Operating points (edge cost at this site; * Pareto frontier, > chosen)\n";
  o << "  " << Pad("name", 24) << Pad("p99 ms", 9) << Pad("agreement", 11) << Pad("J/run", 8)
    << Pad("units", 7) << "USD/month\n";
  for (const PointCost& p : r.points) {
    const std::string mark = std::string(p.point == r.chosen ? ">" : " ") + (p.pareto ? "*" : " ");
    o << mark << Pad(p.point->name, 24) << Pad(Fixed(p.point->p99_ms, 1), 9)
      << Pad(Fixed(p.point->agreement_f1, 3), 11) << Pad(Fixed(p.point->energy_j, 2), 8)
      << Pad(std::to_string(p.units), 7) << Money(p.monthly_usd)
      << (p.meets_constraints ? "" : "  (outside the constraints)") << "\n";
  }
  o << "chosen: " << r.chosen->name << ": " << r.chosen_why << "\n\n";

  constexpr size_t kLabel = 30, kCol = 17;
  auto row = [&](const std::string& label, auto cell) {
    o << Pad(label, kLabel);
    for (const ArchitecturePlan& a : r.architectures) o << Pad(cell(a), kCol);
    o << "\n";
  };
  row("", [](const ArchitecturePlan& a) { return a.name; });
  row("feasible", [](const ArchitecturePlan& a) { return a.feasible ? "yes" : "NO (see below)"; });
  auto latency_row = [&](const std::string& what, const std::string& label) {
    row(label, [&](const ArchitecturePlan& a) -> std::string {
      const LatencySummary* l = FindLatency(a, what);
      return l ? Fixed(l->p50_ms, 0) + " / " + Fixed(l->p99_ms, 0) : "-";
    });
  };
  latency_row("decision", "decision p50 / p99 ms");
  latency_row("verified", "verified p50 / p99 ms");
  latency_row("during fallback", "in fallback p50 / p99 ms");
  row("p99 within budget",
      [](const ArchitecturePlan& a) { return a.meets_latency_budget ? "yes" : "no"; });
  row("uplink kbps / camera", [](const ArchitecturePlan& a) {
    return Fixed(a.uplink_kbps_per_camera, a.uplink_kbps_per_camera < 10 ? 2 : 0);
  });
  row("GB / camera / month", [](const ArchitecturePlan& a) {
    return Fixed(a.gb_per_camera_month, a.gb_per_camera_month < 10 ? 2 : 0);
  });
  row("link utilisation",
      [](const ArchitecturePlan& a) { return Fixed(a.link_utilisation * 100, 1) + " %"; });
  row("edge units / GPUs", [](const ArchitecturePlan& a) {
    return std::to_string(a.edge_units) + " / " + std::to_string(a.gpus);
  });
  row("capex USD", [](const ArchitecturePlan& a) { return Money(a.capex_usd); });
  row("opex USD / month", [](const ArchitecturePlan& a) { return Money(a.monthly_total_usd); });
  row("USD / 1,000 decisions",
      [](const ArchitecturePlan& a) { return Fixed(a.usd_per_1000_decisions, 4); });
  row("TCO 3 years USD", [](const ArchitecturePlan& a) { return Money(a.cumulative_usd[36]); });
  row("TCO 5 years USD", [](const ArchitecturePlan& a) { return Money(a.cumulative_usd[60]); });
  row("break-even vs cloud (month)", [](const ArchitecturePlan& a) -> std::string {
    if (a.name == "cloud") return "-";
    return a.break_even_month ? std::to_string(*a.break_even_month) : "> 60";
  });
  row("decisions lost in outages",
      [](const ArchitecturePlan& a) { return Fixed(a.decisions_lost_fraction * 100, 2) + " %"; });
  o << "\nOpex by item (USD / month)\n";
  for (const ArchitecturePlan& a : r.architectures) {
    o << "  " << Pad(a.name, 16);
    bool first = true;
    for (const auto& [item, usd] : a.monthly_usd) {
      o << (first ? "" : ", ") << item << " " << Fixed(usd, 2);
      first = false;
    }
    o << "\n";
  }
  o << "\nDuring a link outage\n";
  for (const ArchitecturePlan& a : r.architectures)
    o << "  " << Pad(a.name, 16) << a.outage << "\n";
  for (const ArchitecturePlan& a : r.architectures) {
    if (!a.feasible) o << "\n" << a.name << " is not feasible: " << a.infeasible_why << "\n";
  }
  return o.str();
}

nlohmann::ordered_json PlanJson(const PlanSite& site, const Profile& profile, const PlanResult& r) {
  using J = nlohmann::ordered_json;
  J points = J::array();
  for (const PointCost& p : r.points) {
    points.push_back({{"name", p.point->name},
                      {"p50_ms", Round(p.point->p50_ms, 3)},
                      {"p99_ms", Round(p.point->p99_ms, 3)},
                      {"agreement_f1", Round(p.point->agreement_f1, 4)},
                      {"energy_j_per_inference", Round(p.point->energy_j, 4)},
                      {"throughput_fps", Round(p.point->throughput_fps, 3)},
                      {"edge_units", p.units},
                      {"edge_usd_per_month", Round(p.monthly_usd, 2)},
                      {"pareto", p.pareto},
                      {"meets_constraints", p.meets_constraints},
                      {"chosen", p.point == r.chosen}});
  }
  J archs = J::array();
  for (const ArchitecturePlan& a : r.architectures) {
    J latency = J::array();
    for (const LatencySummary& l : a.latency) {
      latency.push_back(
          {{"what", l.what}, {"p50_ms", Round(l.p50_ms, 3)}, {"p99_ms", Round(l.p99_ms, 3)}});
    }
    J monthly = J::object();
    for (const auto& [item, usd] : a.monthly_usd) monthly[item] = Round(usd, 2);
    monthly["total"] = Round(a.monthly_total_usd, 2);
    J cumulative = J::array();
    for (double v : a.cumulative_usd) cumulative.push_back(Round(v, 2));
    archs.push_back(
        {{"name", a.name},
         {"feasible", a.feasible},
         {"infeasible_why", a.infeasible_why},
         {"meets_latency_budget", a.meets_latency_budget},
         {"latency", latency},
         {"uplink_kbps_per_camera", Round(a.uplink_kbps_per_camera, 3)},
         {"gb_per_camera_month", Round(a.gb_per_camera_month, 3)},
         {"link_utilisation", Round(a.link_utilisation, 4)},
         {"edge_units", a.edge_units},
         {"gpus", a.gpus},
         {"capex_usd", Round(a.capex_usd, 2)},
         {"opex_usd_per_month", monthly},
         {"usd_per_1000_decisions", Round(a.usd_per_1000_decisions, 5)},
         {"tco_3y_usd", Round(a.cumulative_usd[36], 2)},
         {"tco_5y_usd", Round(a.cumulative_usd[60], 2)},
         {"break_even_month_vs_cloud", a.break_even_month ? J(*a.break_even_month) : J(nullptr)},
         {"decisions_lost_fraction", Round(a.decisions_lost_fraction, 6)},
         {"outage", a.outage},
         {"cumulative_usd", cumulative}});
  }
  return J{
      {"schema", "edgesight.plan/1"},
      {"site", site.site.name},
      {"profile", profile.origin},
      {"machine", profile.machine},
      {"cameras", site.cameras.count},
      {"decisions_per_month", Round(r.decisions_per_month, 0)},
      {"stream_kbps_per_camera", Round(r.stream_kbps, 3)},
      {"operating_points", points},
      {"chosen",
       {{"name", r.chosen->name}, {"constraints_met", r.constraints_met}, {"why", r.chosen_why}}},
      {"architectures", archs}};
}

}  // namespace es
