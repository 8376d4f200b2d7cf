#include "core/svg_plot.h"

#include <gtest/gtest.h>

namespace es {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgPlotTest, AxesRoundOutwardAndMapTheCorners) {
  const SvgAxes ax(3, 97, 0.5, 9.2);
  EXPECT_DOUBLE_EQ(ax.x0(), 0);    // steps of 20 over 94
  EXPECT_DOUBLE_EQ(ax.x1(), 100);
  EXPECT_DOUBLE_EQ(ax.y0(), 0);    // steps of 2 over 8.7
  EXPECT_DOUBLE_EQ(ax.y1(), 10);
  EXPECT_DOUBLE_EQ(ax.X(0), kSvgLeft);
  EXPECT_DOUBLE_EQ(ax.X(100), kSvgWidth - kSvgRight);
  EXPECT_DOUBLE_EQ(ax.Y(0), kSvgHeight - kSvgBottom);
  EXPECT_DOUBLE_EQ(ax.Y(10), kSvgTop);
  const SvgAxes log(0, 1, 30, 4000, /*log_y=*/true);
  EXPECT_DOUBLE_EQ(log.y0(), 10);  // whole decades
  EXPECT_DOUBLE_EQ(log.y1(), 10000);
  EXPECT_NEAR(log.Y(100), kSvgHeight - kSvgBottom - (kSvgHeight - kSvgTop - kSvgBottom) / 3, 1e-9);
}

TEST(SvgPlotTest, LineChartHasEverySeriesLegendAndReference) {
  LineChart c;
  c.title = "a <b> & c";
  c.x_label = "t";
  c.y_label = "v";
  c.series = {{"one", {{0, 1}, {1, 2}, {2, 3}}, false, {1}}, {"two", {{0, 3}, {2, 1}}, true, {}}};
  c.reference_lines = {{"budget", 2.5}};
  c.shaded_x = {{0.5, 1.5}};
  c.shaded_label = "pressure";
  const std::string svg = LineChartSvg(c);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("a &lt;b&gt; &amp; c"), std::string::npos);
  EXPECT_EQ(Count(svg, "<polyline"), 2u);
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 3u);  // series two, its legend, the budget line
  EXPECT_EQ(Count(svg, "<circle"), 1u);
  EXPECT_NE(svg.find(">budget</text>"), std::string::npos);
  EXPECT_NE(svg.find(">pressure</text>"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

}  // namespace
}  // namespace es
