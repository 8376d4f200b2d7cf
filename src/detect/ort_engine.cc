#include "detect/ort_engine.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <utility>

namespace es {
namespace {

// ONNX Runtime's Linux build has telemetry on by default: on every start it reads
// /etc/machine-id, keeps a device id and an SQLite event database under
// $HOME/.cache/Microsoft/DeveloperTools/.onnxruntime, writes /tmp/.ses and leaves an empty
// /tmp/mat-debug-<pid>.log, and would upload to a Microsoft collector. An edge device must do
// none of that. ORT_DISABLE_TELEMETRY is read when the library starts its telemetry, so it is
// set at load time, before main() and any thread (a user's own value is kept).
[[maybe_unused]] const bool kTelemetryOff = [] {
  setenv("ORT_DISABLE_TELEMETRY", "1", /*overwrite=*/0);
  return true;
}();

Ort::Env& SharedEnv() {
  static Ort::Env* env = [] {
    auto* e = new Ort::Env(ORT_LOGGING_LEVEL_WARNING, "edgesight");  // never freed
    e->DisableTelemetryEvents();
    return e;
  }();
  return *env;
}

class OrtEngine final : public InferenceEngine {
 public:
  OrtEngine(Ort::Session session, std::vector<int64_t> input_shape, std::string input_name,
            std::vector<std::string> output_names)
      : session_(std::move(session)),
        input_shape_(std::move(input_shape)),
        input_name_(std::move(input_name)),
        output_names_(std::move(output_names)),
        memory_(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)) {
    for (const auto& n : output_names_) output_cstrs_.push_back(n.c_str());
  }

  std::string name() const override { return "ort"; }
  std::vector<int64_t> input_shape() const override { return input_shape_; }
  std::vector<std::string> output_names() const override { return output_names_; }

  Result<std::vector<Tensor>> Run(const Tensor& input) override {
    const int64_t n =
        std::accumulate(input.shape.begin(), input.shape.end(), int64_t{1}, std::multiplies<>());
    if (input.shape.empty() || n != static_cast<int64_t>(input.data.size())) {
      return InvalidArgument("ort: input shape does not match its data size");
    }
    try {
      // ORT does not write to inputs; CreateTensor only takes a non-const pointer.
      Ort::Value in = Ort::Value::CreateTensor<float>(
          memory_, const_cast<float*>(input.data.data()), input.data.size(), input.shape.data(),
          input.shape.size());
      const char* in_name = input_name_.c_str();
      std::vector<Ort::Value> outs = session_.Run(Ort::RunOptions{nullptr}, &in_name, &in, 1,
                                                  output_cstrs_.data(), output_cstrs_.size());
      std::vector<Tensor> result;
      result.reserve(outs.size());
      for (size_t i = 0; i < outs.size(); ++i) {
        auto info = outs[i].GetTensorTypeAndShapeInfo();
        if (info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
          return Internal("ort: output '" + output_names_[i] + "' is not float");
        }
        Tensor t;
        t.name = output_names_[i];
        t.shape = info.GetShape();
        const float* p = outs[i].GetTensorData<float>();
        t.data.assign(p, p + info.GetElementCount());
        result.push_back(std::move(t));
      }
      return result;
    } catch (const Ort::Exception& e) {
      return Internal("ort: inference failed: " + OneLine(e.what()));
    }
  }

 private:
  Ort::Session session_;
  std::vector<int64_t> input_shape_;
  std::string input_name_;
  std::vector<std::string> output_names_;
  std::vector<const char*> output_cstrs_;
  Ort::MemoryInfo memory_;
};

}  // namespace

Result<std::unique_ptr<InferenceEngine>> MakeOrtEngine(const std::string& model_path, int threads) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_path, ec)) {
    return NotFound("model file '" + model_path + "' does not exist");
  }
  try {
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(std::max(threads, 0));
    so.SetInterOpNumThreads(1);
    so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    so.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
    // Workers sleep when a run ends instead of spinning: on a small edge CPU the spin steals the
    // cores that capture, the gate and the tracker of every camera need between two runs.
    so.AddConfigEntry("session.intra_op.allow_spinning", "0");
    Ort::Session session(SharedEnv(), model_path.c_str(), so);

    if (session.GetInputCount() != 1) {
      return InvalidArgument("model '" + model_path + "' has " +
                             std::to_string(session.GetInputCount()) +
                             " inputs; a detector model has exactly one");
    }
    Ort::AllocatorWithDefaultOptions alloc;
    std::string input_name = session.GetInputNameAllocated(0, alloc).get();
    Ort::TypeInfo in_type = session.GetInputTypeInfo(0);  // in_info views into it
    auto in_info = in_type.GetTensorTypeAndShapeInfo();
    if (in_info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
      return InvalidArgument("model '" + model_path + "': input '" + input_name +
                             "' is not a float tensor");
    }
    std::vector<int64_t> shape = in_info.GetShape();
    for (auto& d : shape) d = d > 0 ? d : -1;
    std::vector<std::string> outputs;
    for (size_t i = 0; i < session.GetOutputCount(); ++i) {
      outputs.emplace_back(session.GetOutputNameAllocated(i, alloc).get());
    }
    return std::unique_ptr<InferenceEngine>(std::make_unique<OrtEngine>(
        std::move(session), std::move(shape), std::move(input_name), std::move(outputs)));
  } catch (const Ort::Exception& e) {
    return DataLoss("ort: cannot load model '" + model_path + "': " + OneLine(e.what()));
  }
}

}  // namespace es
