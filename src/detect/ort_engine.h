// OrtEngine: InferenceEngine on ONNX Runtime's C++ API, CPU execution provider.
//
// Built only when CMake found ONNX Runtime (ES_HAVE_ORT); use MakeEngine, which checks that.
// Session: intra-op threads = `threads` (0 = ORT's default), inter-op threads 1, graph
// optimisation level ALL, sequential execution. Input and output names come from the session;
// the model must have exactly one float input. One process-wide Ort::Env is shared by all
// engines (created on first use, never destroyed, as ORT recommends).
// Thread-safety: Run() from one thread at a time per engine; engines are independent.
// Failure: a missing file -> kNotFound (checked before ORT sees it); a file ORT cannot load ->
// kDataLoss with ORT's message on one line; a failing Run() -> kInternal. Ort::Exception never
// escapes.
#pragma once

#include <memory>
#include <string>

#include "detect/inference_engine.h"

namespace es {

Result<std::unique_ptr<InferenceEngine>> MakeOrtEngine(const std::string& model_path,
                                                       int threads);

}  // namespace es
