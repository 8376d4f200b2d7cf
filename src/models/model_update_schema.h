// The configuration section `models` (model_update_options.h): keys, types, ranges, meanings
// (core/option_schema.h). Device-wide: one store and one inbox per device.
#pragma once

#include "core/option_schema.h"
#include "models/model_update_options.h"

namespace es {

inline const OptionSchema<ModelUpdateOptions>& ModelUpdateSchema() {
  static const OptionSchema<ModelUpdateOptions> kSchema = [] {
    using MO = ModelUpdateOptions;
    OptionSchema<ModelUpdateOptions> s(
        "models", "model updates: signed bundles, shadow evaluation, promotion and rollback");
    s.Add("store", &MO::store, AnyValue(),
          "the model store folder (edgesight model install); empty: updates off")
        .Add("trusted_keys", &MO::trusted_keys, AnyValue(),
             "public key files (edgesight model keygen) whose bundles this device accepts")
        .Add("inbox", &MO::inbox, AnyValue(), "folder watched for *.esm bundles; empty: none")
        .Add("poll_s", &MO::poll_s, OpenClosed(0, 3600), "how often the inbox is looked at")
        .Add("shadow_frames", &MO::shadow_frames, Closed(1, 100000),
             "live frames the candidate runs on beside the active model before a decision")
        .Add("shadow_period_s", &MO::shadow_period_s, Closed(0, 3600),
             "at most one shadow frame per this many seconds (bounds the shadow's CPU)")
        .Add("shadow_timeout_s", &MO::shadow_timeout_s, OpenClosed(0, 86400),
             "a candidate without enough shadow frames by then is rejected")
        .Add("min_f1", &MO::min_f1, Closed(0, 1),
             "agreement F1 with the active model (IoU 0.5) needed to promote")
        .Add("max_latency_ratio", &MO::max_latency_ratio, OpenClosed(0, 1000),
             "candidate run p99 over the active model's, at most")
        .Add("watch_frames", &MO::watch_frames, Closed(1, 1000000),
             "runs of a promoted model watched before it is kept")
        .Add("min_detection_ratio", &MO::min_detection_ratio, Closed(0, 1),
             "detections per frame a promoted model keeps (of the shadow's); else rolled back")
        .Add("http_max_bytes", &MO::http_max_bytes, Closed(int64_t{1} << 20, int64_t{2} << 30),
             "largest bundle POST /api/models takes (the body is held in memory)")
        .Add("min_verdicts", &MO::min_verdicts, Closed(1, 100000),
             "with escalate: backend verdicts needed before they count in a decision")
        .Add("min_verdict_agreement", &MO::min_verdict_agreement, Closed(0, 1),
             "share of the backend's verdicts the candidate must agree with to promote")
        .Add("max_rejected_increase", &MO::max_rejected_increase, Closed(0, 1),
             "rise of the share of escalations the backend rejects that rolls a promotion back");
    s.SetRules([](const ModelUpdateOptions& o) -> Status {
      if (!o.store.empty() && o.trusted_keys.empty() && !o.inbox.empty()) {
        return InvalidArgument("models.inbox: bundles need models.trusted_keys to be verified");
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
