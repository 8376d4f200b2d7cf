// AppConfig: the whole runtime configuration of one edgesight camera pipeline.
//
// Contract: a plain aggregate of the option structs the stages already own; every field keeps
// its default from those structs, so `AppConfig{}` is the configuration of an empty YAML file.
// It is filled and validated by config_loader.h (schema -> normalise -> cross-field checks);
// code that builds one by hand should call ValidateConfig() before using it.
// Thread-safety: a plain value, safe to copy between threads; not synchronised.
#pragma once

#include "detect/detector_options.h"
#include "pipeline/pipeline_options.h"
#include "source/source_options.h"
#include "track/byte_track_options.h"

namespace es {

struct AppConfig {
  SourceOptions source;      // YAML section `source`
  DetectorOptions detector;  // YAML section `detector`
  GateOptions gate;          // YAML section `gate` (motion gate in front of the detector)
  ByteTrackOptions tracker;  // YAML section `tracker`
  PipelineOptions pipeline;  // YAML section `pipeline`
  OutputOptions output;      // YAML section `output`
};

}  // namespace es
