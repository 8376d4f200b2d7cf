// The configuration section(s) declared by the ptz module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: ValidatePtzConfig (ptz_config.h), checked whatever the driver (also "", off).
#pragma once

#include "core/option_schema.h"
#include "ptz/ptz_config.h"

namespace es {

inline const OptionSchema<PtzConfig>& PtzSchema() {
  static const OptionSchema<PtzConfig> kSchema = [] {
    using PZ = PtzConfig;
    using PL = PtzLinkageOptions;
    constexpr auto kL = &PtzConfig::linkage;
    OptionSchema<PtzConfig> s("ptz",
                              "PTZ linkage: the wide lens's tracks steer a PTZ head (docs/ptz.md)");
    s.Add("driver", &PZ::driver, OneOf({"", "simulator", "onvif"}),
          "PTZ head: simulator (wall-clock simulated head), onvif, or \"\" = PTZ off")
        .Add("onvif_url", &PZ::onvif_url, AnyValue(),
             "ONVIF PTZ service, http://host[:port]/path; required for driver onvif")
        .Add("onvif_profile", &PZ::onvif_profile, AnyValue(), "ONVIF media profile token")
        .Add("onvif_configuration", &PZ::onvif_configuration, AnyValue(),
             "ONVIF PTZ configuration token (for GetConfigurationOptions); empty = "
             "onvif_profile")
        .Add("onvif_username", &PZ::onvif_username, AnyValue(),
             "ONVIF user (WS-Security digest); empty = unauthenticated requests")
        .Add("onvif_password_file", &PZ::onvif_password_file, AnyValue(),
             "file whose first line is the ONVIF password (keeps it out of argv and YAML)")
        .Add("onvif_timeout_ms", &PZ::onvif_timeout_ms, Closed(1, 60000),
             "ONVIF connect timeout and read timeout of each request")
        .Add("calibration_file", kL, &PL::calibration_file, AnyValue(),
             "wide-pixel -> pan/tilt calibration: fitted JSON or points file (edgesight "
             "calibrate); required when driver is set")
        .Add("controller", kL, &PL::controller, OneOf({"predictive", "proportional"}),
             "predictive (velocity + lead) or proportional (move, wait, look again)")
        .Add("zone_mode", kL, &PL::zone_mode, OneOf({"only", "prefer"}),
             "targets only inside ptz.zone, or prefer those inside")
        .Add("rank", kL, &PL::rank, OneOf({"largest", "longest_lived"}),
             "among targets of the same class priority")
        .Add("switch_margin", kL, &PL::switch_margin, Closed(0, 100),
             "stickiness: a challenger must score this much (relative) better")
        .Add("switch_after_s", kL, &PL::switch_after_s, Closed(0, 3600),
             "... for this long before the head switches target")
        .Add("hold_s", kL, &PL::hold_s, Closed(0, 3600),
             "a lost target is waited for this long (head holds)")
        .Add("search_s", kL, &PL::search_s, Closed(0, 3600),
             "then the head looks around its last direction this long, then goes home")
        .Add("search_zoom_out", kL, &PL::search_zoom_out, Closed(1, 100),
             "zoom is divided by this while searching")
        .Add("home_pan_deg", kL, &PL::home_pan_deg, Closed(-360, 360), "home pan (degrees)")
        .Add("home_tilt_deg", kL, &PL::home_tilt_deg, Closed(-90, 90), "home tilt (degrees)")
        .Add("home_zoom", kL, &PL::home_zoom, OpenClosed(0, 1000),
             "home zoom; within [min_zoom, max_zoom]")
        .Add("target_fill", kL, &PL::target_fill, OpenClosed(0, 1),
             "target height / PTZ frame height the zoom aims for")
        .Add("ptz_hfov_deg", kL, &PL::ptz_hfov_deg, OpenClosed(0, 179),
             "PTZ horizontal field of view at zoom 1")
        .Add("ptz_aspect", kL, &PL::ptz_aspect, OpenClosed(0, 10), "PTZ frame width / height")
        .Add("min_zoom", kL, &PL::min_zoom, OpenClosed(0, 1000), "smallest zoom used")
        .Add("max_zoom", kL, &PL::max_zoom, OpenClosed(0, 1000), "largest zoom used; >= min_zoom")
        .Add("zoom_hysteresis", kL, &PL::zoom_hysteresis, Closed(0, 10),
             "relative zoom change needed before the lens moves")
        .Add("command_latency_ms", kL, &PL::command_latency_ms, Closed(0, 10000),
             "decision -> head motion delay the predictive controller leads by")
        .Add("continuous_timeout_s", kL, &PL::continuous_timeout_s, OpenClosed(0, 3600),
             "ContinuousMove timeout: the head stops by itself without new commands")
        .Add("status_interval_s", kL, &PL::status_interval_s, OpenClosed(0, 3600),
             "head position (GetStatus) is polled this often while frames arrive");
    s.SetRules(ValidatePtzConfig);
    return s;
  }();
  return kSchema;
}

}  // namespace es
