#include "backend/ingest.h"

#include <nlohmann/json.hpp>

#include "uplink/crop_payload.h"
#include "uplink/message_fields.h"

namespace es {

const char* IngestKindName(IngestKind k) {
  switch (k) {
    case IngestKind::kEvent:
      return "event";
    case IngestKind::kCrop:
      return "crop";
    case IngestKind::kEscalation:
      return "escalation";
    case IngestKind::kStatus:
      return "status";
    case IngestKind::kRejected:
      return "rejected";
  }
  return "rejected";
}

const char* RejectReasonName(RejectReason r) {
  switch (r) {
    case RejectReason::kOversized:
      return "oversized";
    case RejectReason::kTopic:
      return "topic";
    case RejectReason::kUnknownDevice:
      return "unknown_device";
    case RejectReason::kMalformed:
      return "malformed";
    case RejectReason::kNotJpeg:
      return "not_jpeg";
    case RejectReason::kMismatch:
      return "mismatch";
  }
  return "malformed";
}

std::optional<DeviceTopic> ParseDeviceTopic(std::string_view topic) {
  constexpr std::string_view kPrefix = "edgesight/v1/";
  if (topic.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = topic.substr(kPrefix.size());
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = rest.find('/', start);
    parts.emplace_back(rest.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (const std::string& p : parts) {
    if (p.empty()) return std::nullopt;
  }
  if (parts.size() == 2 && parts[1] == "status") return DeviceTopic{parts[0], "", "status"};
  if (parts.size() == 3 &&
      (parts[2] == "events" || parts[2] == "crops" || parts[2] == "escalations")) {
    return DeviceTopic{parts[0], parts[1], parts[2]};
  }
  return std::nullopt;
}

Ingest::Ingest(BackendStore* store, IngestOptions options)
    : store_(store), o_(std::move(options)) {}

IngestResult Ingest::Reject(RejectReason r, std::string detail) {
  if (rejected_[static_cast<int>(r)].fetch_add(1) == 0 && o_.log) {
    o_.log(std::string("ingest: rejected (") + RejectReasonName(r) + "): " + detail +
           " (further rejections of this kind are only counted)");
  }
  IngestResult res;
  res.reason = r;
  res.detail = std::move(detail);
  return res;
}

Result<IngestResult> Ingest::Stored(IngestKind kind, Result<bool> fresh) {
  if (!fresh.ok()) return fresh.status();
  IngestResult res;
  res.kind = kind;
  res.fresh = *fresh;
  (*fresh ? stored_ : duplicates_)[static_cast<int>(kind)].fetch_add(1);
  return res;
}

Result<IngestResult> Ingest::Handle(const std::string& topic, std::string_view payload,
                                    int64_t now_ms) {
  if (static_cast<int64_t>(payload.size()) > o_.max_payload_bytes) {
    return Reject(RejectReason::kOversized, topic + ": " + std::to_string(payload.size()) +
                                                " bytes exceed max_payload_bytes " +
                                                std::to_string(o_.max_payload_bytes));
  }
  std::optional<DeviceTopic> t = ParseDeviceTopic(topic);
  if (!t) return Reject(RejectReason::kTopic, "'" + topic + "' is not an edgesight/v1 topic");
  if (!o_.devices.empty() && o_.devices.count(t->device) == 0) {
    return Reject(RejectReason::kUnknownDevice, "device '" + t->device + "' is not in the list");
  }
  if (t->leaf == "status") {
    nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Reject(RejectReason::kMalformed, topic + ": status is not a JSON object");
    }
    ES_RETURN_IF_ERROR(store_->PutDeviceStatus(t->device, payload, now_ms));
    return Stored(IngestKind::kStatus, true);
  }
  if (t->leaf == "events") {
    nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
    if (j.is_discarded()) return Reject(RejectReason::kMalformed, topic + ": not valid JSON");
    MessageFields f(j, "event");
    std::string id, device, stream, type;
    Status s = f.NonEmptyString("id", &id);
    if (s.ok()) s = f.NonEmptyString("device", &device);
    if (s.ok()) s = f.NonEmptyString("stream", &stream);
    if (s.ok()) s = f.NonEmptyString("type", &type);
    if (!s.ok()) return Reject(RejectReason::kMalformed, topic + ": " + s.message());
    if (device != t->device || stream != t->stream) {
      return Reject(RejectReason::kMismatch,
                    topic + ": event names " + device + "/" + stream + ", topic disagrees");
    }
    return Stored(IngestKind::kEvent, store_->AddEvent(id, device, stream, payload, now_ms));
  }
  if (t->leaf == "crops") {
    auto m = DecodeCropPayload(payload);
    if (!m.ok()) {
      const bool jpeg = m.status().message().find("JPEG") != std::string::npos;
      return Reject(jpeg ? RejectReason::kNotJpeg : RejectReason::kMalformed,
                    topic + ": " + m.status().message());
    }
    MessageFields f(m->header, "crop");
    std::string id, event_id;
    Status s = f.NonEmptyString("id", &id);
    if (s.ok()) s = f.String("event_id", &event_id, false);
    if (!s.ok()) return Reject(RejectReason::kMalformed, topic + ": " + s.message());
    return Stored(IngestKind::kCrop, store_->AddCrop(id, t->device, t->stream, event_id,
                                                     m->header.dump(), m->jpeg, now_ms));
  }
  // escalations
  auto e = DecodeEscalation(payload);
  if (!e.ok()) {
    const bool jpeg = e.status().message().find("JPEG") != std::string::npos;
    return Reject(jpeg ? RejectReason::kNotJpeg : RejectReason::kMalformed,
                  topic + ": " + e.status().message());
  }
  if (e->device != t->device || e->stream != t->stream) {
    return Reject(RejectReason::kMismatch, topic + ": escalation names " + e->device + "/" +
                                               e->stream + ", topic disagrees");
  }
  ES_ASSIGN_OR_RETURN(IngestResult res,
                      Stored(IngestKind::kEscalation, store_->AddEscalation(*e, now_ms)));
  res.escalation = std::move(*e);
  return res;
}

IngestCounts Ingest::counts() const {
  IngestCounts c;
  for (int i = 0; i < kIngestKindCount; ++i) {
    c.stored[i] = stored_[i].load();
    c.duplicates[i] = duplicates_[i].load();
  }
  for (int i = 0; i < kRejectReasonCount; ++i) c.rejected[i] = rejected_[i].load();
  return c;
}

}  // namespace es
