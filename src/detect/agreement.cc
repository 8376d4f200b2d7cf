#include "detect/agreement.h"

#include <algorithm>
#include <numeric>

namespace es {

std::vector<std::pair<int, int>> MatchDetections(const std::vector<Detection>& reference,
                                                 const std::vector<Detection>& candidate,
                                                 float iou_threshold) {
  std::vector<int> order(candidate.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return candidate[a].score > candidate[b].score; });
  std::vector<bool> used(reference.size(), false);
  std::vector<std::pair<int, int>> pairs;
  for (int c : order) {
    int best = -1;
    float best_iou = iou_threshold;
    for (size_t r = 0; r < reference.size(); ++r) {
      if (used[r] || reference[r].class_id != candidate[c].class_id) continue;
      const float v = IoU(reference[r].box, candidate[c].box);
      if (v >= best_iou && (best < 0 || v > best_iou)) {
        best = static_cast<int>(r);
        best_iou = v;
      }
    }
    if (best >= 0) {
      used[best] = true;
      pairs.emplace_back(best, c);
    }
  }
  return pairs;
}

double AgreementCounts::precision() const {
  return candidate == 0 ? 1.0 : static_cast<double>(matched) / candidate;
}

double AgreementCounts::recall() const {
  return reference == 0 ? 1.0 : static_cast<double>(matched) / reference;
}

double AgreementCounts::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

void AgreementCounter::AddFrame(const std::vector<Detection>& reference,
                                const std::vector<Detection>& candidate) {
  ++frames_;
  for (const Detection& d : reference) {
    ++per_class_[d.class_id].reference;
    ++overall_.reference;
  }
  for (const Detection& d : candidate) {
    ++per_class_[d.class_id].candidate;
    ++overall_.candidate;
  }
  for (const auto& [r, c] : MatchDetections(reference, candidate, iou_)) {
    ++per_class_[candidate[c].class_id].matched;
    ++overall_.matched;
  }
}

}  // namespace es
