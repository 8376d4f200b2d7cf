// InferenceEngine: runs an ONNX model on one float input tensor and returns its outputs.
//
// Two engines implement it: ONNX Runtime (ort_engine.cc, built only when ES_HAVE_ORT) and
// OpenCV DNN (opencv_engine.cc, always). Load errors (missing file -> kNotFound, a file that is
// not a valid model -> kDataLoss) are returned by MakeEngine. Run() is called from one thread at
// a time. Outputs are returned in the model's declared output order, with their names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major
};

struct EngineOptions {
  std::string kind = "auto";  // auto | ort | opencv
  int threads = 2;
};

class InferenceEngine {
 public:
  virtual ~InferenceEngine() = default;
  virtual std::string name() const = 0;  // "ort" or "opencv"
  // Declared input shape (NCHW); dynamic dimensions are -1.
  virtual std::vector<int64_t> input_shape() const = 0;
  virtual std::vector<std::string> output_names() const = 0;
  virtual Result<std::vector<Tensor>> Run(const Tensor& input) = 0;
};

Result<std::unique_ptr<InferenceEngine>> MakeEngine(const EngineOptions& options,
                                                    const std::string& model_path);

// True when this build has ONNX Runtime.
bool HaveOnnxRuntime();

}  // namespace es
