#include "uplink/frame_message.h"

#include <nlohmann/json.hpp>

#include "uplink/crop_payload.h"
#include "uplink/message_fields.h"

namespace es {
namespace {

Status CheckVersion(const MessageFields& f, const char* kind) {
  int v = 0;
  ES_RETURN_IF_ERROR(f.Int("v", &v));
  if (v != kFrameMessageVersion) {
    return InvalidArgument(std::string(kind) + ": unsupported version " + std::to_string(v));
  }
  return Status::Ok();
}

}  // namespace

std::string FrameTopic(const std::string& device, const std::string& stream) {
  return "edgesight/v1/" + device + "/" + stream + "/frames";
}

std::string DetectionsTopic(const std::string& device) {
  return "edgesight/v1/" + device + "/detections";
}

std::string EncodeFrameRequest(const FrameRequest& r) {
  const nlohmann::json h = {{"v", kFrameMessageVersion},
                            {"id", r.id},
                            {"device", r.device},
                            {"stream", r.stream},
                            {"frame", r.frame},
                            {"pts_us", r.pts_us},
                            {"source_width", r.source_width},
                            {"source_height", r.source_height},
                            {"width", r.width},
                            {"height", r.height},
                            {"created_unix_ms", r.created_unix_ms},
                            {"deadline_unix_ms", r.deadline_unix_ms},
                            {"content_type", "image/jpeg"}};
  return EncodeCropPayload(h, r.jpeg);
}

Result<FrameRequest> DecodeFrameRequest(std::string_view payload) {
  ES_ASSIGN_OR_RETURN(CropMessage m, DecodeCropPayload(payload));
  MessageFields f(m.header, "frame");
  ES_RETURN_IF_ERROR(CheckVersion(f, "frame"));
  FrameRequest r;
  ES_RETURN_IF_ERROR(f.NonEmptyString("id", &r.id));
  ES_RETURN_IF_ERROR(f.NonEmptyString("device", &r.device));
  ES_RETURN_IF_ERROR(f.NonEmptyString("stream", &r.stream));
  ES_RETURN_IF_ERROR(f.Int64("frame", &r.frame, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("pts_us", &r.pts_us, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int("source_width", &r.source_width));
  ES_RETURN_IF_ERROR(f.Int("source_height", &r.source_height));
  ES_RETURN_IF_ERROR(f.Int("width", &r.width, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int("height", &r.height, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("created_unix_ms", &r.created_unix_ms, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("deadline_unix_ms", &r.deadline_unix_ms, /*required=*/false));
  if (r.source_width <= 0 || r.source_height <= 0) {
    return InvalidArgument("frame: source_width and source_height must be > 0");
  }
  r.jpeg = std::move(m.jpeg);
  return r;
}

std::string EncodeDetectionsReply(const DetectionsReply& r) {
  nlohmann::json dets = nlohmann::json::array();
  for (const Detection& d : r.detections) {
    dets.push_back({{"class_id", d.class_id},
                    {"score", d.score},
                    {"box", {d.box.x, d.box.y, d.box.w, d.box.h}}});
  }
  const nlohmann::json j = {{"v", kFrameMessageVersion}, {"id", r.id},
                            {"device", r.device},        {"stream", r.stream},
                            {"frame", r.frame},          {"model", r.model},
                            {"worker", r.worker},        {"detections", std::move(dets)},
                            {"decode_ms", r.decode_ms},  {"detect_ms", r.detect_ms},
                            {"error", r.error}};
  return j.dump();
}

Result<DetectionsReply> DecodeDetectionsReply(std::string_view payload) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return DataLoss("detections: not JSON");
  MessageFields f(j, "detections");
  ES_RETURN_IF_ERROR(CheckVersion(f, "detections"));
  DetectionsReply r;
  ES_RETURN_IF_ERROR(f.NonEmptyString("id", &r.id));
  ES_RETURN_IF_ERROR(f.String("device", &r.device, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("stream", &r.stream, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("frame", &r.frame, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("model", &r.model, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("worker", &r.worker, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Double("decode_ms", &r.decode_ms, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Double("detect_ms", &r.detect_ms, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("error", &r.error, /*required=*/false));
  const auto it = j.find("detections");
  if (it == j.end() || !it->is_array()) {
    return InvalidArgument("detections: field 'detections' must be an array");
  }
  for (const nlohmann::json& d : *it) {
    MessageFields df(d, "detections");
    Detection det;
    ES_RETURN_IF_ERROR(df.Int("class_id", &det.class_id));
    ES_RETURN_IF_ERROR(df.Float("score", &det.score));
    ES_RETURN_IF_ERROR(df.Box("box", &det.box));
    if (det.class_id < 0) return InvalidArgument("detections: class_id must be >= 0");
    r.detections.push_back(det);
  }
  return r;
}

}  // namespace es
