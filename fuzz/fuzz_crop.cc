// libFuzzer target: the crop message decoder (the binary framing of .../crops messages, which a
// consumer parses from the network). A message either decodes or is one kDataLoss line; what
// decodes encodes back to the same bytes' meaning.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "uplink/crop_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto msg = es::DecodeCropPayload(payload);
  if (!msg.ok()) {
    if (msg.status().message().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  auto again = es::DecodeCropPayload(es::EncodeCropPayload(msg->header, msg->jpeg));
  if (!again.ok() || again->header != msg->header || again->jpeg != msg->jpeg) std::abort();
  return 0;
}
