#include "detect/pose_estimator.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <utility>
#include <vector>

#include "detect/detector.h"
#include "detect/letterbox.h"

namespace es {
namespace {

constexpr int kInputSize = 256;
constexpr int kModelLandmarks = 39;
constexpr int kLandmarkFields = 5;  // x, y, z, visibility logit, presence logit
constexpr int kTorso[] = {11, 12, 23, 24};

constexpr const char* kKeypointNames[kPoseKeypoints] = {
    "nose",        "left_eye_inner",  "left_eye",        "left_eye_outer", "right_eye_inner",
    "right_eye",   "right_eye_outer", "left_ear",        "right_ear",      "mouth_left",
    "mouth_right", "left_shoulder",   "right_shoulder",  "left_elbow",     "right_elbow",
    "left_wrist",  "right_wrist",     "left_pinky",      "right_pinky",    "left_index",
    "right_index", "left_thumb",      "right_thumb",     "left_hip",       "right_hip",
    "left_knee",   "right_knee",      "left_ankle",      "right_ankle",    "left_heel",
    "right_heel",  "left_foot_index", "right_foot_index"};

float Sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

const Tensor* FindOutput(const std::vector<Tensor>& outs, const char* name) {
  for (const Tensor& t : outs) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace

std::string DefaultPoseModelPath() {
  return (std::filesystem::path(DefaultNanoDetModelPath()).parent_path() / "blazepose-lite.onnx")
      .string();
}

const char* PoseKeypointName(int i) {
  return i >= 0 && i < kPoseKeypoints ? kKeypointNames[i] : "";
}

Result<std::unique_ptr<PoseEstimator>> PoseEstimator::Create(const PoseEstimatorOptions& options) {
  const std::string path = options.model.empty() ? DefaultPoseModelPath() : options.model;
  ES_ASSIGN_OR_RETURN(std::unique_ptr<InferenceEngine> engine,
                      MakeEngine({options.engine, options.threads}, path));
  const std::vector<int64_t> shape = engine->input_shape();
  const std::vector<int64_t> want = {1, 3, kInputSize, kInputSize};
  if (shape != want) {
    std::string got;
    for (int64_t d : shape) got += (got.empty() ? "" : ", ") + std::to_string(d);
    return InvalidArgument("pose model '" + path + "': input [" + got +
                           "], expected [1, 3, 256, 256] (tools/convert_blazepose.py)");
  }
  std::unique_ptr<PoseEstimator> p(new PoseEstimator(std::move(engine)));
  // Warm-up on a black crop: a model that does not run, or lacks the outputs, fails here.
  Result<PoseResult> warm = p->Run(cv::Mat(kInputSize, kInputSize, CV_8UC3, cv::Scalar::all(0)));
  if (!warm.ok()) return warm.status().WithContext("pose model '" + path + "'");
  return p;
}

Result<PoseResult> PoseEstimator::Estimate(const cv::Mat& bgr_crop) {
  if (bgr_crop.empty() || bgr_crop.type() != CV_8UC3) {
    return InvalidArgument("pose: the crop must be a non-empty 8-bit BGR image");
  }
  return Run(bgr_crop);
}

Result<PoseResult> PoseEstimator::Run(const cv::Mat& bgr) {
  const LetterboxTransform t = ComputeLetterbox(bgr.size(), kInputSize, kInputSize, true);
  const cv::Mat img = ApplyLetterbox(bgr, t, kInputSize, kInputSize, cv::Scalar::all(0));
  const size_t plane = static_cast<size_t>(kInputSize) * kInputSize;
  input_.shape = {1, 3, kInputSize, kInputSize};
  input_.data.resize(3 * plane);
  float* r = input_.data.data();
  float* g = r + plane;
  float* b = g + plane;
  const float inv = 1.f / 255.f;
  size_t i = 0;
  for (int y = 0; y < img.rows; ++y) {
    const uint8_t* row = img.ptr<uint8_t>(y);
    for (int x = 0; x < img.cols; ++x, ++i, row += 3) {
      r[i] = static_cast<float>(row[2]) * inv;
      g[i] = static_cast<float>(row[1]) * inv;
      b[i] = static_cast<float>(row[0]) * inv;
    }
  }
  ES_ASSIGN_OR_RETURN(std::vector<Tensor> outs, engine_->Run(input_));
  const Tensor* lm = FindOutput(outs, "landmarks");
  const Tensor* flag = FindOutput(outs, "presence");
  if (lm == nullptr || flag == nullptr ||
      lm->data.size() != static_cast<size_t>(kModelLandmarks * kLandmarkFields) ||
      flag->data.size() != 1) {
    return InvalidArgument(
        "not a BlazePose landmark model: expected outputs 'landmarks' [1, 39, 5] and "
        "'presence' [1, 1] (tools/convert_blazepose.py)");
  }
  PoseResult res;
  res.presence = flag->data[0];
  const float inv_scale = t.scale > 0.f ? 1.f / t.scale : 0.f;
  for (int k = 0; k < kPoseKeypoints; ++k) {
    const float* f = lm->data.data() + static_cast<size_t>(k) * kLandmarkFields;
    PoseKeypoint& kp = res.keypoints[k];
    kp.x = (f[0] - t.pad_x) * inv_scale;
    kp.y = (f[1] - t.pad_y) * inv_scale;
    kp.visibility = Sigmoid(f[3]);
    kp.presence = Sigmoid(f[4]);
  }
  float sum = 0.f;
  for (int k : kTorso) sum += res.keypoints[k].visibility;
  res.torso_visibility = sum / static_cast<float>(std::size(kTorso));
  res.score = res.presence * res.torso_visibility;
  return res;
}

}  // namespace es
