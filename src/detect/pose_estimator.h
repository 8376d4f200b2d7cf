// PoseEstimator: BlazePose body landmarks on one person crop, for the deep-analysis stage and
// the backend's verifier ("does this crop really hold a person?").
//
// Model: blazepose-lite.onnx, made by tools/convert_blazepose.py (scripts/fetch_assets.sh puts
// it in the model cache; contract in models/README.md, "BlazePose"): input "input"
// [1, 3, 256, 256] RGB / 255; outputs "landmarks" [1, 39, 5] (x, y in input pixels, z,
// visibility logit, presence logit) and "presence" [1, 1] (the pose flag, sigmoid applied).
// The full and heavy variants have the same contract and load the same way.
//
// Per crop: letterbox the BGR crop centred into 256x256 on black (letterbox.h, center=true;
// INTER_LINEAR when enlarging, INTER_AREA when shrinking), RGB / 255 as float NCHW, run the
// engine, take landmarks 0-32 (MediaPipe's 33 body landmarks; 33-38 are auxiliary and dropped),
// map x, y back to crop pixels (not clipped: a landmark may lie outside the crop), and apply
// the sigmoid to the visibility and presence logits.
//
// Scores: `presence` is the model's person-presence flag. `torso_visibility` is the mean
// visibility of the shoulders and hips (11, 12, 23, 24). The landmarks are conditioned on a
// person being there: on empty floor and grass crops of vtest.avi torso_visibility is still
// 0.6-0.7 while presence is below 0.001, so decide on `presence` (or `score` = presence x
// torso_visibility, high only when a person is there and their torso is in view).
//
// Construction (Create) loads the model through MakeEngine (inference_engine.h: ONNX Runtime
// when built in, else OpenCV DNN, unless options.engine names one), checks the input shape and
// the output names, and runs one warm-up inference, so a model that does not run fails here.
// Thread-safety: none; one thread at a time calls Estimate. Instances are independent.
// Failure: a missing model file -> kNotFound; a file that is not a loadable ONNX model ->
// kDataLoss; a model without the contract's input/outputs -> kInvalidArgument; an empty or
// non-8-bit-BGR crop -> kInvalidArgument; engine failures -> the engine's Status (kInternal).
// Never throws.
#pragma once

#include <array>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "detect/inference_engine.h"
#include "edgesight/status.h"

namespace es {

inline constexpr int kPoseKeypoints = 33;  // MediaPipe's body landmarks, 0 nose .. 32 right foot

struct PoseKeypoint {
  float x = 0.f, y = 0.f;  // crop pixels
  float visibility = 0.f;  // 0..1: in view and not occluded
  float presence = 0.f;    // 0..1: inside the image
};

struct PoseResult {
  float presence = 0.f;          // 0..1: the crop holds a person
  float torso_visibility = 0.f;  // mean visibility of shoulders and hips
  float score = 0.f;             // presence * torso_visibility
  std::array<PoseKeypoint, kPoseKeypoints> keypoints{};
};

struct PoseEstimatorOptions {
  std::string model;            // empty: DefaultPoseModelPath()
  std::string engine = "auto";  // auto | ort | opencv (inference_engine.h)
  int threads = 1;              // engine intra-op threads (0: the engine's default)
};

// The model cache's blazepose-lite.onnx (same directory as DefaultNanoDetModelPath()).
std::string DefaultPoseModelPath();

// The name of body keypoint i (0..32), e.g. "left_shoulder"; "" outside the range.
const char* PoseKeypointName(int i);

class PoseEstimator {
 public:
  static Result<std::unique_ptr<PoseEstimator>> Create(const PoseEstimatorOptions& options);

  // The pose on a BGR (CV_8UC3) person crop of any size.
  Result<PoseResult> Estimate(const cv::Mat& bgr_crop);

  std::string engine_name() const { return engine_->name(); }

 private:
  explicit PoseEstimator(std::unique_ptr<InferenceEngine> engine) : engine_(std::move(engine)) {}
  Result<PoseResult> Run(const cv::Mat& bgr_crop);

  std::unique_ptr<InferenceEngine> engine_;
  Tensor input_;
};

}  // namespace es
