// `edgesight run`: builds a pipeline from an AppConfig and runs it.
//
// BuildAndRun wires source, detector, tracker, decision hooks (recorder,
// outbox, alarms) and sinks (the one place that knows every module),
// runs the pipeline to completion and returns the summary plus the first error. Config errors,
// a model that does not load and unwritable outputs are reported before any thread starts.
// SIGINT/SIGTERM stop the run cleanly (summary still printed) when install_signal_handlers.
#pragma once

#include <string>

#include "config/app_config.h"
#include "pipeline/pipeline.h"

namespace es {

// device: this edge device's id, the first part of every event id ("<device>/<stream>/<n>").
RunResult BuildAndRun(const AppConfig& config, const std::string& device,
                      bool install_signal_handlers);

}  // namespace es
