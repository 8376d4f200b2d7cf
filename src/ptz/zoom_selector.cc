#include "ptz/zoom_selector.h"

#include <algorithm>
#include <cmath>

namespace es {
namespace {
constexpr double kRad = M_PI / 180.0;
}  // namespace

double HfovAtZoomDeg(const ZoomOptions& o, double zoom) {
  return 2.0 * std::atan(std::tan(o.hfov_wide_deg * kRad / 2) / zoom) / kRad;
}

double VfovAtZoomDeg(const ZoomOptions& o, double zoom) {
  return 2.0 * std::atan(std::tan(o.hfov_wide_deg * kRad / 2) / o.aspect / zoom) / kRad;
}

double DesiredZoom(const ZoomOptions& o, double angular_height_deg) {
  // The target (centred) spans tan(h/2) * 2 of the image plane; the frame spans
  // 2 * tan(vfov1/2) / zoom. fill = tan(h/2) * zoom / tan(vfov1/2).
  const double tan_v1 = std::tan(o.hfov_wide_deg * kRad / 2) / o.aspect;
  return o.target_fill * tan_v1 / std::tan(angular_height_deg * kRad / 2);
}

double ZoomSelector::Update(double angular_height_deg) {
  if (!(angular_height_deg > 0) || !std::isfinite(angular_height_deg)) return zoom_;
  const double want =
      std::clamp(DesiredZoom(options_, angular_height_deg), options_.min_zoom, options_.max_zoom);
  if (std::abs(want - zoom_) > options_.hysteresis * zoom_) zoom_ = want;
  return zoom_;
}

}  // namespace es
