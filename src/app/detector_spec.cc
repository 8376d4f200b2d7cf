#include "app/detector_spec.h"

#include <charconv>
#include <sstream>
#include <vector>

#include "config/app_config.h"
#include "config/config_checks.h"

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
      o->engine = value;
    } else if (key == "threads") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->threads));
    } else if (key == "score") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->score_threshold));
    } else if (key == "nms") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->nms_iou));
    } else if (key == "input") {
      ES_RETURN_IF_ERROR(ParseNumber(key, value, &o->input_size));
    } else {
      return InvalidArgument("--detector: unknown option '" + key +
                             "' (expected format, engine, threads, score, nms, input)");
    }
  }
  // Ranges and choices come from the config schema, the one place that states them: the flag
  // accepts exactly what `detector:` in a file accepts.
  AppConfig probe;
  probe.detector = *o;
  if (Status s = ValidateConfig(probe); !s.ok()) return Status(s.code(), "--detector: " + s.message());
  return Status::Ok();
}

}  // namespace es
