// CameraSettings: what may change in a running camera without a restart (live settings).
//
// Contract: one immutable snapshot per camera in a SettingsSlot (core/settings_slot.h). The
// detect stage loads it once per frame and applies a changed snapshot before deciding that
// frame: the gate's options, the detection interval, and (through DetectionClient::Configure)
// the detection period, its bound and the priority on the shared detector. A change is seen
// from the next frame on; no frame is dropped or reprocessed because of it. Everything else in
// the config (sources, the model, analytics, outputs) needs a restart.
// Thread-safety: a plain value; share it through SettingsSlot.
#pragma once

#include <memory>

#include "core/settings_slot.h"
#include "detect/detector_options.h"
#include "pipeline/pipeline_options.h"

namespace es {

struct CameraSettings {
  GateOptions gate;
  int detect_interval = 1;
  double detect_period_s = 0.0;
  double max_period_s = 2.0;
  int priority = 50;
};

using CameraSettingsSlot = SettingsSlot<CameraSettings>;

inline CameraSettings LiveSettingsOf(const GateOptions& gate, const PipelineOptions& p) {
  return {gate, p.detect_interval, p.detect_period_s, p.max_period_s, p.priority};
}

}  // namespace es
