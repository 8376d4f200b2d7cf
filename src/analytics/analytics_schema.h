// The configuration section(s) declared by the analytics module (core/option_schema.h): keys,
// types, ranges, meanings and the section's own rules. The module validates its options with it,
// and config/config_schema.cc mounts it into the config file's schema, so each rule is written
// once. Rules: ValidateAnalyticsOptions (polygons, lines, names, timers). The zone and line lists
// are parsed by config/record_lists.h; whether a zone's `stream` exists is the config's check.
#pragma once

#include "analytics/analytics_options.h"
#include "core/option_schema.h"

namespace es {

inline const OptionSchema<AnalyticsOptions>& AnalyticsSchema() {
  static const OptionSchema<AnalyticsOptions> kSchema = [] {
    using AO = AnalyticsOptions;
    OptionSchema<AnalyticsOptions> s(
        "analytics", "zones, directed lines, loitering and counting on the confirmed tracks");
    s.AddEnum("anchor", &AO::anchor,
              {{"bottom_center", AnchorPoint::kBottomCenter}, {"center", AnchorPoint::kCenter}},
              "the box point that locates a track: feet (bottom_center) or centre")
        .Add("end_after_s", &AO::end_after_s, OpenClosed(0, 3600),
             "a track unseen this long has ended (track end, zone exit, loiter end)")
        .Add("loiter_update_s", &AO::loiter_update_s, OpenClosed(0, 3600),
             "a loitering episode emits an update event this often")
        .Add("line_hysteresis_px", &AO::line_hysteresis_px, Closed(0, 10000),
             "a line crossing needs the anchor this far (pixels) beyond the line on both sides");
    s.SetRules([](const AnalyticsOptions& o) -> Status {
      const Status v = ValidateAnalyticsOptions(o);
      return v.ok() ? v : InvalidArgument("analytics." + v.message());
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
