#include "uplink/verdict_message.h"

#include "uplink/message_fields.h"

namespace es {

const char* VerdictKindName(VerdictKind k) {
  switch (k) {
    case VerdictKind::kConfirmed:
      return "confirmed";
    case VerdictKind::kRejected:
      return "rejected";
    case VerdictKind::kUncertain:
      return "uncertain";
  }
  return "uncertain";
}

Result<VerdictKind> ParseVerdictKind(std::string_view s) {
  if (s == "confirmed") return VerdictKind::kConfirmed;
  if (s == "rejected") return VerdictKind::kRejected;
  if (s == "uncertain") return VerdictKind::kUncertain;
  return InvalidArgument("verdict: unknown verdict '" + std::string(s) +
                         "' (confirmed, rejected or uncertain)");
}

nlohmann::json Verdict::ToJson() const {
  nlohmann::json cs = nlohmann::json::array();
  for (const VerdictCheck& c : checks) {
    cs.push_back({{"check", c.check},
                  {"model", c.model},
                  {"agreed", c.agreed},
                  {"score", c.score},
                  {"detail", c.detail}});
  }
  return {{"v", 1},
          {"id", id()},
          {"escalation_id", escalation_id},
          {"event_id", event_id},
          {"device", device},
          {"stream", stream},
          {"track_id", track_id},
          {"class_id", class_id},
          {"verdict", VerdictKindName(verdict)},
          {"score", score},
          {"checks", cs},
          {"worker", worker},
          {"received_unix_ms", received_unix_ms},
          {"verified_unix_ms", verified_unix_ms},
          {"queue_ms", queue_ms},
          {"verify_ms", verify_ms}};
}

std::string VerdictTopic(const std::string& device) {
  return "edgesight/v1/" + device + "/verdicts";
}

Result<Verdict> DecodeVerdict(std::string_view payload) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("verdict: not valid JSON");
  MessageFields f(j, "verdict");
  Verdict v;
  int version = 0;
  ES_RETURN_IF_ERROR(f.Int("v", &version));
  if (version != 1)
    return InvalidArgument("verdict: unsupported version " + std::to_string(version));
  ES_RETURN_IF_ERROR(f.NonEmptyString("escalation_id", &v.escalation_id));
  ES_RETURN_IF_ERROR(f.String("event_id", &v.event_id, false));
  ES_RETURN_IF_ERROR(f.NonEmptyString("device", &v.device));
  ES_RETURN_IF_ERROR(f.String("stream", &v.stream, false));
  ES_RETURN_IF_ERROR(f.Int("track_id", &v.track_id, false));
  ES_RETURN_IF_ERROR(f.Int("class_id", &v.class_id, false));
  std::string word;
  ES_RETURN_IF_ERROR(f.NonEmptyString("verdict", &word));
  ES_ASSIGN_OR_RETURN(v.verdict, ParseVerdictKind(word));
  ES_RETURN_IF_ERROR(f.Float("score", &v.score, false));
  ES_RETURN_IF_ERROR(f.String("worker", &v.worker, false));
  ES_RETURN_IF_ERROR(f.Int64("received_unix_ms", &v.received_unix_ms, false));
  ES_RETURN_IF_ERROR(f.Int64("verified_unix_ms", &v.verified_unix_ms, false));
  ES_RETURN_IF_ERROR(f.Double("queue_ms", &v.queue_ms, false));
  ES_RETURN_IF_ERROR(f.Double("verify_ms", &v.verify_ms, false));
  if (auto it = j.find("checks"); it != j.end()) {
    if (!it->is_array()) return InvalidArgument("verdict: field 'checks' must be an array");
    for (const auto& c : *it) {
      MessageFields cf(c, "verdict check");
      VerdictCheck vc;
      ES_RETURN_IF_ERROR(cf.NonEmptyString("check", &vc.check));
      ES_RETURN_IF_ERROR(cf.String("model", &vc.model, false));
      ES_RETURN_IF_ERROR(cf.Bool("agreed", &vc.agreed, false));
      ES_RETURN_IF_ERROR(cf.Float("score", &vc.score, false));
      ES_RETURN_IF_ERROR(cf.String("detail", &vc.detail, false));
      v.checks.push_back(std::move(vc));
    }
  }
  return v;
}

}  // namespace es
