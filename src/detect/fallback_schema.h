// The configuration section `fallback` (fallback_options.h): keys, types, ranges and meanings
// (core/option_schema.h). Whether the device has a broker (uplink.mqtt) is the config's check.
#pragma once

#include "core/option_schema.h"
#include "detect/fallback_options.h"

namespace es {

inline const OptionSchema<FallbackOptions>& FallbackSchema() {
  static const OptionSchema<FallbackOptions> kSchema = [] {
    using FO = FallbackOptions;
    OptionSchema<FallbackOptions> s(
        "fallback",
        "cloud-fallback: detect on edgesight-backend while this camera's detector cannot run");
    s.Add("enabled", &FO::enabled, AnyValue(),
          "send frames to the backend when the local detector fails (needs uplink.mqtt)")
        .Add("max_fps", &FO::max_fps, OpenClosed(0, 30),
             "frames per second sent to the backend, at most")
        .Add("max_side", &FO::max_side, Closed(64, 4096),
             "longer side of the frame sent, pixels (downscaled, aspect kept)")
        .Add("jpeg_quality", &FO::jpeg_quality, Closed(1, 100), "JPEG quality of the frame sent")
        .Add("timeout_s", &FO::timeout_s, OpenClosed(0, 60),
             "wait for the backend's detections; then the frame is tracked by prediction")
        .Add("switch_after", &FO::switch_after, Closed(1, 1000),
             "consecutive local detector failures before switching to the backend")
        .Add("stall_s", &FO::stall_s, OpenClosed(0, 600),
             "a local detection unanswered this long counts as a failure (detector stuck)")
        .Add("probe_s", &FO::probe_s, OpenClosed(0, 86400),
             "while on the backend, try the local detector again this often")
        .Add("on_shed", &FO::on_shed, AnyValue(),
             "while the governor sheds this camera (its top level), detect on the backend");
    return s;
  }();
  return kSchema;
}

}  // namespace es
