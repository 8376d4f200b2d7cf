// Config checks: layers 2 and 3 of STYLE.md #9, run after the schema has parsed every key.
//
// Contract:
//  - NormaliseConfig turns a schema-valid config into the runtime form: detector.classes loses
//    surrounding blanks and duplicates (first occurrence kept). Idempotent; never fails.
//    (Enum spellings are already canonical: the schema stores them as declared.)
//  - ValidateConfig re-checks every field against the schema constraint (so configs built or
//    edited in code, e.g. by CLI flags, get the same errors) and then the cross-field rules:
//      tracker.low_thresh < tracker.track_thresh
//      detector.type onnx requires detector.model
//      detector.type nanodet accepts only format "" or nanodet
//      detector.input_size is 0 or a multiple of 32
//      source.stream_id is 1-64 characters of [A-Za-z0-9_-] (it is an MQTT topic level)
//      source.rtsp_listen requires an rtsp:// uri; source.ground_truth_out a synthetic: uri
//        (both only checked once the uri is known, i.e. non-empty)
//      output.events_out and output.annotate are different files
//      analytics: ValidateAnalyticsOptions (polygons >= 3 points, simple, non-zero area; lines
//        a != b; unique non-empty names; timers), prefixed "analytics."
//      analytics.zones[i] / lines[i] `stream`, when given, equals source.stream_id
//        ("analytics.zones[0] 'door': unknown stream \"cam9\" (known streams: [cam0], ...)")
//      alarm: ValidateAlarmOptions (one action per rule: command or a loopback http URL;
//        valid `on` filters; unique names; ranges), prefixed "alarm."
//      alarm.rules[i].zones / lines name configured zones / lines
//      recording.max_clip_s >= recording.pre_event_s + recording.post_event_s (also when
//        recording.dir is "", i.e. recording is off); the other recording ranges and all
//        uplink ranges are schema constraints. uplink.mqtt is not parsed here (the app does).
//      ptz.driver onvif requires ptz.onvif_url (http://...); any ptz.driver requires
//        ptz.calibration_file (loaded only when the run starts); ptz.max_zoom >= ptz.min_zoom;
//        ptz.home_zoom within them; ptz.zone a valid polygon (>= 3 points, simple, non-zero
//        area) when given; then PtzLinkageOptions::Validate(). Checked even with driver "".
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
