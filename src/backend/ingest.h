// Ingest: one received MQTT message -> validated -> stored (idempotent), with every kind of bad
// input counted and logged once.
//
// Contract
// - Handle(topic, payload, now_ms) accepts the device topics of DESIGN.md "Messages":
//     edgesight/v1/<device>/<stream>/events        event JSON (analytics/event.h), id = "id"
//     edgesight/v1/<device>/<stream>/crops         crop framing (uplink/crop_payload.h)
//     edgesight/v1/<device>/<stream>/escalations   escalation (uplink/escalation_message.h)
//     edgesight/v1/<device>/status                 status JSON (retained; latest kept)
//   and stores each in the BackendStore in one transaction before returning (the broker has
//   already been acknowledged: mqtt_transport.h). The returned IngestResult says what it was,
//   whether it was new, and for an escalation the decoded message, so the caller can verify it.
// - Rejected, counted per reason, never a crash, the store untouched: a payload over
//   max_payload_bytes ("oversized"), a topic outside the scheme ("topic"), a device not in the
//   allow list when one is set ("unknown_device"), malformed JSON or a message with missing or
//   mistyped fields ("malformed"), a crop or escalation whose body is not a JPEG ("not_jpeg"),
//   a message whose device/stream fields contradict its topic ("mismatch"). The first
//   rejection of each reason is logged (one line, via the log callback); the rest only counted.
// - A store failure is returned as the Status (the caller decides: pause, retry); nothing is
//   counted as stored then.
// Thread-safety: Handle() may run on several threads; counters are atomic.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "backend/backend_store.h"
#include "edgesight/status.h"
#include "uplink/escalation_message.h"

namespace es {

enum class IngestKind { kEvent, kCrop, kEscalation, kStatus, kRejected };
inline constexpr int kIngestKindCount = 5;
const char* IngestKindName(IngestKind k);

enum class RejectReason { kOversized, kTopic, kUnknownDevice, kMalformed, kNotJpeg, kMismatch };
inline constexpr int kRejectReasonCount = 6;
const char* RejectReasonName(RejectReason r);

struct IngestResult {
  IngestKind kind = IngestKind::kRejected;
  bool fresh = false;  // stored now (false: a duplicate, or rejected)
  std::optional<RejectReason> reason;
  std::string detail;                    // rejection: one line
  std::optional<Escalation> escalation;  // kEscalation
};

struct IngestOptions {
  int64_t max_payload_bytes = 4 * 1024 * 1024;
  std::set<std::string> devices;  // allow list; empty = any device
  // One line per first rejection of a reason (default: nothing).
  std::function<void(const std::string&)> log;
};

struct IngestCounts {
  std::array<int64_t, kIngestKindCount> stored{};      // new messages per kind
  std::array<int64_t, kIngestKindCount> duplicates{};  // per kind
  std::array<int64_t, kRejectReasonCount> rejected{};  // per reason
};

// The parts of an edgesight/v1 topic; leaf is "status" for device topics (stream empty).
struct DeviceTopic {
  std::string device, stream, leaf;
};
std::optional<DeviceTopic> ParseDeviceTopic(std::string_view topic);

class Ingest {
 public:
  Ingest(BackendStore* store, IngestOptions options);
  Result<IngestResult> Handle(const std::string& topic, std::string_view payload, int64_t now_ms);
  IngestCounts counts() const;

 private:
  IngestResult Reject(RejectReason r, std::string detail);
  Result<IngestResult> Stored(IngestKind kind, Result<bool> fresh);

  BackendStore* store_;
  IngestOptions o_;
  std::array<std::atomic<int64_t>, kIngestKindCount> stored_{};
  std::array<std::atomic<int64_t>, kIngestKindCount> duplicates_{};
  std::array<std::atomic<int64_t>, kRejectReasonCount> rejected_{};
};

}  // namespace es
