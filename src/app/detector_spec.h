// Parses the --detector SPEC flag into DetectorOptions.
//   SPEC := TYPE[:MODEL][,key=value...]
//   TYPE  := nanodet | onnx | hog | motion
//   keys  := format (nanodet|yolov5|yolov8|yolo11), engine (auto|ort|opencv), threads,
//            score (score_threshold), nms (nms_iou), input (input_size)
// Examples: "hog", "nanodet,engine=opencv,threads=1", "onnx:/m/yolov8n.onnx,format=yolov8".
// Pure function; errors are kInvalidArgument naming the offending part.
#pragma once

#include <string>

#include "detect/detector_options.h"
#include "edgesight/status.h"

namespace es {

Status ApplyDetectorSpec(const std::string& spec, DetectorOptions* options);

}  // namespace es
