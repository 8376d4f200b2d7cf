// The configuration section(s) declared by the detect module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules (detector): type onnx needs a model; type nanodet takes format nanodet or ""; input_size
// is 0 or a multiple of 32 (every supported head downsamples by 32).
#pragma once

#include <string>

#include "core/option_schema.h"
#include "detect/detector_options.h"

namespace es {

inline const OptionSchema<DetectorOptions>& DetectorSchema() {
  static const OptionSchema<DetectorOptions> kSchema = [] {
    using DO = DetectorOptions;
    OptionSchema<DetectorOptions> s("detector", "which detector runs and its thresholds");
    s.Add("type", &DO::type, OneOf({"nanodet", "onnx", "hog", "motion"}), "detector backend")
        .Add("model", &DO::model, AnyValue(),
             ".onnx path; required for type onnx; empty = embedded model for nanodet")
        .Add("format", &DO::format, OneOf({"", "nanodet", "yolov5", "yolov8", "yolo11"}),
             "output head of an onnx model; empty = backend default")
        .Add("engine", &DO::engine, OneOf({"auto", "ort", "opencv"}),
             "inference engine: auto = ONNX Runtime if built in, else OpenCV DNN")
        .Add("threads", &DO::threads, Closed(1, 256), "intra-op threads of the inference engine")
        .Add("workers", &DO::workers, Closed(0, 16),
             "model instances the shared detector runs at once; 0 = auto: one per camera up to "
             "threads, sharing them")
        .Add("input_size", &DO::input_size, Closed(0, 4096),
             "square network input, a multiple of 32; 0 = read from the model")
        .Add("score_threshold", &DO::score_threshold, Closed(0, 1),
             "keep detections scoring at or above this")
        .Add("nms_iou", &DO::nms_iou, Closed(0, 1), "class-aware NMS IoU threshold")
        .Add("classes", &DO::classes, AnyValue(),
             "class names to keep (e.g. [person, car]); empty = all")
        .Add("motion_min_area", &DO::motion_min_area, Closed(0, 1),
             "motion detector: minimum blob area as a fraction of the frame")
        .Add("hog_hit_threshold", &DO::hog_hit_threshold, Closed(-100, 100),
             "hog: SVM hit threshold")
        .Add("hog_scale", &DO::hog_scale, OpenClosed(1, 2), "hog: image pyramid scale step");
    s.SetRules([](const DetectorOptions& o) -> Status {
      constexpr int kInputStride = 32;
      if (o.type == "onnx" && o.model.empty()) {
        return InvalidArgument("detector.model: required when detector.type is onnx");
      }
      if (o.type == "nanodet" && !o.format.empty() && o.format != "nanodet") {
        return InvalidArgument(
            "detector.format: detector.type nanodet needs format nanodet or "
            "\"\", got " +
            QuoteString(o.format) + " (use type onnx)");
      }
      if (o.input_size % kInputStride != 0) {
        return InvalidArgument("detector.input_size: expected 0 or a multiple of " +
                               std::to_string(kInputStride) + ", got " +
                               std::to_string(o.input_size));
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

inline const OptionSchema<GateOptions>& GateSchema() {
  static const OptionSchema<GateOptions> kSchema = [] {
    using GO = GateOptions;
    OptionSchema<GateOptions> s("gate", "motion gate in front of the detector");
    s.Add("enabled", &GO::enabled, AnyValue(), "skip the detector on frames without motion")
        .Add("width", &GO::width, Closed(32, 4096),
             "frames are downscaled to this width for the gate")
        .Add("var_threshold", &GO::var_threshold, OpenClosed(0, 1000),
             "a pixel moves when (difference to the background / 4 grey levels)² exceeds this")
        .Add("min_area", &GO::min_area, Closed(0, 1),
             "changed pixels (fraction of frame) that count as motion")
        .Add("keepalive_s", &GO::keepalive_s, Closed(0, 3600),
             "run the detector at least this often even without motion");
    return s;
  }();
  return kSchema;
}

}  // namespace es
