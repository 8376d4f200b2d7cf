#include "uplink/crop_payload.h"

#include <cstdint>

namespace es {

std::string EncodeCropPayload(const nlohmann::json& header, std::string_view jpeg) {
  const std::string h = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(9 + h.size() + jpeg.size());
  out.append(kCropMagic, 4);
  out.push_back(static_cast<char>(kCropFormatVersion));
  const uint32_t n = static_cast<uint32_t>(h.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(h);
  out.append(jpeg);
  return out;
}

Result<CropMessage> DecodeCropPayload(std::string_view p) {
  if (p.size() < 9 || p.substr(0, 4) != std::string_view(kCropMagic, 4)) {
    return DataLoss("crop payload: missing ESCR magic");
  }
  if (static_cast<uint8_t>(p[4]) != kCropFormatVersion) {
    return DataLoss("crop payload: unsupported format version " +
                    std::to_string(static_cast<uint8_t>(p[4])));
  }
  uint32_t n = 0;
  for (int i = 5; i < 9; ++i) n = (n << 8) | static_cast<uint8_t>(p[i]);
  if (n > p.size() - 9) return DataLoss("crop payload: header length beyond the message");
  CropMessage m;
  m.header = nlohmann::json::parse(p.substr(9, n), nullptr, /*allow_exceptions=*/false);
  if (!m.header.is_object()) return DataLoss("crop payload: header is not a JSON object");
  m.jpeg.assign(p.substr(9 + n));
  if (m.jpeg.size() < 4 || static_cast<uint8_t>(m.jpeg[0]) != 0xFF ||
      static_cast<uint8_t>(m.jpeg[1]) != 0xD8) {
    return DataLoss("crop payload: body is not a JPEG");
  }
  return m;
}

}  // namespace es
