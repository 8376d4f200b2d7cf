// VerdictShadow: the backend's verdicts as a second reference for a model update (hybrid tier;
// models/canary.h). While a candidate is shadowed, each object the active model escalates is
// looked for by the candidate on the same frame; when the backend's verdict comes, the pair
// (confirmed, candidate found it) goes to the canary. After a promotion, the outcomes of the new
// model's escalations go to the canary's watch.
//
// Contract
// - Tap(frames): the EscalationRuntime tap to install (EscalationRuntime::SetTap); with frames,
//   each escalation's frame is copied (at most 4 waiting; the oldest dropped), without only its
//   id is kept (the watch). Only escalations made while the tap is installed count; verdicts
//   "uncertain" and "expired" are ignored.
// - RunCandidate(detector): runs `detector` on every waiting escalated frame; the candidate found
//   the object when one of its detections of the same class overlaps the escalated box at IoU
//   >= 0.5. Returns the runs that failed.
// - TakeShadowPairs(): (confirmed, found) for every escalation that has both its verdict and the
//   candidate's answer, once each. TakeWatchOutcomes(): confirmed? for every verdict of an
//   escalation made under a frameless tap, once each.
// Thread-safety: the tap's callbacks run on other threads; everything is guarded by one mutex.
// The tap shares the state, so a callback still running after the tap was removed (and this
// object destroyed) is harmless. RunCandidate and the Take* calls belong to the updater's thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/escalation_runtime.h"
#include "detect/detector.h"

namespace es {

class VerdictShadow {
 public:
  std::shared_ptr<const EscalationTap> Tap(bool frames);
  int RunCandidate(Detector* detector);
  std::vector<std::pair<bool, bool>> TakeShadowPairs();
  std::vector<bool> TakeWatchOutcomes();

 private:
  struct Escalated {
    std::string id;
    cv::Mat frame;
    BBox box;
    int class_id = 0;
  };
  struct State {
    std::mutex mu;
    std::deque<Escalated> waiting;        // frames the candidate has not run on yet
    std::set<std::string> ids;            // escalations made under the tap
    std::map<std::string, bool> found;    // id -> the candidate found the object
    std::map<std::string, bool> outcome;  // id -> confirmed
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace es
