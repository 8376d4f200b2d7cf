// Config checks: layers 2 and 3 of STYLE.md #9, run after the schema has parsed every key.
//
// Contract:
//  - NormaliseConfig turns a schema-valid config into the runtime form: detector.classes loses
//    surrounding blanks and duplicates (first occurrence kept). Idempotent; never fails.
//    (Enum spellings are already canonical: the schema stores them as declared.)
//  - ValidateConfig re-checks every field against its constraint (so configs built or edited
//    in code, e.g. by CLI flags, get the same errors), then each section's own rules, declared
//    by the module that owns the section (source/source_schema.h, detect/detector_schema.h,
//    track/byte_track_schema.h, pipeline/pipeline_schema.h, analytics/analytics_schema.h,
//    alarm/alarm_schema.h, record/recording_schema.h, ptz/ptz_schema.h, http/http_schema.h),
//    in document order, and last the rules that span sections, which only the config knows:
//      analytics.zones[i] / lines[i] `stream`, when given, equals source.stream_id
//        ("analytics.zones[0] 'door': unknown stream \"cam9\" (known streams: [cam0], ...)")
//      alarm.rules[i].zones / lines name configured zones / lines
// Failure: the first violation as kInvalidArgument, one line, starting with the key's path:
// "tracker.low_thresh: must be below tracker.track_thresh (0.5), got 0.6". No origin prefix;
// the loader adds it. Pure functions; thread-safe.
#pragma once

#include "config/app_config.h"
#include "edgesight/status.h"

namespace es {

void NormaliseConfig(AppConfig* config);

Status ValidateConfig(const AppConfig& config);

}  // namespace es
