// MotionDetector: moving blobs from background subtraction, as a Detector (name "motion").
//
// Per frame: downscale to params.width (aspect kept, never upscaled), OpenCV MOG2
// (history, var_threshold, shadows detected and then ignored), threshold the mask at 200 so
// shadows (127) drop out, open (3x3) to remove noise, close (params.close_size) to merge the
// fragments of one object, then connected components. A component whose pixel count is at least
// min_area (a fraction of the frame) becomes a Detection: its bounding box scaled back to source
// pixels, class_id = kClassMotion (-1, never "person": a blob is not a classification), and
// score = area / (area + min_area_px), which lies in [0.5, 1) for every reported blob (0.5 at
// exactly the minimum area, approaching 1 for large blobs). Blobs scoring below score_threshold
// are dropped, the rest pass class-aware NMS at nms_iou. DetectorOptions.classes is ignored.
// The first frames after construction (or after the frame size changes) have no background yet
// and report few or no blobs; the model learns a static scene within a few frames.
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

struct MotionDetectorParams {
  int width = 320;                  // processing width in pixels
  int history = 500;                // MOG2 history (frames)
  double var_threshold = 16.0;      // MOG2 variance threshold
  float min_area = 0.0015f;         // minimum blob pixel count, fraction of the frame
  int close_size = 5;               // closing kernel (pixels at processing width); 0 = none
  float score_threshold = 0.35f;    // keep blobs scoring at or above
  float nms_iou = 0.5f;             // NMS IoU threshold between blob boxes
  size_t max_detections = 100;      // most blobs reported per frame

  // min_area, score_threshold and nms_iou from options; the rest default.
  static MotionDetectorParams FromOptions(const DetectorOptions& options);
};

class MotionDetector : public Detector {
 public:
  explicit MotionDetector(const MotionDetectorParams& params);
  ~MotionDetector() override;
  std::string name() const override { return "motion"; }
  Result<std::vector<Detection>> Detect(const cv::Mat& bgr) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Factory the registry calls for type "motion". InvalidArgument for out-of-range options
// (motion_min_area outside [0, 1)); OpenCV failures become kInternal.
Result<std::unique_ptr<Detector>> MakeMotionDetector(const DetectorOptions& options);

}  // namespace es
