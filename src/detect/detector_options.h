// DetectorOptions: which detector to build and its thresholds. Plain value; ranges are checked
// by config/, model loading errors are reported by MakeDetector.
#pragma once

#include <string>
#include <vector>

namespace es {

struct DetectorOptions {
  // "nanodet" (embedded default model), "onnx" (model + format), "hog", "motion".
  std::string type = "nanodet";
  std::string model;            // .onnx path for type onnx; empty = embedded for nanodet
  std::string format;           // onnx output head: nanodet | yolov5 | yolov8 (also yolo11)
  std::string engine = "auto";  // auto (ONNX Runtime if built in, else OpenCV) | ort | opencv
  int threads = 2;              // intra-op threads of the inference engine
  // Model instances the device's shared detection service runs in parallel. 0 = auto: one per
  // camera up to `threads`, which they then share (threads / workers each), so one camera keeps
  // all `threads` in one run and several cameras run side by side on one thread each.
  int workers = 0;
  int input_size = 0;                     // square network input; 0 = read from the model
  float score_threshold = 0.35f;          // keep detections at or above
  float nms_iou = 0.5f;                   // class-aware NMS IoU threshold
  std::vector<std::string> classes = {};  // COCO class names to keep; empty = all
  // The model's classes in output order, as COCO names (a model update's manifest); its
  // detections carry the COCO id of each name. Empty = COCO's 80 in COCO order.
  std::vector<std::string> model_classes = {};
  // motion detector: minimum blob area as a fraction of the frame
  float motion_min_area = 0.0015f;
  // hog: SVM hit threshold and pyramid scale
  double hog_hit_threshold = 0.0;
  double hog_scale = 1.05;
};

// Motion gate in front of the detector (cascade stage 1).
struct GateOptions {
  bool enabled = true;
  int width = 320;              // frames are downscaled to this width for the gate
  double var_threshold = 25.0;  // (difference / 4 grey levels)^2 above this = moving pixel
  float min_area = 0.0005f;     // changed pixels (fraction of frame) that count as motion
  double keepalive_s = 1.0;     // run the detector at least this often even without motion
};

}  // namespace es
