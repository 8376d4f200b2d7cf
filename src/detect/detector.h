// Detector: one interface for every object detector (motion blobs, HOG people, CNN on ONNX).
//
// Contract: Detect() takes a BGR 8-bit frame and returns boxes in that frame's pixels, after
// score thresholding and NMS. It never throws: library exceptions become a Status. A Detector
// is used by one thread at a time (the detect stage); it is not required to be thread-safe.
// MakeDetector builds one from options through the registry in detector_registry.cc; a model
// that does not exist or does not load is reported there (kNotFound / kDataLoss), never later.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "detect/detector_options.h"
#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string name() const = 0;
  virtual Result<std::vector<Detection>> Detect(const cv::Mat& bgr) = 0;
};

Result<std::unique_ptr<Detector>> MakeDetector(const DetectorOptions& options);

// Path of the embedded default model (NanoDet-m 416, COCO), converted by tools/.
std::string DefaultNanoDetModelPath();

}  // namespace es
