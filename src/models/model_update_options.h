// ModelUpdateOptions: model updates on a running device (YAML section `models`, device-wide;
// app/model_updater.h does the work, models/canary.h decides).
//
// Contract: plain values; model_update_schema.h declares keys and ranges. store "" = updates
// off (the device runs detector: as configured). With a store, the device starts on the
// store's active model when there is one. inbox "" = no watched folder.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace es {

struct ModelUpdateOptions {
  std::string store;                      // the model store folder; "" = off
  std::vector<std::string> trusted_keys;  // public key files whose bundles are accepted
  std::string inbox;                      // folder watched for *.esm bundles; "" = none
  double poll_s = 1;                      // how often the inbox is looked at
  int shadow_frames = 30;                 // live frames both models must see
  double shadow_period_s = 0.5;           // at most one shadow frame per this
  double shadow_timeout_s = 600;          // not enough frames by then: rejected
  double min_f1 = 0.6;                    // agreement with the active model to promote
  double max_latency_ratio = 3;           // candidate run p99 / active run p99, at most
  int watch_frames = 100;                 // runs watched after a promotion
  double min_detection_ratio = 0.5;       // detections per frame kept after promotion
  int64_t http_max_bytes = 64 << 20;      // POST /api/models: largest bundle taken
  // Backend verdicts (with escalate:): a second reference for the shadow and the watch.
  int min_verdicts = 5;                 // fewer verdicts decide nothing
  double min_verdict_agreement = 0.5;   // candidate agreement with the verdicts to promote
  double max_rejected_increase = 0.25;  // rise of the rejected share that rolls back
};

}  // namespace es
