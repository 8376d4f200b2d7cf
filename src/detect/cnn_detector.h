// CnnDetector: a Detector that runs a single-input ONNX detection model through an
// InferenceEngine (ONNX Runtime or OpenCV DNN) and decodes its head.
//
// Per frame: letterbox the BGR frame into the network input (pad colour and placement per
// format), convert to a float NCHW tensor (channel order and normalisation per format), run the
// engine, decode the head (decode_heads.h) at score_threshold, keep only the wanted classes,
// class-aware NMS at nms_iou, map boxes back to frame pixels (clipped) and drop empty boxes.
//
// Formats (DetectorOptions.format):
//   nanodet  one output [1, N, C + 4*(reg_max+1)] (GFL head), C = 80 (COCO); reg_max and the
//            strides are read from the output shape (strides 8/16/32, or 8/16/32/64 when N
//            counts a 4th level); priors at cell centres. Input per models/README.md: BGR,
//            (pixel - mean) / std with NanoDet's mean/std, top-left placement, pad 0.
//   yolov5   [1, N, 5 + C] with N > 5 + C; centre letterbox, pad 114, RGB / 255.
//   yolov8   (also "yolo11") raw [1, 4 + C, N] (or transposed), or pre-decoded [1, N, 6] rows
//            (x1, y1, x2, y2, score, class), told apart by shape; preprocessing as yolov5.
//   ""       inferred from the output shape by InferHeadFormat (see there).
// The input size is the model's declared H x W unless options.input_size > 0 (then the model
// input must be dynamic or equal to it).
//
// Construction (Create) runs one warm-up inference on a zero tensor: it reports a model that
// does not run or whose output does not fit the format at construction, never later.
// Thread-safety: none; one thread at a time calls Detect (the detect stage).
// Failure: unknown format / class name / bad sizes -> kInvalidArgument at construction; engine
// failures in Detect -> the engine's Status (kInternal); an empty or non-BGR-8-bit frame ->
// kInvalidArgument. Never throws.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "detect/decode_heads.h"
#include "detect/detector.h"
#include "detect/detector_options.h"
#include "detect/inference_engine.h"
#include "detect/letterbox.h"
#include "edgesight/status.h"

namespace es {

// How a frame becomes the network input. value = (pixel - mean[c]) / std[c], pixel in 0..255,
// c in network channel order (after the optional BGR -> RGB swap).
struct CnnPreprocess {
  bool swap_rb = true;                     // feed RGB (true) or BGR (false)
  cv::Scalar mean = {0.0, 0.0, 0.0};       // per network channel, 0..255 units
  cv::Scalar std = {255.0, 255.0, 255.0};  // per network channel, 0..255 units
  cv::Scalar pad_value = {0.0, 0.0, 0.0};  // letterbox fill colour, BGR 0..255
  bool center = false;                     // pad both sides (YOLO) or right/bottom (NanoDet)
};

// The preprocessing each format was trained with. InvalidArgument for an unknown format.
Result<CnnPreprocess> DefaultPreprocess(const std::string& format);

// The NanoDet head constants other than those read from the output shape.
NanoDetParams DefaultNanoDetHead();

// Infers the head format from a rank-3 [1, A, B] (or rank-2 [A, B]) output for a W x H input,
// assuming 80 (COCO) classes where the shape alone cannot tell:
//   B == 6 and A > B                                -> "yolov8" (pre-decoded rows)
//   A <= B                                          -> "yolov8" (raw, channels first)
//   B == 84                                         -> "yolov8" (raw, transposed)
//   A == 3 * cells(8,16,32)                         -> "yolov5" (3 anchors per cell)
//   A == cells(8,16,32[,64]), B > 84, (B-80) % 4 == 0 -> "nanodet"
// where cells(strides) = sum over s of ceil(H/s) * ceil(W/s). Anything else: InvalidArgument
// asking for an explicit format.
Result<std::string> InferHeadFormat(const std::vector<int64_t>& output_shape, int input_w,
                                    int input_h);

struct CnnDetectorParams {
  std::string format;                // nanodet | yolov5 | yolov8 | yolo11 | "" (infer)
  int input_size = 0;                // square network input; 0 = the model's declared size
  float score_threshold = 0.35f;     // keep detections at or above
  float nms_iou = 0.5f;              // class-aware NMS IoU threshold
  std::vector<int> class_ids;        // COCO ids to keep; empty = all
  std::vector<int> class_map;        // model output class -> COCO id; empty = the same index
  size_t max_detections = 300;       // most detections per frame after NMS
  bool override_preprocess = false;  // use `preprocess` instead of the format's default
  CnnPreprocess preprocess;

  // format, input_size, thresholds, classes and model_classes (names -> COCO ids; an unknown
  // name is InvalidArgument) from options. Create refuses a class_map whose length is not the
  // model's class count.
  static Result<CnnDetectorParams> FromOptions(const DetectorOptions& options);
};

class CnnDetector final : public Detector {
 public:
  static Result<std::unique_ptr<CnnDetector>> Create(std::unique_ptr<InferenceEngine> engine,
                                                     CnnDetectorParams params);
  ~CnnDetector() override;

  // "<format>/<engine>", e.g. "nanodet/ort".
  std::string name() const override;
  Result<std::vector<Detection>> Detect(const cv::Mat& bgr) override;

  const std::string& format() const { return params_.format; }
  int input_width() const { return input_w_; }
  int input_height() const { return input_h_; }
  const CnnPreprocess& preprocess() const { return pre_; }
  // Fills `out` (1x3xHxW) with the network input for a BGR 8-bit frame and returns the
  // letterbox used. Exposed for tests and benchmarks.
  LetterboxTransform MakeInput(const cv::Mat& bgr, Tensor* out) const;

 private:
  CnnDetector(std::unique_ptr<InferenceEngine> engine, CnnDetectorParams params);
  Result<std::vector<Detection>> Decode(const Tensor& out, float score_threshold) const;

  std::unique_ptr<InferenceEngine> engine_;
  CnnDetectorParams params_;
  CnnPreprocess pre_;
  NanoDetParams nanodet_;
  int input_w_ = 0, input_h_ = 0;
  size_t output_index_ = 0;  // which engine output carries the head
  bool predecoded_ = false;  // yolov8 format with [1, N, 6] rows
  Tensor input_;             // reused between frames
};

// Builds the engine (options.engine, options.threads) for model_path and a CnnDetector on it.
Result<std::unique_ptr<Detector>> MakeCnnDetector(const DetectorOptions& options,
                                                  const std::string& model_path);

}  // namespace es
