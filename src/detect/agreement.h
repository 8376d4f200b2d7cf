// Agreement: how closely a candidate detector reproduces a reference detector's detections on
// the same frames (Chameleon-style F1 at IoU 0.5). It is not accuracy: there is no ground
// truth, the reference has its own misses and false positives, and a candidate that disagrees
// can be right.
//
// Contract
// - MatchDetections(reference, candidate): one frame. Candidates are visited in descending
//   score (ties keep input order); each takes the unused reference detection of the same class
//   with the highest IoU, if that IoU >= iou_threshold (greedy, one to one). Returns
//   (reference index, candidate index) pairs in visiting order. The same rule as
//   tools/compare_detections.py.
// - AgreementCounter accumulates matches over frames, per class and overall (all classes).
//   precision = matched / candidate, recall = matched / reference; when a count is 0 the ratio
//   is 1 (nothing to miss / nothing extra), so two empty outputs agree fully; F1 = 0 when
//   precision + recall = 0.
// Pure functions and a plain value class; no I/O, no threads (a counter is used by one thread).
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "edgesight/types.h"

namespace es {

inline constexpr float kAgreementIoU = 0.5f;

std::vector<std::pair<int, int>> MatchDetections(const std::vector<Detection>& reference,
                                                 const std::vector<Detection>& candidate,
                                                 float iou_threshold = kAgreementIoU);

struct AgreementCounts {
  int reference = 0;  // reference detections
  int candidate = 0;  // candidate detections
  int matched = 0;    // matched pairs

  double precision() const;
  double recall() const;
  double f1() const;
};

class AgreementCounter {
 public:
  explicit AgreementCounter(float iou_threshold = kAgreementIoU) : iou_(iou_threshold) {}

  // One frame's detections of both detectors.
  void AddFrame(const std::vector<Detection>& reference, const std::vector<Detection>& candidate);

  // Keyed by class id; a class appears once either detector reported it.
  const std::map<int, AgreementCounts>& per_class() const { return per_class_; }
  const AgreementCounts& overall() const { return overall_; }
  int frames() const { return frames_; }

 private:
  float iou_;
  std::map<int, AgreementCounts> per_class_;
  AgreementCounts overall_;
  int frames_ = 0;
};

}  // namespace es
