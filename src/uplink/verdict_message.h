// Verdict message: edgesight-backend's answer to one escalation.
//
// Topic: edgesight/v1/<device>/verdicts (QoS 1, not retained).
// Payload (JSON, consumers ignore unknown fields):
//   {"v":1,"id":"<escalation id>/verdict","escalation_id":..,"event_id":..,"device":..,
//    "stream":..,"track_id":7,"class_id":0,"verdict":"confirmed"|"rejected"|"uncertain",
//    "score":0.82,"checks":[{"check":"detector","model":"nanodet-m-416","agreed":true,
//    "score":0.71,"detail":"..."}, ...],"worker":"<backend worker id>",
//    "received_unix_ms":..,"verified_unix_ms":..,"queue_ms":1.2,"verify_ms":48.0}
//   verdict: confirmed = the heavier analysis found the class where the edge did; rejected =
//   it did not (or found something else there); uncertain = it could not decide (the crop was
//   unreadable, too small, the deadline had passed, or the checks disagreed). score: the
//   backend's confidence in the edge's class at the box. checks: every check that ran, with
//   whether it agreed with the edge; a verdict says which checks agreed.
//   The same escalation may be answered more than once (re-sent escalations, redelivery): every
//   answer carries the same id and the verdict stored first; the edge applies the first one.
// Failure: DecodeVerdict returns kInvalidArgument (naming the field) for malformed JSON or a
// missing/mistyped field or an unknown verdict word.
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"

namespace es {

enum class VerdictKind { kConfirmed, kRejected, kUncertain };
const char* VerdictKindName(VerdictKind k);  // "confirmed", "rejected", "uncertain"
Result<VerdictKind> ParseVerdictKind(std::string_view s);

struct VerdictCheck {
  std::string check;  // "detector", "pose", "expired", "decode"
  std::string model;  // model id ("" when no model ran)
  bool agreed = false;
  float score = 0.f;
  std::string detail;
};

struct Verdict {
  std::string escalation_id;
  std::string event_id;
  std::string device;
  std::string stream;
  int track_id = 0;
  int class_id = 0;
  VerdictKind verdict = VerdictKind::kUncertain;
  float score = 0.f;
  std::vector<VerdictCheck> checks;
  std::string worker;
  int64_t received_unix_ms = 0;
  int64_t verified_unix_ms = 0;
  double queue_ms = 0;
  double verify_ms = 0;

  std::string id() const { return escalation_id + "/verdict"; }
  nlohmann::json ToJson() const;
};

// "edgesight/v1/<device>/verdicts".
std::string VerdictTopic(const std::string& device);

Result<Verdict> DecodeVerdict(std::string_view payload);

}  // namespace es
