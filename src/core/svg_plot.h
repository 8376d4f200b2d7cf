// SvgPlot: small standalone SVG charts (no script, no external resources) for reports that a
// person would rather look at than read: the planner's Pareto and cost charts, the governor's
// traces.
//
// Contract
// - The canvas is kSvgWidth x kSvgHeight with the plot area inside fixed margins and a legend
//   column on the right (from LegendX()).
// - SvgAxes maps data to the plot area: x linear; y linear, or logarithmic (whole decades, ticks
//   at 1, 2, 5 x 10^k) when log_y (then y0 must be > 0). Linear ticks are "nice" steps (1, 2, 5
//   x 10^k) and the range is rounded outward to them. Draw() writes the title, grid, tick
//   labels, frame and axis labels.
// - LineChartSvg draws a whole chart of line series (solid or dashed, optional dot markers at
//   given x), dashed red horizontal reference lines with a label, grey shaded x spans, and a
//   legend; log_y as above (the smallest positive y of the series starts the axis).
// - Text is XML-escaped (XmlEscape); numbers are written with one decimal.
// - WriteSvgFiles writes each (file name, document) into dir (created); errors name the path.
// Pure except WriteSvgFiles; thread-safe.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/xml_escape.h"
#include "edgesight/status.h"

namespace es {

inline constexpr double kSvgWidth = 820, kSvgHeight = 460;
inline constexpr double kSvgLeft = 80, kSvgRight = 230, kSvgTop = 40, kSvgBottom = 60;

std::string SvgNum(double v);
const char* SvgColour(size_t i);  // a palette of distinguishable colours, cycling
double LegendX();

// "<svg ...>" with a white background; close it with "</svg>\n".
std::string SvgOpen();

class SvgAxes {
 public:
  SvgAxes(double x0, double x1, double y0, double y1, bool log_y = false);
  double X(double v) const;
  double Y(double v) const;
  double x0() const { return x0_; }
  double x1() const { return x1_; }
  double y0() const { return y0_; }
  double y1() const { return y1_; }
  void Draw(std::ostream& o, const std::string& title, const std::string& x_label,
            const std::string& y_label) const;

 private:
  std::vector<double> YTicks() const;
  double x0_, x1_, y0_, y1_, xstep_, ystep_;
  bool log_y_;
};

struct SvgSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;
  bool dashed = false;
  std::vector<double> markers_at_x;  // dots on the line at these x (nearest point)
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<SvgSeries> series;
  bool log_y = false;
  std::vector<std::pair<std::string, double>> reference_lines;  // label, y
  std::vector<std::pair<double, double>> shaded_x;              // [from, to) spans
  std::string shaded_label;                                     // legend text for the spans
};

std::string LineChartSvg(const LineChart& chart);

Status WriteSvgFiles(const std::string& dir,
                     const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace es
