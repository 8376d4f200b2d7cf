#include "analytics/analytics_options.h"

#include <cmath>
#include <set>

namespace es {
namespace {

std::string Item(const char* kind, size_t i, const std::string& name) {
  return std::string(kind) + "[" + std::to_string(i) + "] '" + name + "'";
}

}  // namespace

Status ValidateAnalyticsOptions(const AnalyticsOptions& o) {
  if (!(o.end_after_s > 0.0)) return InvalidArgument("end_after_s must be > 0");
  if (!(o.loiter_update_s > 0.0)) return InvalidArgument("loiter_update_s must be > 0");
  if (!(o.line_hysteresis_px >= 0.0) || !std::isfinite(o.line_hysteresis_px)) {
    return InvalidArgument("line_hysteresis_px must be >= 0");
  }
  std::set<std::string> zone_names;
  for (size_t i = 0; i < o.zones.size(); ++i) {
    const ZoneOptions& z = o.zones[i];
    const std::string item = Item("zones", i, z.name);
    if (z.name.empty()) return InvalidArgument(item + ": name is empty");
    if (!zone_names.insert(z.name).second) return InvalidArgument(item + ": duplicate name");
    if (!(z.loiter_s >= 0.0) || !std::isfinite(z.loiter_s)) {
      return InvalidArgument(item + ": loiter_s must be >= 0");
    }
    Status s = ValidatePolygon(z.polygon);
    if (!s.ok()) return s.WithContext(item);
  }
  std::set<std::string> line_names;
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const LineOptions& l = o.lines[i];
    const std::string item = Item("lines", i, l.name);
    if (l.name.empty()) return InvalidArgument(item + ": name is empty");
    if (!line_names.insert(l.name).second) return InvalidArgument(item + ": duplicate name");
    if (!std::isfinite(l.a.x) || !std::isfinite(l.a.y) || !std::isfinite(l.b.x) ||
        !std::isfinite(l.b.y)) {
      return InvalidArgument(item + ": end points must be finite");
    }
    if (std::hypot(l.a.x - l.b.x, l.a.y - l.b.y) <= kGeometryEps) {
      return InvalidArgument(item + ": a and b are the same point");
    }
  }
  return Status::Ok();
}

}  // namespace es
