#include "detect/inference_engine.h"

#include <filesystem>

#include "detect/onnx_model_info.h"
#include "detect/opencv_engine.h"
#ifdef ES_HAVE_ORT
#include "detect/ort_engine.h"
#endif

namespace es {

bool HaveOnnxRuntime() {
#ifdef ES_HAVE_ORT
  return true;
#else
  return false;
#endif
}

Result<std::unique_ptr<InferenceEngine>> MakeEngine(const EngineOptions& options,
                                                    const std::string& model_path) {
  std::string kind = options.kind.empty() ? "auto" : options.kind;
  if (kind == "auto") kind = HaveOnnxRuntime() ? "ort" : "opencv";
  if (kind != "ort" && kind != "opencv") {
    return InvalidArgument("unknown inference engine '" + options.kind +
                           "' (valid: auto, ort, opencv)");
  }
  if (kind == "ort" && !HaveOnnxRuntime()) {
    return InvalidArgument("ONNX Runtime is not part of this build");
  }
  if (options.threads < 0) {
    return InvalidArgument("engine threads must be >= 0, got " + std::to_string(options.threads));
  }
  // One engine-independent check first: missing file -> kNotFound, not ONNX -> kDataLoss, with
  // the same messages whichever engine runs.
  ES_RETURN_IF_ERROR(ReadOnnxModelInfo(model_path).status());
#ifdef ES_HAVE_ORT
  if (kind == "ort") return MakeOrtEngine(model_path, options.threads);
#endif
  return MakeOpenCvEngine(model_path, options.threads);
}

}  // namespace es
