#include "core/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/text_file.h"

namespace es {
namespace {

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

}  // namespace

std::string SvgNum(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

const char* SvgColour(size_t i) {
  static const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  return kColours[i % 5];
}

double LegendX() { return kSvgWidth - kSvgRight + 10; }

std::string SvgOpen() {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kSvgWidth << "\" height=\""
    << kSvgHeight << "\" viewBox=\"0 0 " << kSvgWidth << " " << kSvgHeight
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  return o.str();
}

SvgAxes::SvgAxes(double xa, double xb, double ya, double yb, bool log_y) : log_y_(log_y) {
  if (xb <= xa) xb = xa + 1;
  if (yb <= ya) yb = ya + 1;
  xstep_ = NiceStep(xb - xa, 6);
  x0_ = std::floor(xa / xstep_) * xstep_;
  x1_ = std::ceil(xb / xstep_) * xstep_;
  if (log_y_) {
    ystep_ = 0;
    y0_ = std::pow(10.0, std::floor(std::log10(ya)));
    y1_ = std::pow(10.0, std::ceil(std::log10(yb)));
  } else {
    ystep_ = NiceStep(yb - ya, 5);
    y0_ = std::floor(ya / ystep_) * ystep_;
    y1_ = std::ceil(yb / ystep_) * ystep_;
  }
}

double SvgAxes::X(double v) const {
  return kSvgLeft + (v - x0_) / (x1_ - x0_) * (kSvgWidth - kSvgLeft - kSvgRight);
}

double SvgAxes::Y(double v) const {
  const double f = log_y_ ? (std::log10(std::max(v, y0_)) - std::log10(y0_)) /
                                (std::log10(y1_) - std::log10(y0_))
                          : (v - y0_) / (y1_ - y0_);
  return kSvgHeight - kSvgBottom - f * (kSvgHeight - kSvgTop - kSvgBottom);
}

std::vector<double> SvgAxes::YTicks() const {
  std::vector<double> t;
  if (!log_y_) {
    for (double v = y0_; v <= y1_ + ystep_ / 2; v += ystep_) t.push_back(v);
    return t;
  }
  for (double d = y0_; d <= y1_ * 1.0001; d *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (d * m <= y1_ * 1.0001) t.push_back(d * m);
    }
  }
  return t;
}

void SvgAxes::Draw(std::ostream& o, const std::string& title, const std::string& x_label,
                   const std::string& y_label) const {
  o << "<text x=\"" << kSvgWidth / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
    << XmlEscape(title) << "</text>\n";
  for (double v = x0_; v <= x1_ + xstep_ / 2; v += xstep_) {
    o << "<line x1=\"" << SvgNum(X(v)) << "\" y1=\"" << SvgNum(Y(y0_)) << "\" x2=\"" << SvgNum(X(v))
      << "\" y2=\"" << SvgNum(Y(y1_)) << "\" stroke=\"#e4e4e4\"/>\n"
      << "<text x=\"" << SvgNum(X(v)) << "\" y=\"" << SvgNum(Y(y0_) + 18)
      << "\" text-anchor=\"middle\">" << TickLabel(v, xstep_) << "</text>\n";
  }
  for (double v : YTicks()) {
    o << "<line x1=\"" << SvgNum(X(x0_)) << "\" y1=\"" << SvgNum(Y(v)) << "\" x2=\""
      << SvgNum(X(x1_)) << "\" y2=\"" << SvgNum(Y(v)) << "\" stroke=\"#e4e4e4\"/>\n"
      << "<text x=\"" << SvgNum(X(x0_) - 6) << "\" y=\"" << SvgNum(Y(v) + 4)
      << "\" text-anchor=\"end\">" << TickLabel(v, log_y_ ? 1 : ystep_) << "</text>\n";
  }
  o << "<rect x=\"" << SvgNum(X(x0_)) << "\" y=\"" << SvgNum(Y(y1_)) << "\" width=\""
    << SvgNum(X(x1_) - X(x0_)) << "\" height=\"" << SvgNum(Y(y0_) - Y(y1_))
    << "\" fill=\"none\" stroke=\"#333\"/>\n";
  o << "<text x=\"" << SvgNum((X(x0_) + X(x1_)) / 2) << "\" y=\"" << kSvgHeight - 18
    << "\" text-anchor=\"middle\">" << XmlEscape(x_label) << "</text>\n";
  o << "<text transform=\"translate(20," << SvgNum((Y(y0_) + Y(y1_)) / 2)
    << ") rotate(-90)\" text-anchor=\"middle\">" << XmlEscape(y_label) << "</text>\n";
}

std::string LineChartSvg(const LineChart& c) {
  double xmin = INFINITY, xmax = -INFINITY, ymax = 0, ymin_pos = INFINITY;
  for (const SvgSeries& s : c.series) {
    for (const auto& [x, y] : s.points) {
      xmin = std::min(xmin, x);
      xmax = std::max(xmax, x);
      ymax = std::max(ymax, y);
      if (y > 0) ymin_pos = std::min(ymin_pos, y);
    }
  }
  for (const auto& [label, y] : c.reference_lines) ymax = std::max(ymax, y);
  if (!std::isfinite(xmin)) xmin = 0, xmax = 1;
  const bool log_y = c.log_y && std::isfinite(ymin_pos) && ymax > 0;
  const SvgAxes ax(xmin, xmax, log_y ? ymin_pos : 0, ymax * 1.05, log_y);
  std::ostringstream o;
  o << SvgOpen();
  for (const auto& [from, to] : c.shaded_x) {
    o << "<rect x=\"" << SvgNum(ax.X(from)) << "\" y=\"" << SvgNum(ax.Y(ax.y1())) << "\" width=\""
      << SvgNum(ax.X(to) - ax.X(from)) << "\" height=\"" << SvgNum(ax.Y(ax.y0()) - ax.Y(ax.y1()))
      << "\" fill=\"#f0f0f0\"/>\n";
  }
  ax.Draw(o, c.title, c.x_label, log_y ? c.y_label + " (log scale)" : c.y_label);
  for (const auto& [label, y] : c.reference_lines) {
    o << "<line x1=\"" << SvgNum(ax.X(ax.x0())) << "\" y1=\"" << SvgNum(ax.Y(y)) << "\" x2=\""
      << SvgNum(ax.X(ax.x1())) << "\" y2=\"" << SvgNum(ax.Y(y))
      << "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n<text x=\"" << SvgNum(ax.X(ax.x1()) - 4)
      << "\" y=\"" << SvgNum(ax.Y(y) - 4) << "\" fill=\"#d62728\" text-anchor=\"end\">"
      << XmlEscape(label) << "</text>\n";
  }
  double ly = kSvgTop + 20;
  for (size_t i = 0; i < c.series.size(); ++i) {
    const SvgSeries& s = c.series[i];
    const char* colour = SvgColour(i);
    const char* dash = s.dashed ? " stroke-dasharray=\"6 4\"" : "";
    o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\"" << dash
      << " points=\"";
    for (const auto& [x, y] : s.points) o << SvgNum(ax.X(x)) << "," << SvgNum(ax.Y(y)) << " ";
    o << "\"/>\n";
    for (double mx : s.markers_at_x) {
      auto nearest = std::min_element(s.points.begin(), s.points.end(), [mx](auto a, auto b) {
        return std::fabs(a.first - mx) < std::fabs(b.first - mx);
      });
      if (nearest == s.points.end()) continue;
      o << "<circle cx=\"" << SvgNum(ax.X(nearest->first)) << "\" cy=\""
        << SvgNum(ax.Y(nearest->second)) << "\" r=\"3\" fill=\"" << colour << "\"/>\n";
    }
    o << "<line x1=\"" << LegendX() << "\" y1=\"" << ly - 4 << "\" x2=\"" << LegendX() + 24
      << "\" y2=\"" << ly - 4 << "\" stroke=\"" << colour << "\" stroke-width=\"2\"" << dash
      << "/>\n<text x=\"" << LegendX() + 30 << "\" y=\"" << ly << "\">" << XmlEscape(s.name)
      << "</text>\n";
    ly += 20;
  }
  if (!c.shaded_x.empty() && !c.shaded_label.empty()) {
    o << "<rect x=\"" << LegendX() << "\" y=\"" << ly - 12 << "\" width=\"24\" height=\"12\" "
      << "fill=\"#f0f0f0\" stroke=\"#ccc\"/>\n<text x=\"" << LegendX() + 30 << "\" y=\"" << ly
      << "\">" << XmlEscape(c.shaded_label) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

Status WriteSvgFiles(const std::string& dir,
                     const std::vector<std::pair<std::string, std::string>>& files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create chart folder '" + dir + "': " + ec.message());
  for (const auto& [name, svg] : files) {
    ES_RETURN_IF_ERROR(WriteTextFile(dir + "/" + name, svg));
  }
  return Status::Ok();
}

}  // namespace es
