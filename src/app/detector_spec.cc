#include "app/detector_spec.h"

#include <charconv>
#include <sstream>
#include <vector>

namespace es {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) parts.push_back(item);
  return parts;
}

template <typename T>
Status ParseNumber(const std::string& key, const std::string& text, T* out) {
  T v{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) {
    return InvalidArgument("--detector: " + key + " expects a number, got '" + text + "'");
  }
  *out = v;
  return Status::Ok();
}

}  // namespace

Status ApplyDetectorSpec(const std::string& spec, DetectorOptions* o) {
  const auto parts = Split(spec, ',');
  if (parts.empty() || parts[0].empty()) return InvalidArgument("--detector: empty spec");
  std::string head = parts[0];
  std::string type = head, model;
  if (const auto colon = head.find(':'); colon != std::string::npos) {
    type = head.substr(0, colon);
    model = head.substr(colon + 1);
  }
  if (type != "nanodet" && type != "onnx" && type != "hog" && type != "motion") {
    return InvalidArgument("--detector: unknown type '" + type +
                           "' (expected nanodet, onnx:PATH, hog or motion)");
  }
  if (type == "onnx" && model.empty()) {
    return InvalidArgument("--detector: onnx needs a model path, e.g. onnx:/path/model.onnx");
  }
  o->type = type;
  if (!model.empty()) o->model = model;
  for (size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    if (eq == std::string::npos) {
      return InvalidArgument("--detector: expected key=value, got '" + parts[i] + "'");
    }
    const std::string key = parts[i].substr(0, eq), value = parts[i].substr(eq + 1);
    if (key == "format") {
      if (value != "nanodet" && value != "yolov5" && value != "yolov8" && value != "yolo11") {
        return InvalidArgument("--detector: format must be nanodet, yolov5, yolov8 or yolo11");
      }
      o->format = value;
    } else if (key == "engine") {
      if (value != "auto" && value != "ort" && value != "opencv") {
        return InvalidArgument("--detector: engine must be auto, ort or opencv");
      }
      o->engine = value;
    } else if (key == "threads") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->threads));
      if (o->threads < 1 || o->threads > 64) {
        return InvalidArgument("--detector: threads must be in [1, 64]");
      }
    } else if (key == "score") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->score_threshold));
      if (o->score_threshold < 0 || o->score_threshold > 1) {
        return InvalidArgument("--detector: score must be in [0, 1]");
      }
    } else if (key == "nms") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->nms_iou));
      if (o->nms_iou <= 0 || o->nms_iou > 1) {
        return InvalidArgument("--detector: nms must be in (0, 1]");
      }
    } else if (key == "input") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->input_size));
      if (o->input_size < 32 || o->input_size > 4096) {
        return InvalidArgument("--detector: input must be in [32, 4096]");
      }
    } else {
      return InvalidArgument("--detector: unknown option '" + key +
                             "' (expected format, engine, threads, score, nms, input)");
    }
  }
  return Status::Ok();
}

}  // namespace es
