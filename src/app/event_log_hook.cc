#include "app/event_log_hook.h"

#include <cstdio>

#include "app/log_line.h"

namespace es {

std::string EventLogLine(const Event& e) {
  char score[16];
  std::snprintf(score, sizeof(score), "%.2f", e.score);
  std::string s = "event " + e.id + " " + EventTypeName(e.type) + " " + EventPhaseName(e.phase) +
                  " camera=" + e.stream + " track=" + std::to_string(e.track_id) +
                  " class=" + std::to_string(e.class_id) + " score=" + score;
  if (!e.zone.empty()) s += " zone=" + e.zone;
  if (!e.line.empty()) s += " line=" + e.line + " direction=" + e.direction;
  if (!e.clip.empty()) s += " clip=" + e.clip;
  return s;
}

Status EventLogHook::OnDecision(FramePacket* packet) {
  for (const Event& e : packet->events) {
    const bool begins = e.phase == EventPhase::kStart || e.phase == EventPhase::kInstant;
    LogLine(begins ? LogLevel::kNotice : LogLevel::kInfo, EventLogLine(e));
    ++lines_;
  }
  return Status::Ok();
}

}  // namespace es
