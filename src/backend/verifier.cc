#include "backend/verifier.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>

#include "core/jpeg_codec.h"
#include "detect/coco_classes.h"

namespace es {
namespace {

std::string Score2(float s) {
  std::ostringstream o;
  o.precision(2);
  o << std::fixed << s;
  return o.str();
}

}  // namespace

Result<std::unique_ptr<Verifier>> Verifier::Create(const VerifyOptions& options) {
  VerifyOptions o = options;
  // Low threshold: the verifier needs the scores below the edge's threshold to reject.
  o.detector.score_threshold = std::min(o.detector.score_threshold, 0.05f);
  o.detector.classes.clear();
  ES_ASSIGN_OR_RETURN(auto detector, MakeDetector(o.detector));
  std::string id = o.model_id;
  if (id.empty()) {
    const std::string path =
        o.detector.model.empty() ? DefaultNanoDetModelPath() : o.detector.model;
    id = std::filesystem::path(path).stem().string();
  }
  std::unique_ptr<Verifier> v(new Verifier(o, std::move(detector), id));
  if (!o.pose_model.empty()) {
    PoseEstimatorOptions po;
    po.model = o.pose_model;
    po.threads = std::max(1, o.detector.threads);
    ES_ASSIGN_OR_RETURN(v->pose_, PoseEstimator::Create(po));
    v->pose_id_ = std::filesystem::path(o.pose_model).stem().string();
  }
  return v;
}

Verdict Verifier::Verify(const Escalation& e, int64_t now_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  Verdict v;
  v.escalation_id = e.id;
  v.event_id = e.event_id;
  v.device = e.device;
  v.stream = e.stream;
  v.track_id = e.track_id;
  v.class_id = e.class_id;
  v.worker = o_.worker;
  v.verdict = VerdictKind::kUncertain;
  auto finish = [&]() -> Verdict {
    v.verify_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return v;
  };
  if (o_.skip_expired && e.deadline_unix_ms > 0 && now_ms > e.deadline_unix_ms) {
    v.checks.push_back({"expired", "", false, 0.f,
                        "deadline passed " + std::to_string(now_ms - e.deadline_unix_ms) +
                            " ms before verification"});
    return finish();
  }
  auto image = DecodeJpeg(e.jpeg);
  if (!image.ok()) {
    v.checks.push_back({"decode", "", false, 0.f, image.status().message()});
    return finish();
  }
  const cv::Mat& crop = *image;
  // The edge's box in crop pixels (the JPEG may be a downscaled crop_box).
  const float sx = e.crop_box.w > 0 ? crop.cols / e.crop_box.w : 1.f;
  const float sy = e.crop_box.h > 0 ? crop.rows / e.crop_box.h : 1.f;
  const BBox target{(e.box.x - e.crop_box.x) * sx, (e.box.y - e.crop_box.y) * sy, e.box.w * sx,
                    e.box.h * sy};
  if (std::min(target.w, target.h) < o_.min_object_px) {
    v.checks.push_back({"size", "", false, 0.f,
                        "object " + std::to_string(static_cast<int>(target.w)) + "x" +
                            std::to_string(static_cast<int>(target.h)) +
                            " px in the crop is too small to verify"});
    return finish();
  }
  auto dets = detector_->Detect(crop);
  if (!dets.ok()) {
    v.checks.push_back({"detector", model_id_, false, 0.f, dets.status().message()});
    return finish();
  }
  float same = 0.f;
  const Detection* other = nullptr;
  for (const Detection& d : *dets) {
    const float iou = IoU(d.box, target);
    if (iou < o_.min_iou) continue;
    if (d.class_id == e.class_id) {
      same = std::max(same, d.score);
    } else if (other == nullptr || d.score > other->score) {
      other = &d;
    }
  }
  std::string detail = std::string(CocoClassName(e.class_id)) + " " + Score2(same);
  if (other != nullptr) {
    detail +=
        "; best other: " + std::string(CocoClassName(other->class_id)) + " " + Score2(other->score);
  }
  const bool det_yes = same >= o_.confirm_score;
  const bool det_no = same < o_.reject_score;
  v.checks.push_back({"detector", model_id_, det_yes, same, detail});
  v.score = same;
  v.verdict = det_yes ? VerdictKind::kConfirmed
                      : (det_no ? VerdictKind::kRejected : VerdictKind::kUncertain);
  if (!pose_ || e.class_id != kClassPerson) return finish();

  // The person check, on the box with a little margin.
  const cv::Rect bounds(0, 0, crop.cols, crop.rows);
  const cv::Rect roi =
      cv::Rect(static_cast<int>(target.x - 0.1f * target.w),
               static_cast<int>(target.y - 0.1f * target.h), static_cast<int>(1.2f * target.w),
               static_cast<int>(1.2f * target.h)) &
      bounds;
  if (roi.width < 2 || roi.height < 2) return finish();
  auto pose = pose_->Estimate(crop(roi));
  if (!pose.ok()) {
    v.checks.push_back({"pose", pose_id_, false, 0.f, pose.status().message()});
    return finish();
  }
  const float p = pose->presence;
  const bool pose_yes = p >= o_.pose_confirm;
  const bool pose_no = p < o_.pose_reject;
  v.checks.push_back(
      {"pose", pose_id_, pose_yes, p,
       "presence " + Score2(p) + ", torso visibility " + Score2(pose->torso_visibility)});
  if (det_yes) {
    v.verdict = pose_no ? VerdictKind::kUncertain : VerdictKind::kConfirmed;
  } else if (det_no) {
    v.verdict = pose_yes ? VerdictKind::kUncertain : VerdictKind::kRejected;
  } else {
    v.verdict = pose_yes ? VerdictKind::kConfirmed
                         : (pose_no ? VerdictKind::kRejected : VerdictKind::kUncertain);
  }
  v.score = 0.5f * (same + p);  // both checks weigh the same
  return finish();
}

}  // namespace es
