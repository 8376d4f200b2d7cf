// Escalation message: what the edge is unsure of, sent up for verification by edgesight-backend.
//
// Topic: edgesight/v1/<device>/<stream>/escalations (QoS 1, through the durable outbox).
// Payload: the crop framing of crop_payload.h ("ESCR", version 1, JSON header, JPEG), with the
// header fields below; consumers ignore unknown fields.
//   {"v":1,"id":"<escalation id>","device":..,"stream":..,"event_id":"<the track's start event
//    id or empty>","track_id":7,"class_id":0,"score":0.41,"box":[x,y,w,h],"crop_box":[x,y,w,h],
//    "frame":N,"pts_us":..,"reason":"uncertain"|"class"|"zone"|"audit","zone":"<name or empty>",
//    "model":"<edge model id>","created_unix_ms":..,"deadline_unix_ms":..,"attempt":1,
//    "width":W,"height":H,"content_type":"image/jpeg"}
//   id: globally unique and stable across re-sends (a re-sent escalation carries the same id
//   and attempt+1), so the backend stores and verifies it once. box is the object in source
//   pixels; crop_box the region cut out (box plus context, clipped to the frame); the JPEG is
//   that region (maybe downscaled: width/height are the JPEG's). deadline_unix_ms: the edge
//   applies its local fallback if no verdict has arrived by then; a backend may skip work
//   whose deadline has passed (it answers "uncertain" with check "expired").
// Failure: DecodeEscalation returns kDataLoss for a message that is not a crop framing and
// kInvalidArgument (naming the field) for a header with a missing or mistyped field.
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

inline constexpr int kEscalationVersion = 1;

struct Escalation {
  std::string id;
  std::string device;
  std::string stream;
  std::string event_id;
  int track_id = 0;
  int class_id = 0;
  float score = 0.f;
  BBox box;       // source pixels
  BBox crop_box;  // source pixels
  int64_t frame = -1;
  int64_t pts_us = 0;
  std::string reason;  // "uncertain", "class", "zone", "audit"
  std::string zone;
  std::string model;
  int64_t created_unix_ms = 0;
  int64_t deadline_unix_ms = 0;
  int attempt = 1;
  std::string jpeg;  // the crop_box region as JPEG

  nlohmann::json Header() const;  // the JSON header (width/height filled by the caller or 0)
};

// "edgesight/v1/<device>/<stream>/escalations".
std::string EscalationTopic(const std::string& device, const std::string& stream);

// The framed payload (header + jpeg). width/height: the JPEG's size, for consumers.
std::string EncodeEscalation(const Escalation& e, int width, int height);
Result<Escalation> DecodeEscalation(std::string_view payload);

}  // namespace es
