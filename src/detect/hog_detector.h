// HogDetector: OpenCV's HOG + linear SVM pedestrian detector (Dalal-Triggs, the 64x128 window
// of HOGDescriptor::getDefaultPeopleDetector) as a Detector (name "hog"), class person.
//
// Per frame: frames wider than params.max_width are downscaled to it for speed (aspect kept)
// and boxes are mapped back to source pixels. detectMultiScale runs with hit_threshold, scale,
// win_stride, padding and group_threshold (OpenCV rectangle grouping). Each SVM weight w (the
// margin past hit_threshold's hyperplane offset, typically 0..3) becomes a score through a
// logistic squashing: score = 1 / (1 + exp(-score_gain * w)), so w = 0 maps to 0.5 and the score
// rises monotonically towards 1. With shrink_to_body the box is tightened to the person inside
// the detection window (x += 10% w, y += 7% h, w *= 0.8, h *= 0.8, OpenCV's peopledetect
// sample), which fits ground-truth boxes much better. Then score_threshold and class-aware NMS.
// People shorter than 128 px at the processing resolution are not found (window height).
// Thread-safety: none (one detector per detect stage). Detect never throws: OpenCV exceptions
// become kInternal; an empty or non-8-bit-3-channel image is kInvalidArgument.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/detector_options.h"
#include "edgesight/status.h"

namespace es {

struct HogDetectorParams {
  // Downscale wider frames to this width; 0 = never. Not lower: HOG needs people >= 128 px tall
  // at the processing size, so 640 loses e.g. the ~100 px people of vtest.avi (768 wide).
  int max_width = 960;
  double hit_threshold = 0.0;     // SVM hit threshold (detectMultiScale hitThreshold)
  double scale = 1.05;            // pyramid scale step (> 1)
  int win_stride = 8;             // window stride in pixels
  int padding = 8;                // padding around the image in pixels
  int group_threshold = 2;        // detectMultiScale finalThreshold (rectangle grouping)
  float score_gain = 1.f;         // logistic slope: score = 1 / (1 + exp(-gain * weight))
  bool shrink_to_body = true;     // tighten the window to the person (see header comment)
  float score_threshold = 0.35f;  // keep detections at or above
  float nms_iou = 0.5f;           // class-aware NMS IoU threshold
  size_t max_detections = 300;

  // hit_threshold, scale, score_threshold and nms_iou from options; the rest default.
  static HogDetectorParams FromOptions(const DetectorOptions& options);
};

// Squashes an SVM weight into (0, 1): 1 / (1 + exp(-gain * weight)).
float HogWeightToScore(double weight, float gain);

class HogDetector : public Detector {
 public:
  explicit HogDetector(const HogDetectorParams& params);
  ~HogDetector() override;
  std::string name() const override { return "hog"; }
  Result<std::vector<Detection>> Detect(const cv::Mat& bgr) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Factory the registry calls for type "hog". InvalidArgument when hog_scale <= 1 or when
// options.classes is non-empty and does not contain "person" (HOG finds only people).
Result<std::unique_ptr<Detector>> MakeHogDetector(const DetectorOptions& options);

}  // namespace es
