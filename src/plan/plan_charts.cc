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

namespace es {
namespace {

constexpr double kW = 820, kH = 460;
constexpr double kLeft = 80, kRight = 230, kTop = 40, kBottom = 60;

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// A tick step of 1, 2 or 5 x 10^k giving about `n` intervals over `span`.
double NiceStep(double span, int n) {
  const double raw = span / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

std::string TickLabel(double v, double step) {
  char buf[32];
  if (std::fabs(v) >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%gM", v / 1e6);
  } else if (std::fabs(v) >= 1e4) {
    std::snprintf(buf, sizeof(buf), "%gk", v / 1e3);
  } else {
    const int digits = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  }
  return buf;
}

// A plot area over [x0, x1] x [y0, y1], ticks rounded outward. x is linear; y is linear, or
// logarithmic (decades, ticks at 1, 2, 5 x 10^k) when `log_y` (then ya must be > 0).
struct Axes {
  double x0, x1, y0, y1, xstep, ystep;
  bool log_y = false;

  Axes(double xa, double xb, double ya, double yb, bool log = false) : log_y(log) {
    if (xb <= xa) xb = xa + 1;
    if (yb <= ya) yb = ya + 1;
    xstep = NiceStep(xb - xa, 6);
    x0 = std::floor(xa / xstep) * xstep;
    x1 = std::ceil(xb / xstep) * xstep;
    if (log_y) {
      ystep = 0;
      y0 = std::pow(10.0, std::floor(std::log10(ya)));
      y1 = std::pow(10.0, std::ceil(std::log10(yb)));
    } else {
      ystep = NiceStep(yb - ya, 5);
      y0 = std::floor(ya / ystep) * ystep;
      y1 = std::ceil(yb / ystep) * ystep;
    }
  }
  double X(double v) const { return kLeft + (v - x0) / (x1 - x0) * (kW - kLeft - kRight); }
  double Y(double v) const {
    const double f =
        log_y ? (std::log10(std::max(v, y0)) - std::log10(y0)) / (std::log10(y1) - std::log10(y0))
              : (v - y0) / (y1 - y0);
    return kH - kBottom - f * (kH - kTop - kBottom);
  }
  std::vector<double> YTicks() const {
    std::vector<double> t;
    if (!log_y) {
      for (double v = y0; v <= y1 + ystep / 2; v += ystep) t.push_back(v);
      return t;
    }
    for (double d = y0; d <= y1 * 1.0001; d *= 10) {
      for (double m : {1.0, 2.0, 5.0}) {
        if (d * m <= y1 * 1.0001) t.push_back(d * m);
      }
    }
    return t;
  }

  void Draw(std::ostream& o, const std::string& title, const std::string& xlabel,
            const std::string& ylabel) const {
    o << "<text x=\"" << kW / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
      << Xml(title) << "</text>\n";
    for (double v = x0; v <= x1 + xstep / 2; v += xstep) {
      o << "<line x1=\"" << Num(X(v)) << "\" y1=\"" << Num(Y(y0)) << "\" x2=\"" << Num(X(v))
        << "\" y2=\"" << Num(Y(y1)) << "\" stroke=\"#e4e4e4\"/>\n"
        << "<text x=\"" << Num(X(v)) << "\" y=\"" << Num(Y(y0) + 18) << "\" text-anchor=\"middle\">"
        << TickLabel(v, xstep) << "</text>\n";
    }
    for (double v : YTicks()) {
      o << "<line x1=\"" << Num(X(x0)) << "\" y1=\"" << Num(Y(v)) << "\" x2=\"" << Num(X(x1))
        << "\" y2=\"" << Num(Y(v)) << "\" stroke=\"#e4e4e4\"/>\n"
        << "<text x=\"" << Num(X(x0) - 6) << "\" y=\"" << Num(Y(v) + 4) << "\" text-anchor=\"end\">"
        << TickLabel(v, log_y ? 1 : ystep) << "</text>\n";
    }
    o << "<rect x=\"" << Num(X(x0)) << "\" y=\"" << Num(Y(y1)) << "\" width=\""
      << Num(X(x1) - X(x0)) << "\" height=\"" << Num(Y(y0) - Y(y1))
      << "\" fill=\"none\" stroke=\"#333\"/>\n";
    o << "<text x=\"" << Num((X(x0) + X(x1)) / 2) << "\" y=\"" << kH - 18
      << "\" text-anchor=\"middle\">" << Xml(xlabel) << "</text>\n";
    o << "<text transform=\"translate(20," << Num((Y(y0) + Y(y1)) / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">" << Xml(ylabel) << "</text>\n";
  }
};

std::string Open() {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kW << "\" height=\"" << kH
    << "\" viewBox=\"0 0 " << kW << " " << kH << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  return o.str();
}

const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

}  // namespace

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
  Axes ax(0, xmax * 1.1, std::max(0.0, ymin - 0.05), 1.0);
  std::ostringstream o;
  o << Open();
  ax.Draw(o, "Operating points: " + site.site.name, "p99 glass-to-decision latency (ms)",
          "agreement F1 with the reference");
  const double legend_x = kW - kRight + 10;
  if (budget_shown) {
    o << "<line x1=\"" << Num(ax.X(budget)) << "\" y1=\"" << Num(ax.Y(ax.y0)) << "\" x2=\""
      << Num(ax.X(budget)) << "\" y2=\"" << Num(ax.Y(ax.y1))
      << "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n";
    o << "<text x=\"" << Num(ax.X(budget) + 4) << "\" y=\"" << Num(ax.Y(ax.y1) + 14)
      << "\" fill=\"#d62728\">latency budget</text>\n";
  } else {
    o << "<text x=\"" << legend_x << "\" y=\"" << kTop + 90 << "\" fill=\"#d62728\">latency budget "
      << FormatNumber(budget) << " ms</text>\n<text x=\"" << legend_x << "\" y=\"" << kTop + 106
      << "\" fill=\"#d62728\">(right of the chart)</text>\n";
  }
  o << "<line x1=\"" << Num(ax.X(ax.x0)) << "\" y1=\"" << Num(ax.Y(floor_f1)) << "\" x2=\""
    << Num(ax.X(ax.x1)) << "\" y2=\"" << Num(ax.Y(floor_f1))
    << "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n"
    << "<text x=\"" << Num(ax.X(ax.x1) - 4) << "\" y=\"" << Num(ax.Y(floor_f1) + 14)
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
      o << Num(ax.X(p->point->p99_ms + overhead)) << "," << Num(ax.Y(p->point->agreement_f1))
        << " ";
    }
    o << "\"/>\n";
  }
  // Labels move down until they clear the ones already placed (points can sit close together).
  std::vector<std::pair<double, double>> placed;  // label x, y
  for (const PointCost& p : r.points) {
    const double x = ax.X(p.point->p99_ms + overhead), y = ax.Y(p.point->agreement_f1);
    o << "<circle cx=\"" << Num(x) << "\" cy=\"" << Num(y)
      << "\" r=\"5\" stroke=\"#1f77b4\" fill=\"" << (p.pareto ? "#1f77b4" : "white") << "\"/>\n";
    if (p.point == r.chosen) {
      o << "<circle cx=\"" << Num(x) << "\" cy=\"" << Num(y)
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
    o << "<text x=\"" << Num(x + 8) << "\" y=\"" << Num(ly) << "\" font-size=\"10\">"
      << Xml(p.point->name) << (p.point == r.chosen ? " (chosen)" : "") << "</text>\n";
  }
  o << "<text x=\"" << legend_x << "\" y=\"" << kTop + 20
    << "\">filled: on the Pareto frontier</text>\n<text x=\"" << legend_x << "\" y=\"" << kTop + 36
    << "\">(p99 latency, agreement,</text>\n<text x=\"" << legend_x << "\" y=\"" << kTop + 52
    << "\">edge cost at this site)</text>\n<text x=\"" << legend_x << "\" y=\"" << kTop + 70
    << "\" fill=\"#2ca02c\">ringed: chosen</text>\n";
  o << "</svg>\n";
  return o.str();
}

std::string CostSvg(const PlanSite& site, const PlanResult& r) {
  double ymax = 0, ymin = INFINITY;
  for (const ArchitecturePlan& a : r.architectures) {
    for (double v : a.cumulative_usd) {
      ymax = std::max(ymax, v);
      if (v > 0) ymin = std::min(ymin, v);
    }
  }
  // Architectures often differ by orders of magnitude: then a log scale shows them all.
  const bool log_y = ymax > 0 && ymax / ymin > 20;
  Axes ax(0, kPlanMonths, log_y ? ymin : 0, ymax * 1.05, log_y);
  std::ostringstream o;
  o << Open();
  ax.Draw(o, "Cumulative cost: " + site.site.name, "months", log_y ? "USD (log scale)" : "USD");
  for (size_t i = 0; i < r.architectures.size(); ++i) {
    const ArchitecturePlan& a = r.architectures[i];
    const char* colour = kColours[i % 5];
    o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\""
      << (a.feasible ? "" : " stroke-dasharray=\"6 4\"") << " points=\"";
    for (size_t m = 0; m < a.cumulative_usd.size(); ++m) {
      o << Num(ax.X(static_cast<double>(m))) << "," << Num(ax.Y(a.cumulative_usd[m])) << " ";
    }
    o << "\"/>\n";
    for (int m : {36, 60}) {
      o << "<circle cx=\"" << Num(ax.X(m)) << "\" cy=\"" << Num(ax.Y(a.cumulative_usd[m]))
        << "\" r=\"3\" fill=\"" << colour << "\"/>\n";
    }
    const double ly = kTop + 20 + 20 * static_cast<double>(i);
    o << "<line x1=\"" << kW - kRight + 10 << "\" y1=\"" << ly - 4 << "\" x2=\"" << kW - kRight + 34
      << "\" y2=\"" << ly - 4 << "\" stroke=\"" << colour << "\" stroke-width=\"2\""
      << (a.feasible ? "" : " stroke-dasharray=\"6 4\"") << "/>\n<text x=\"" << kW - kRight + 40
      << "\" y=\"" << ly << "\">" << Xml(a.name) << (a.feasible ? "" : " (infeasible)")
      << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

Status WritePlanCharts(const std::string& dir, const PlanSite& site, const PlanResult& result) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create chart folder '" + dir + "': " + ec.message());
  for (const auto& [name, svg] : {std::pair{std::string("pareto.svg"), ParetoSvg(site, result)},
                                  std::pair{std::string("cost.svg"), CostSvg(site, result)}}) {
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << svg;
    out.close();
    if (!out) return InvalidArgument("cannot write '" + path + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace es
