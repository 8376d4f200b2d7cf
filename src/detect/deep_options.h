// DeepOptions: the third cascade stage on the edge, deep analysis (YAML section `deep`, per
// camera; the top-level section is every camera's default): BlazePose on the crop of every
// person inside an armed zone, at most once per min_interval_s per track (app/deep_hook.h).
//
// Contract: plain values; deep_schema.h declares keys and ranges. zones names zones of the
// camera (checked by the config); empty = the camera's armed zones (analytics.zones[].armed).
// The backend-side variant is the verifier's pose check on escalated person crops
// (escalate.zones: the same zones), docs/hybrid.md.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

namespace es {

struct DeepOptions {
  bool enabled = false;
  std::vector<std::string> zones;  // zones whose persons are analysed; [] = the armed zones
  double min_interval_s = 2;       // per track, media time
  double context = 0.1;            // crop margin on each side, fraction of the box size
  double min_presence = 0.5;       // BlazePose presence at or above: "person" in the event
  std::string model;               // pose ONNX model; "" = the cache's blazepose-lite.onnx
  int threads = 1;                 // inference threads of the pose model
  int queue = 4;                   // crops waiting for the pose thread; the oldest is dropped
};

}  // namespace es
