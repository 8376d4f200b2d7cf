#include "config/config_checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "config/config_schema.h"

namespace es {
namespace {

constexpr int kInputStride = 32;  // every supported head (NanoDet, YOLO) downsamples by 32
constexpr size_t kMaxStreamIdLength = 64;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool IsStreamId(const std::string& s) {
  if (s.empty() || s.size() > kMaxStreamIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

Status CheckSchemaConstraints(const AppConfig& config) {
  for (const SectionSpec& section : ConfigSchema()) {
    for (const FieldSpec& field : section.fields) {
      ES_RETURN_IF_ERROR(
          CheckFieldValue(field, config).WithContext(section.name + "." + field.name));
    }
  }
  return Status::Ok();
}

Status CheckCrossField(const AppConfig& c) {
  if (!(c.tracker.low_thresh < c.tracker.track_thresh)) {
    return InvalidArgument("tracker.low_thresh: must be below tracker.track_thresh (" +
                           FormatNumber(c.tracker.track_thresh) + "), got " +
                           FormatNumber(c.tracker.low_thresh));
  }
  if (c.detector.type == "onnx" && c.detector.model.empty()) {
    return InvalidArgument("detector.model: required when detector.type is onnx");
  }
  if (c.detector.type == "nanodet" && !c.detector.format.empty() &&
      c.detector.format != "nanodet") {
    return InvalidArgument(
        "detector.format: detector.type nanodet needs format nanodet or \"\", "
        "got " +
        QuoteString(c.detector.format) + " (use type onnx)");
  }
  if (c.detector.input_size % kInputStride != 0) {
    return InvalidArgument("detector.input_size: expected 0 or a multiple of " +
                           std::to_string(kInputStride) + ", got " +
                           std::to_string(c.detector.input_size));
  }
  if (!IsStreamId(c.source.stream_id)) {
    return InvalidArgument("source.stream_id: expected 1-" + std::to_string(kMaxStreamIdLength) +
                           " characters of [A-Za-z0-9_-], got " + QuoteString(c.source.stream_id));
  }
  const std::string& uri = c.source.uri;
  if (c.source.rtsp_listen && !uri.empty() && !StartsWith(uri, "rtsp://")) {
    return InvalidArgument("source.rtsp_listen: needs an rtsp:// source.uri, got " +
                           QuoteString(uri));
  }
  if (!c.source.ground_truth_out.empty() && !uri.empty() && !StartsWith(uri, "synthetic:")) {
    return InvalidArgument(
        "source.ground_truth_out: only synthetic: sources have ground truth, "
        "source.uri is " +
        QuoteString(uri));
  }
  if (!c.output.events_out.empty() && c.output.events_out == c.output.annotate) {
    return InvalidArgument("output.annotate: same file as output.events_out (" +
                           QuoteString(c.output.annotate) + ")");
  }
  return Status::Ok();
}

}  // namespace

void NormaliseConfig(AppConfig* config) {
  std::vector<std::string> classes;
  for (const std::string& raw : config->detector.classes) {
    std::string name = Trim(raw);
    if (name.empty()) continue;
    if (std::find(classes.begin(), classes.end(), name) == classes.end()) {
      classes.push_back(std::move(name));
    }
  }
  config->detector.classes = std::move(classes);
}

Status ValidateConfig(const AppConfig& config) {
  ES_RETURN_IF_ERROR(CheckSchemaConstraints(config));
  return CheckCrossField(config);
}

}  // namespace es
