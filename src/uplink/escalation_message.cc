#include "uplink/escalation_message.h"

#include "uplink/crop_payload.h"
#include "uplink/message_fields.h"

namespace es {

nlohmann::json Escalation::Header() const {
  return {{"v", kEscalationVersion},
          {"id", id},
          {"device", device},
          {"stream", stream},
          {"event_id", event_id},
          {"track_id", track_id},
          {"class_id", class_id},
          {"score", score},
          {"box", {box.x, box.y, box.w, box.h}},
          {"crop_box", {crop_box.x, crop_box.y, crop_box.w, crop_box.h}},
          {"frame", frame},
          {"pts_us", pts_us},
          {"reason", reason},
          {"zone", zone},
          {"model", model},
          {"created_unix_ms", created_unix_ms},
          {"deadline_unix_ms", deadline_unix_ms},
          {"attempt", attempt},
          {"width", 0},
          {"height", 0},
          {"content_type", "image/jpeg"}};
}

std::string EscalationTopic(const std::string& device, const std::string& stream) {
  return "edgesight/v1/" + device + "/" + stream + "/escalations";
}

std::string EncodeEscalation(const Escalation& e, int width, int height) {
  nlohmann::json h = e.Header();
  h["width"] = width;
  h["height"] = height;
  return EncodeCropPayload(h, e.jpeg);
}

Result<Escalation> DecodeEscalation(std::string_view payload) {
  ES_ASSIGN_OR_RETURN(CropMessage m, DecodeCropPayload(payload));
  const nlohmann::json& h = m.header;
  MessageFields f(h, "escalation");
  Escalation e;
  ES_RETURN_IF_ERROR(f.Int("v", &e.attempt));
  if (e.attempt != kEscalationVersion) {
    return InvalidArgument("escalation: unsupported version " + std::to_string(e.attempt));
  }
  ES_RETURN_IF_ERROR(f.NonEmptyString("id", &e.id));
  ES_RETURN_IF_ERROR(f.NonEmptyString("device", &e.device));
  ES_RETURN_IF_ERROR(f.NonEmptyString("stream", &e.stream));
  ES_RETURN_IF_ERROR(f.String("event_id", &e.event_id, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int("track_id", &e.track_id));
  ES_RETURN_IF_ERROR(f.Int("class_id", &e.class_id));
  ES_RETURN_IF_ERROR(f.Float("score", &e.score));
  ES_RETURN_IF_ERROR(f.Box("box", &e.box));
  ES_RETURN_IF_ERROR(f.Box("crop_box", &e.crop_box));
  ES_RETURN_IF_ERROR(f.Int64("frame", &e.frame, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("pts_us", &e.pts_us, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("reason", &e.reason, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("zone", &e.zone, /*required=*/false));
  ES_RETURN_IF_ERROR(f.String("model", &e.model, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("created_unix_ms", &e.created_unix_ms, /*required=*/false));
  ES_RETURN_IF_ERROR(f.Int64("deadline_unix_ms", &e.deadline_unix_ms, /*required=*/false));
  e.attempt = 1;
  ES_RETURN_IF_ERROR(f.Int("attempt", &e.attempt, /*required=*/false));
  if (e.class_id < 0) return InvalidArgument("escalation: class_id must be >= 0");
  e.jpeg = std::move(m.jpeg);
  return e;
}

}  // namespace es
