// Crop payload: the bytes of one message on edgesight/v1/<device>/<stream>/crops.
//
// Format v1 (binary framing; all integers big-endian):
//   offset 0  4 bytes  magic "ESCR"
//   offset 4  1 byte   format version (1)
//   offset 5  4 bytes  N = length of the JSON header
//   offset 9  N bytes  JSON header, UTF-8 (fields below; consumers ignore unknown fields)
//   offset 9+N         the JPEG file (FF D8 ... FF D9), to the end of the message
// Header: {"v":1,"id":"<event_id>/crop","event_id":"<start event id of the track>",
//          "end_event_id":"<track end event id or empty>","device":..,"stream":..,
//          "track_id":7,"class_id":0,"score":0.83,"box":[x,y,w,h],"crop_box":[x,y,w,h],
//          "frame":N,"pts_us":..,"edge_cut":false,"quality":Q,"width":W,"height":H,
//          "content_type":"image/jpeg"}
//   box: the track's box in source pixels on the chosen frame; crop_box: the region cut out
//   (box plus context margin, clipped to the frame); width/height: the JPEG's size.
// Why binary and not JSON with base64: base64 adds a third to every crop, the largest messages
// the device sends, on links that are metered; the JPEG stays byte for byte as encoded and a
// consumer can hand it to any decoder without copying. The header stays JSON, so it is
// versioned and self-describing like every other message. The id is the message id: a
// re-delivered crop (at-least-once) carries the same id.
// Failure: DecodeCropPayload returns kDataLoss for a truncated or foreign message.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "edgesight/status.h"

namespace es {

inline constexpr char kCropMagic[4] = {'E', 'S', 'C', 'R'};
inline constexpr int kCropFormatVersion = 1;

struct CropMessage {
  nlohmann::json header;  // the JSON header (object)
  std::string jpeg;       // the JPEG bytes
};

std::string EncodeCropPayload(const nlohmann::json& header, std::string_view jpeg);
Result<CropMessage> DecodeCropPayload(std::string_view payload);

}  // namespace es
