// Dual lens in one process: what the wide lens has the PTZ follow, and the PTZ lens' own
// confirmation of it.
//
// LensPair: written by the wide camera's PtzHook (track thread of the wide camera), read by the
// PTZ camera's PtzConfirmHook (track thread of the PTZ camera): the wide track the head follows
// now (-1: none), its class, and since when (steady clock). Thread-safe (one mutex).
//
// PtzConfirmHook (on the PTZ camera, first of its hooks so the recorder and the outbox see its
// events): once the head has followed a target for settle_s, a track of the PTZ camera's own
// tracker of the same class whose centre lies in the central `center_fraction` of the frame
// and whose height is at least min_fill of the frame confirms it: a "ptz" start event (with
// wide_track_id). When no such track is seen for lost_after_s, when the wide lens moves on to
// another target, or at end of stream, the episode ends: a "ptz" end event. Every start gets
// its end. Pure bookkeeping on the frame's tracks; ids from the camera's EventIdSource.
// Summary(): confirmations, losses, whether confirmed now.
// Thread-safety: the hook runs on its camera's track thread only.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "analytics/event_id_source.h"
#include "pipeline/decision_hook.h"

namespace es {

class LensPair {
 public:
  struct Follow {
    int track_id = -1;  // wide-lens track followed now; -1 when none
    int class_id = 0;
    Timestamp since;  // steady time the head started following it
  };
  void SetFollowing(int track_id, int class_id, Timestamp now);
  Follow Get() const;

 private:
  mutable std::mutex mu_;
  Follow follow_;
};

struct PtzConfirmOptions {
  double settle_s = 1.0;          // let the head move and zoom before judging
  double lost_after_s = 2.0;      // unseen this long: the PTZ lens lost the target
  double center_fraction = 0.5;   // the target's centre must lie in this central part
  double min_fill = 0.15;         // ... and its height be at least this fraction of the frame
};

class PtzConfirmHook final : public DecisionHook {
 public:
  PtzConfirmHook(std::shared_ptr<const LensPair> pair, std::shared_ptr<EventIdSource> ids,
                 std::string device, std::string stream, PtzConfirmOptions options = {});
  Status OnDecision(FramePacket* packet) override;
  std::string name() const override { return "ptz_confirm"; }
  nlohmann::json Summary() const override;

 private:
  const TrackOutput* FindTarget(const FramePacket& p, int class_id) const;
  void Emit(FramePacket* p, EventPhase phase, const TrackOutput* seen);

  std::shared_ptr<const LensPair> pair_;
  std::shared_ptr<EventIdSource> ids_;
  std::string device_, stream_;
  PtzConfirmOptions options_;
  int following_ = -1;     // the wide track being judged
  bool confirmed_ = false;
  Event start_;            // the open episode's start
  Timestamp last_seen_;
  int confirmations_ = 0, losses_ = 0;
};

}  // namespace es
