#include "uplink/escalation_policy.h"

#include <algorithm>

namespace es {

bool EscalationPolicy::AuditPicked(const std::string& stream, int track_id, double rate) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const std::string key = stream + "/" + std::to_string(track_id);
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // FNV-1a alone spreads short sequential keys badly over the high bits: finish with
  // splitmix64's mixer.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  // The top 53 bits as a fraction in [0, 1).
  const double u = static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
  return u < rate;
}

std::string EscalationPolicy::ReasonFor(const TrackOutput& t,
                                        const std::map<int, std::set<std::string>>& zones_of,
                                        std::string* zone) const {
  if (std::find(o_.classes.begin(), o_.classes.end(), t.class_id) != o_.classes.end()) {
    return "class";
  }
  if (!o_.zones.empty()) {
    if (auto it = zones_of.find(t.id); it != zones_of.end()) {
      for (const std::string& z : o_.zones) {
        if (it->second.count(z)) {
          *zone = z;
          return "zone";
        }
      }
    }
  }
  if (t.score >= static_cast<float>(o_.score_lo) && t.score <= static_cast<float>(o_.score_hi)) {
    return "uncertain";
  }
  if (!audited_.count(t.id) && AuditPicked(stream_, t.id, o_.audit_rate)) return "audit";
  return "";
}

std::vector<EscalationChoice> EscalationPolicy::Decide(
    const std::vector<TrackOutput>& tracks, const std::map<int, std::set<std::string>>& zones_of,
    double t_s) {
  std::vector<EscalationChoice> out;
  if (!o_.enabled) return out;
  while (!window_.empty() && window_.front() <= t_s - 3600.0) window_.pop_front();
  for (const TrackOutput& t : tracks) {
    if (t.predicted) continue;
    std::string zone;
    const std::string reason = ReasonFor(t, zones_of, &zone);
    if (reason.empty()) continue;
    if (auto it = last_.find(t.id); it != last_.end() && t_s - it->second < o_.min_interval_s) {
      ++stats_.skipped_interval;
      continue;
    }
    if (static_cast<int64_t>(window_.size()) >= o_.max_per_hour) {
      ++stats_.skipped_budget;
      continue;
    }
    last_[t.id] = t_s;
    window_.push_back(t_s);
    if (reason == "audit") audited_.insert(t.id);
    ++stats_.chosen;
    ++stats_.by_reason[reason];
    out.push_back({t, reason, zone});
  }
  return out;
}

void EscalationPolicy::Forget(int track_id) {
  last_.erase(track_id);
  audited_.erase(track_id);
}

}  // namespace es
