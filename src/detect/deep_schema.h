// The configuration section `deep` (deep_options.h): keys, types, ranges and meanings
// (core/option_schema.h). Whether `zones` exist, and that some zone is armed when `zones` is
// empty, is the config's check.
#pragma once

#include "core/option_schema.h"
#include "detect/deep_options.h"

namespace es {

inline const OptionSchema<DeepOptions>& DeepSchema() {
  static const OptionSchema<DeepOptions> kSchema = [] {
    using DO = DeepOptions;
    OptionSchema<DeepOptions> s(
        "deep", "deep analysis on the edge: pose (BlazePose) on persons in armed zones");
    s.Add("enabled", &DO::enabled, AnyValue(),
          "run the pose model on persons inside the zones below")
        .Add("zones", &DO::zones, AnyValue(),
             "zones whose persons are analysed; [] = the armed zones (analytics.zones[].armed)")
        .Add("min_interval_s", &DO::min_interval_s, Closed(0, 3600),
             "at most one pose per track per this many seconds (media time)")
        .Add("context", &DO::context, Closed(0, 1),
             "crop margin on each side, fraction of the box's size")
        .Add("min_presence", &DO::min_presence, Closed(0, 1),
             "BlazePose presence at or above which the pose event says person: true")
        .Add("model", &DO::model, AnyValue(),
             "pose ONNX model; empty: blazepose-lite.onnx from the model cache")
        .Add("threads", &DO::threads, Closed(1, 64), "inference threads of the pose model")
        .Add("queue", &DO::queue, Closed(1, 1000),
             "crops waiting for the pose thread; beyond, the oldest is dropped and counted");
    return s;
  }();
  return kSchema;
}

}  // namespace es
