// Verifier: heavier analysis of one escalated crop than the edge ran, turned into a verdict.
//
// Contract
// - Verify(escalation, now_ms) decodes the JPEG and re-runs the detector on the crop with its
//   context. The detector letterboxes the crop to its full input, so a small object gets many
//   more pixels than it had in the edge's full frame (a 60-px person in a 416 network input
//   over a 1080p frame is ~23 px; in its own 2x-context crop it is ~200 px). The edge's box is
//   mapped into crop pixels; among the detections of the escalated class, the best score whose
//   box overlaps it (IoU >= min_iou) decides:
//     score >= confirm_score                -> confirmed
//     score <  reject_score                 -> rejected (detail names what is there instead)
//     otherwise                             -> uncertain
//   A crop whose object is smaller than min_object_px, a JPEG that does not decode, or an
//   escalation past its deadline (when skip_expired) is "uncertain" without running the model,
//   with check "decode" / "size" / "expired".
// - Every verdict lists the checks that ran (check "detector" with the model id and the score),
//   the worker id and the timing (verify_ms).
// - Second check for persons (pose, when a pose model is configured): BlazePose on the box
//   (plus 10% margin) gives the person-presence flag p (detect/pose_estimator.h). With the
//   detector's score s it decides:
//     s >= confirm_score and p >= pose_reject          -> confirmed
//     s >= confirm_score and p <  pose_reject          -> uncertain (the checks disagree)
//     reject_score <= s < confirm_score                 -> p >= pose_confirm: confirmed;
//                                                         p < pose_reject: rejected; else uncertain
//     s <  reject_score and p >= pose_confirm           -> uncertain (the checks disagree)
//     s <  reject_score otherwise                       -> rejected
//   The verdict lists both checks, each with whether it agreed with the edge; its score is then
//   the mean of s and p (without the pose check: s).
// Failure: Create() fails like MakeDetector (kNotFound / kDataLoss for a model that does not
// load). Verify() never fails: an internal error becomes an "uncertain" verdict naming it.
// Thread-safety: one Verify() at a time per Verifier (one per verify thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "detect/detector.h"
#include "detect/detector_options.h"
#include "detect/pose_estimator.h"
#include "edgesight/status.h"
#include "uplink/escalation_message.h"
#include "uplink/verdict_message.h"

namespace es {

struct VerifyOptions {
  DetectorOptions detector;    // type nanodet / onnx; its score_threshold is forced low
  std::string model_id;        // for the verdict; "" = derived from the model file name
  float confirm_score = 0.5f;  // same-class score at the box at or above: confirmed
  float reject_score = 0.2f;   // below: rejected
  float min_iou = 0.3f;        // a detection "is at the box" from this IoU
  float min_object_px = 8.f;   // the object's shorter side in the crop below this: uncertain
  bool skip_expired = false;   // answer "uncertain"/"expired" without work after the deadline
  std::string worker;          // worker id written into the verdict
  // Person check: pose model path ("" = no pose check); presence thresholds.
  std::string pose_model;
  float pose_confirm = 0.5f;
  float pose_reject = 0.1f;
};

class Verifier {
 public:
  static Result<std::unique_ptr<Verifier>> Create(const VerifyOptions& options);
  Verdict Verify(const Escalation& e, int64_t now_ms);
  const std::string& model_id() const { return model_id_; }

 private:
  Verifier(VerifyOptions o, std::unique_ptr<Detector> d, std::string model_id)
      : o_(std::move(o)), detector_(std::move(d)), model_id_(std::move(model_id)) {}
  VerifyOptions o_;
  std::unique_ptr<Detector> detector_;
  std::unique_ptr<PoseEstimator> pose_;
  std::string pose_id_;
  std::string model_id_;
};

}  // namespace es
