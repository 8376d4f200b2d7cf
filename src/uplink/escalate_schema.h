// The configuration section declared by the escalation policy (core/option_schema.h): keys,
// types, ranges and meanings of `escalate` (escalate_options.h). The list keys score_band and
// classes are ListSpecs in config/record_lists.h; whether `zones` exist is the config's check.
// Rules: score_band lo <= hi.
#pragma once

#include "core/option_schema.h"
#include "uplink/escalate_options.h"

namespace es {

inline const OptionSchema<EscalateOptions>& EscalateSchema() {
  static const OptionSchema<EscalateOptions> kSchema = [] {
    using EO = EscalateOptions;
    OptionSchema<EscalateOptions> s(
        "escalate", "what this camera sends to edgesight-backend for verification (hybrid tier)");
    s.Add("enabled", &EO::enabled, AnyValue(),
          "escalate uncertain, chosen-class, in-zone and audit tracks (needs uplink.outbox)")
        .Add("zones", &EO::zones, AnyValue(), "tracks inside these zones are escalated; [] = none")
        .Add("audit_rate", &EO::audit_rate, Closed(0, 1),
             "fraction of confident tracks escalated to measure edge precision (hash of the "
             "track id: reproducible)")
        .Add("min_interval_s", &EO::min_interval_s, Closed(0, 86400),
             "at most one escalation per track per this many seconds")
        .Add("max_per_hour", &EO::max_per_hour, Closed(1, 1000000),
             "escalations per camera in any 3600 s (sliding window); more are skipped and counted")
        .Add("deadline_s", &EO::deadline_s, OpenClosed(0, 3600),
             "time for a verdict per attempt; then re-sent with the same id")
        .Add("max_attempts", &EO::max_attempts, Closed(1, 100),
             "sends in all; after the last deadline the local decision stands (expired)")
        .Add("context", &EO::context, Closed(0, 1),
             "crop margin on each side, fraction of the box's size");
    s.SetRules([](const EscalateOptions& o) -> Status {
      if (o.score_lo > o.score_hi) {
        return InvalidArgument("escalate.score_band: expected [lo, hi] with lo <= hi, got [" +
                               FormatNumber(o.score_lo) + ", " + FormatNumber(o.score_hi) + "]");
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
