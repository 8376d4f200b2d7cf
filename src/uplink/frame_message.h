// Frame and detections messages: cloud-fallback detection, where a camera whose own detector
// cannot run sends frames to edgesight-backend and tracks on the detections that come back.
//
// Request topic: edgesight/v1/<device>/<stream>/frames (QoS 0: a late frame is worth nothing,
// a lost one is replaced by the next). Payload: the crop framing of crop_payload.h ("ESCR",
// version 1, JSON header, JPEG) with the header
//   {"v":1,"id":"<request id>","device":..,"stream":..,"frame":N,"pts_us":..,
//    "source_width":W0,"source_height":H0,"width":W,"height":H,"created_unix_ms":..,
//    "deadline_unix_ms":..,"content_type":"image/jpeg"}
//   The JPEG is the whole frame downscaled to width x height; the answer's boxes are in source
//   pixels (source_width x source_height), so the edge uses them as its own detector's. After
//   deadline_unix_ms the edge no longer waits: a backend skips such a request.
// Reply topic: edgesight/v1/<device>/detections (QoS 0; DESIGN.md's backend -> device topics,
// beside verdicts). Payload JSON:
//   {"v":1,"id":"<request id>","device":..,"stream":..,"frame":N,"model":"<backend model id>",
//    "worker":"<worker id>","detections":[{"class_id":0,"score":0.83,"box":[x,y,w,h]},...],
//    "decode_ms":..,"detect_ms":..,"error":""}
//   error non-empty: the backend could not detect on this frame (e.g. "jpeg does not decode");
//   detections is then empty and the edge counts the frame as unanswered.
// Failure: Decode* return kDataLoss for a payload that is not the framing / not JSON and
// kInvalidArgument (one line naming the field) for a missing or mistyped field.
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

inline constexpr int kFrameMessageVersion = 1;

struct FrameRequest {
  std::string id;
  std::string device;
  std::string stream;
  int64_t frame = -1;
  int64_t pts_us = 0;
  int source_width = 0;
  int source_height = 0;
  int width = 0;  // the JPEG's
  int height = 0;
  int64_t created_unix_ms = 0;
  int64_t deadline_unix_ms = 0;
  std::string jpeg;
};

struct DetectionsReply {
  std::string id;
  std::string device;
  std::string stream;
  int64_t frame = -1;
  std::string model;
  std::string worker;
  std::vector<Detection> detections;  // source pixels
  double decode_ms = 0;
  double detect_ms = 0;
  std::string error;
};

// "edgesight/v1/<device>/<stream>/frames" and "edgesight/v1/<device>/detections".
std::string FrameTopic(const std::string& device, const std::string& stream);
std::string DetectionsTopic(const std::string& device);

std::string EncodeFrameRequest(const FrameRequest& r);
Result<FrameRequest> DecodeFrameRequest(std::string_view payload);
std::string EncodeDetectionsReply(const DetectionsReply& r);
Result<DetectionsReply> DecodeDetectionsReply(std::string_view payload);

}  // namespace es
