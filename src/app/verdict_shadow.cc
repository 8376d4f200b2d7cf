#include "app/verdict_shadow.h"

namespace es {

std::shared_ptr<const EscalationTap> VerdictShadow::Tap(bool frames) {
  auto tap = std::make_shared<EscalationTap>();
  tap->escalated = [st = state_, frames](const std::string& id, const cv::Mat& frame,
                                         const BBox& box, int class_id) {
    std::lock_guard lock(st->mu);
    st->ids.insert(id);
    if (!frames || frame.empty()) return;
    if (st->waiting.size() >= 4) st->waiting.pop_front();
    st->waiting.push_back({id, frame.clone(), box, class_id});
  };
  tap->verdict = [st = state_](const VerdictNotice& n) {
    if (n.outcome != "confirmed" && n.outcome != "rejected") return;
    std::lock_guard lock(st->mu);
    if (st->ids.count(n.escalation_id)) st->outcome[n.escalation_id] = n.outcome == "confirmed";
  };
  return tap;
}

int VerdictShadow::RunCandidate(Detector* detector) {
  int failed = 0;
  while (true) {
    Escalated e;
    {
      std::lock_guard lock(state_->mu);
      if (state_->waiting.empty()) return failed;
      e = std::move(state_->waiting.front());
      state_->waiting.pop_front();
    }
    auto r = detector->Detect(e.frame);
    if (!r.ok()) {
      ++failed;
      continue;
    }
    bool found = false;
    for (const Detection& d : *r) {
      found = found || (d.class_id == e.class_id && IoU(d.box, e.box) >= 0.5f);
    }
    std::lock_guard lock(state_->mu);
    state_->found[e.id] = found;
  }
}

std::vector<std::pair<bool, bool>> VerdictShadow::TakeShadowPairs() {
  std::lock_guard lock(state_->mu);
  std::vector<std::pair<bool, bool>> out;
  for (auto it = state_->found.begin(); it != state_->found.end();) {
    auto o = state_->outcome.find(it->first);
    if (o == state_->outcome.end()) {
      ++it;
      continue;
    }
    out.emplace_back(o->second, it->second);
    state_->outcome.erase(o);
    it = state_->found.erase(it);
  }
  return out;
}

std::vector<bool> VerdictShadow::TakeWatchOutcomes() {
  std::lock_guard lock(state_->mu);
  std::vector<bool> out;
  for (const auto& [id, confirmed] : state_->outcome) out.push_back(confirmed);
  state_->outcome.clear();
  return out;
}

}  // namespace es
