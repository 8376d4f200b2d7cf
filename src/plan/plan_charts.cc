#include "plan/plan_charts.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/option_schema.h"
#include "core/svg_plot.h"

namespace es {

std::string ParetoSvg(const PlanSite& site, const PlanResult& r) {
  const double overhead = site.edge.pipeline_overhead_ms;
  const double budget = site.constraints.latency_p99_ms;
  const double floor_f1 = site.constraints.min_agreement;
  double xmin = INFINITY, xmax = 0, ymin = floor_f1;
  for (const PointCost& p : r.points) {
    xmax = std::max(xmax, p.point->p99_ms + overhead);
    xmin = std::min(xmin, p.point->p99_ms + overhead);
    ymin = std::min(ymin, p.point->agreement_f1);
  }
  // The budget is drawn when it is near the points; far away it would squeeze them together.
  const bool budget_shown = budget <= xmax * 2;
  if (budget_shown) xmax = std::max(xmax, budget);
  SvgAxes ax(0, xmax * 1.1, std::max(0.0, ymin - 0.05), 1.0);
  std::ostringstream o;
  o << SvgOpen();
  ax.Draw(o, "Operating points: " + site.site.name, "p99 glass-to-decision latency (ms)",
          "agreement F1 with the reference");
  const double legend_x = LegendX();
  if (budget_shown) {
    o << "<line x1=\"" << SvgNum(ax.X(budget)) << "\" y1=\"" << SvgNum(ax.Y(ax.y0())) << "\" x2=\""
      << SvgNum(ax.X(budget)) << "\" y2=\"" << SvgNum(ax.Y(ax.y1()))
      << "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n";
    o << "<text x=\"" << SvgNum(ax.X(budget) + 4) << "\" y=\"" << SvgNum(ax.Y(ax.y1()) + 14)
      << "\" fill=\"#d62728\">latency budget</text>\n";
  } else {
    o << "<text x=\"" << legend_x << "\" y=\"" << kSvgTop + 90
      << "\" fill=\"#d62728\">latency budget " << FormatNumber(budget) << " ms</text>\n<text x=\""
      << legend_x << "\" y=\"" << kSvgTop + 106
      << "\" fill=\"#d62728\">(right of the chart)</text>\n";
  }
  o << "<line x1=\"" << SvgNum(ax.X(ax.x0())) << "\" y1=\"" << SvgNum(ax.Y(floor_f1)) << "\" x2=\""
    << SvgNum(ax.X(ax.x1())) << "\" y2=\"" << SvgNum(ax.Y(floor_f1))
    << "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n"
    << "<text x=\"" << SvgNum(ax.X(ax.x1()) - 4) << "\" y=\"" << SvgNum(ax.Y(floor_f1) + 14)
    << "\" fill=\"#d62728\" text-anchor=\"end\">agreement floor</text>\n";
  // Frontier line, by latency.
  std::vector<const PointCost*> frontier;
  for (const PointCost& p : r.points) {
    if (p.pareto) frontier.push_back(&p);
  }
  std::sort(frontier.begin(), frontier.end(), [](const PointCost* a, const PointCost* b) {
    return a->point->p99_ms < b->point->p99_ms;
  });
  if (frontier.size() > 1) {
    o << "<polyline fill=\"none\" stroke=\"#1f77b4\" points=\"";
    for (const PointCost* p : frontier) {
      o << SvgNum(ax.X(p->point->p99_ms + overhead)) << "," << SvgNum(ax.Y(p->point->agreement_f1))
        << " ";
    }
    o << "\"/>\n";
  }
  // Labels move down until they clear the ones already placed (points can sit close together).
  std::vector<std::pair<double, double>> placed;  // label x, y
  for (const PointCost& p : r.points) {
    const double x = ax.X(p.point->p99_ms + overhead), y = ax.Y(p.point->agreement_f1);
    o << "<circle cx=\"" << SvgNum(x) << "\" cy=\"" << SvgNum(y)
      << "\" r=\"5\" stroke=\"#1f77b4\" fill=\"" << (p.pareto ? "#1f77b4" : "white") << "\"/>\n";
    if (p.point == r.chosen) {
      o << "<circle cx=\"" << SvgNum(x) << "\" cy=\"" << SvgNum(y)
        << "\" r=\"10\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2\"/>\n";
    }
    double ly = y - 6;
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& [px, py] : placed) {
        if (std::fabs(px - (x + 8)) < 150 && std::fabs(py - ly) < 12) {
          ly = py + 12;
          moved = true;
        }
      }
    }
    placed.push_back({x + 8, ly});
    o << "<text x=\"" << SvgNum(x + 8) << "\" y=\"" << SvgNum(ly) << "\" font-size=\"10\">"
      << XmlEscape(p.point->name) << (p.point == r.chosen ? " (chosen)" : "") << "</text>\n";
  }
  o << "<text x=\"" << legend_x << "\" y=\"" << kSvgTop + 20
    << "\">filled: on the Pareto frontier</text>\n<text x=\"" << legend_x << "\" y=\""
    << kSvgTop + 36 << "\">(p99 latency, agreement,</text>\n<text x=\"" << legend_x << "\" y=\""
    << kSvgTop + 52 << "\">edge cost at this site)</text>\n<text x=\"" << legend_x << "\" y=\""
    << kSvgTop + 70 << "\" fill=\"#2ca02c\">ringed: chosen</text>\n";
  o << "</svg>\n";
  return o.str();
}

std::string CostSvg(const PlanSite& site, const PlanResult& r) {
  LineChart chart;
  chart.title = "Cumulative cost: " + site.site.name;
  chart.x_label = "months";
  chart.y_label = "USD";
  double ymax = 0, ymin = INFINITY;
  for (const ArchitecturePlan& a : r.architectures) {
    SvgSeries series;
    series.name = a.name + (a.feasible ? "" : " (infeasible)");
    series.dashed = !a.feasible;
    series.markers_at_x = {36, 60};
    for (size_t m = 0; m < a.cumulative_usd.size(); ++m) {
      const double v = a.cumulative_usd[m];
      series.points.push_back({static_cast<double>(m), v});
      ymax = std::max(ymax, v);
      if (v > 0) ymin = std::min(ymin, v);
    }
    chart.series.push_back(std::move(series));
  }
  // Architectures often differ by orders of magnitude: then a log scale shows them all.
  chart.log_y = ymax > 0 && ymax / ymin > 20;
  return LineChartSvg(chart);
}

Status WritePlanCharts(const std::string& dir, const PlanSite& site, const PlanResult& result) {
  return WriteSvgFiles(
      dir, {{"pareto.svg", ParetoSvg(site, result)}, {"cost.svg", CostSvg(site, result)}});
}

}  // namespace es
