#include "detect/opencv_engine.h"

#include <algorithm>
#include <numeric>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <utility>

#include "detect/onnx_model_info.h"

namespace es {
namespace {

class OpenCvEngine final : public InferenceEngine {
 public:
  OpenCvEngine(cv::dnn::Net net, OnnxValueInfo input, std::vector<std::string> outputs, int threads)
      : net_(std::move(net)),
        input_(std::move(input)),
        outputs_(std::move(outputs)),
        threads_(threads) {}

  std::string name() const override { return "opencv"; }
  std::vector<int64_t> input_shape() const override { return input_.shape; }
  std::vector<std::string> output_names() const override { return outputs_; }

  Result<std::vector<Tensor>> Run(const Tensor& input) override {
    const int64_t n =
        std::accumulate(input.shape.begin(), input.shape.end(), int64_t{1}, std::multiplies<>());
    if (input.shape.empty() || n != static_cast<int64_t>(input.data.size())) {
      return InvalidArgument("opencv: input shape does not match its data size");
    }
    if (threads_ > 0 && cv::getNumThreads() != threads_) cv::setNumThreads(threads_);
    try {
      std::vector<int> dims(input.shape.begin(), input.shape.end());
      // The net keeps a reference to its input blob after forward(); copy into a blob the
      // engine owns so that reference never outlives the caller's tensor.
      blob_.create(static_cast<int>(dims.size()), dims.data(), CV_32F);
      std::copy(input.data.begin(), input.data.end(), blob_.ptr<float>());
      net_.setInput(blob_, input_.name);
      std::vector<cv::Mat> outs;
      net_.forward(outs, outputs_);
      std::vector<Tensor> result;
      result.reserve(outs.size());
      for (size_t i = 0; i < outs.size(); ++i) {
        cv::Mat m = outs[i].isContinuous() ? outs[i] : outs[i].clone();
        if (m.depth() != CV_32F) return Internal("opencv: output '" + outputs_[i] + "' not float");
        Tensor t;
        t.name = outputs_[i];
        for (int d = 0; d < m.dims; ++d) t.shape.push_back(m.size[d]);
        const auto* p = m.ptr<float>();
        t.data.assign(p, p + m.total() * m.channels());
        result.push_back(std::move(t));
      }
      return result;
    } catch (const cv::Exception& e) {
      return Internal("opencv: inference failed: " + OneLine(e.what()));
    }
  }

 private:
  cv::dnn::Net net_;
  OnnxValueInfo input_;
  std::vector<std::string> outputs_;
  int threads_;
  cv::Mat blob_;
};

}  // namespace

Result<std::unique_ptr<InferenceEngine>> MakeOpenCvEngine(const std::string& model_path,
                                                          int threads) {
  ES_ASSIGN_OR_RETURN(OnnxModelInfo info, ReadOnnxModelInfo(model_path));
  if (info.inputs.size() != 1) {
    return InvalidArgument("model '" + model_path + "' has " + std::to_string(info.inputs.size()) +
                           " inputs; a detector model has exactly one");
  }
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(model_path);
    if (net.empty()) return DataLoss("opencv: cannot load model '" + model_path + "'");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    std::vector<std::string> outputs;
    for (const auto& o : info.outputs) outputs.push_back(o.name);
    // OpenCV names an output layer after the tensor it produces; if a declared output has no
    // such layer (it folded away at import), fall back to OpenCV's own output list.
    const bool all_known = std::all_of(outputs.begin(), outputs.end(),
                                       [&](const auto& o) { return net.getLayerId(o) >= 0; });
    if (!all_known) outputs = net.getUnconnectedOutLayersNames();
    return std::unique_ptr<InferenceEngine>(std::make_unique<OpenCvEngine>(
        std::move(net), info.inputs[0], std::move(outputs), threads));
  } catch (const cv::Exception& e) {
    return DataLoss("opencv: cannot load model '" + model_path + "': " + OneLine(e.what()));
  }
}

}  // namespace es
