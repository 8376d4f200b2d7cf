// OpenCvEngine: InferenceEngine on OpenCV DNN (cv::dnn::readNetFromONNX), CPU backend/target
// (DNN_BACKEND_OPENCV, DNN_TARGET_CPU). Always built; the fallback when ONNX Runtime is absent.
//
// OpenCV does not report a model's declared input shape or output order, so the engine reads
// both from the file with OnnxModelInfo and forwards the declared outputs in that order.
// Threads: cv::setNumThreads() is process-global (it sizes OpenCV's one parallel pool, TBB on
// Debian, shared by every cv:: call in the process). With threads > 0 the engine applies its
// count at the start of each Run() when the global differs, so the last running engine wins and
// other OpenCV work in the process (resize, colour conversion, background subtraction) runs
// with that pool until someone changes it. threads = 0 leaves the global untouched.
// Thread-safety: Run() from one thread at a time per engine.
// Failure: a missing file -> kNotFound; a file that is not ONNX or that OpenCV cannot import ->
// kDataLoss (OpenCV's message on one line); a failing Run() -> kInternal. cv::Exception never
// escapes.
#pragma once

#include <memory>
#include <string>

#include "detect/inference_engine.h"

namespace es {

Result<std::unique_ptr<InferenceEngine>> MakeOpenCvEngine(const std::string& model_path,
                                                          int threads);

}  // namespace es
