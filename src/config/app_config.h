// AppConfig: the whole runtime configuration of one edgesight camera pipeline.
//
// Contract: a plain aggregate of the option structs the stages already own; every field keeps
// its default from those structs, so `AppConfig{}` is the configuration of an empty YAML file.
// It is filled and validated by config_loader.h (schema -> normalise -> cross-field checks);
// code that builds one by hand should call ValidateConfig() before using it.
// Thread-safety: a plain value, safe to copy between threads; not synchronised.
#pragma once

#include <map>
#include <string>

#include "alarm/alarm_options.h"
#include "analytics/analytics_options.h"
#include "detect/deep_options.h"
#include "detect/detector_options.h"
#include "detect/fallback_options.h"
#include "govern/governor_options.h"
#include "http/http_options.h"
#include "pipeline/pipeline_options.h"
#include "models/model_update_options.h"
#include "ptz/ptz_config.h"
#include "record/recording_options.h"
#include "source/source_options.h"
#include "track/byte_track_options.h"
#include "uplink/escalate_options.h"
#include "uplink/uplink_config.h"

namespace es {

// The optional `stream:` of each zone and line, by zone/line name (absent = not given). One
// process runs one stream today, so a given stream must equal source.stream_id (checked by
// ValidateConfig); it is kept so that configs stay explicit and round-trip through ToYaml.
struct AnalyticsStreams {
  std::map<std::string, std::string> zones;
  std::map<std::string, std::string> lines;
};

struct AppConfig {
  SourceOptions source;                // YAML section `source`
  DetectorOptions detector;            // YAML section `detector`
  GateOptions gate;                    // YAML section `gate` (motion gate in front of the detector)
  ByteTrackOptions tracker;            // YAML section `tracker`
  PipelineOptions pipeline;            // YAML section `pipeline`
  OutputOptions output;                // YAML section `output`
  AnalyticsOptions analytics;          // YAML section `analytics` (zones, lines, timers)
  AnalyticsStreams analytics_streams;  // `stream:` of analytics.zones[] / lines[]
  AlarmOptions alarm;                  // YAML section `alarm` (local alarm rules)
  RecordingOptions recording;          // YAML section `recording` (event clips; dir "" = off)
  UplinkConfig uplink;                 // YAML section `uplink` (outbox, MQTT broker)
  PtzConfig ptz;                       // YAML section `ptz` (PTZ linkage; driver "" = off)
  HttpOptions http;                    // YAML section `http` (operations API; listen "" = off)
  GovernorOptions governor;            // YAML section `governor` (budgets; enabled false = off)
  EscalateOptions escalate;            // YAML section `escalate` (hybrid tier; per camera)
  FallbackOptions fallback;            // YAML section `fallback` (cloud-fallback; per camera)
  DeepOptions deep;                    // YAML section `deep` (edge pose analysis; per camera)
  ModelUpdateOptions models;           // YAML section `models` (model updates; device-wide)
};

}  // namespace es
