#include "uplink/bandwidth_budget.h"

namespace es {

int64_t MqttPublishWireBytes(size_t topic_len, size_t payload_len, int qos) {
  const int64_t remaining = 2 + static_cast<int64_t>(topic_len) + (qos > 0 ? 2 : 0) +
                            static_cast<int64_t>(payload_len);
  int64_t length_bytes = 1;
  for (int64_t r = remaining; r >= 128; r /= 128) ++length_bytes;
  return 1 + length_bytes + remaining;
}

}  // namespace es
