// The detector registry: one explicit table from DetectorOptions.type to a factory. Adding a
// detector is one factory and one line in kDetectorTable.
//
// MakeDetector first checks the options against the `detector:` section's schema
// (detector_schema.h: ranges, and rules such as "type onnx needs a model"), the same table the
// config file is checked with, so the messages are the config's ("detector.model: ...").
//   nanodet  the embedded NanoDet-m 416 (COCO): options.model, or DefaultNanoDetModelPath();
//            the format is always "nanodet".
//   onnx     any single-input ONNX detector: options.model is required; options.format is
//            nanodet | yolov5 | yolov8 | yolo11, or empty to infer it from the model's output
//            shape after a warm-up run (InferHeadFormat in cnn_detector.h: [1,N,6] pre-decoded
//            and [1,4+C,N] are YOLOv8, [1,3*cells,5+C] YOLOv5, [1,cells,80+4k] NanoDet).
//   hog      OpenCV HOG people detector (hog_detector.h).
//   motion   background-subtraction blobs (motion_detector.h).
#include <array>
#include <cstdlib>
#include <string>

#include "core/install_dir.h"
#include "detect/cnn_detector.h"
#include "detect/detector.h"
#include "detect/detector_schema.h"
#include "detect/hog_detector.h"
#include "detect/motion_detector.h"

#ifndef ES_MODEL_DIR
#define ES_MODEL_DIR "models"
#endif

namespace es {
namespace {

using DetectorFactory = Result<std::unique_ptr<Detector>> (*)(const DetectorOptions&);

struct DetectorEntry {
  const char* type;
  DetectorFactory make;
};

Result<std::unique_ptr<Detector>> MakeNanoDet(const DetectorOptions& options) {
  DetectorOptions o = options;
  o.format = "nanodet";
  return MakeCnnDetector(o, o.model.empty() ? DefaultNanoDetModelPath() : o.model);
}

Result<std::unique_ptr<Detector>> MakeOnnx(const DetectorOptions& options) {
  return MakeCnnDetector(options, options.model);
}

constexpr std::array<DetectorEntry, 4> kDetectorTable = {{
    {"nanodet", MakeNanoDet},
    {"onnx", MakeOnnx},
    {"hog", MakeHogDetector},
    {"motion", MakeMotionDetector},
}};

}  // namespace

Result<std::unique_ptr<Detector>> MakeDetector(const DetectorOptions& options) {
  ES_RETURN_IF_ERROR(DetectorSchema().Check(options));
  for (const DetectorEntry& e : kDetectorTable) {
    if (options.type == e.type) return e.make(options);
  }
  std::string valid;
  for (const DetectorEntry& e : kDetectorTable) {
    valid += (valid.empty() ? "" : ", ") + std::string(e.type);
  }
  return InvalidArgument("unknown detector type '" + options.type + "' (valid: " + valid + ")");
}

std::string DefaultNanoDetModelPath() {
  // ES_MODEL_DIR in the environment, else the installed package's, else the build's.
  const char* env = std::getenv("ES_MODEL_DIR");
  std::string dir = (env != nullptr && env[0] != '\0') ? env : InstalledDataDir("models");
  if (dir.empty()) dir = ES_MODEL_DIR;
  return dir + "/nanodet-m-416.onnx";
}

}  // namespace es
