#include "track/frame_tracker.h"

#include <algorithm>

#include "track/appearance.h"

namespace es {

FrameTracker::FrameTracker(ByteTrackOptions options) : tracker_(options) {}

bool FrameTracker::uses_frames() const {
  return tracker_.options().camera_motion || tracker_.options().appearance_weight > 0.f;
}

void FrameTracker::Compensate(const cv::Mat& frame, const std::vector<BBox>& foreground) {
  last_motion_px_ = -1;
  // No frame, no cue; the next frame's motion is measured against the last frame there was.
  if (frame.empty()) return;
  ++stats_.frames;
  if (!tracker_.options().camera_motion) return;
  const CameraMotion m = motion_.Estimate(frame, foreground);
  if (!m.ok) return;
  ++stats_.motion_measured;
  last_motion_px_ = m.Magnitude(frame.cols, frame.rows);
  stats_.max_motion_px = std::max(stats_.max_motion_px, last_motion_px_);
  tracker_.ApplyCameraMotion(m);
}

std::vector<TrackOutput> FrameTracker::Update(const cv::Mat& frame,
                                              const std::vector<Detection>& detections,
                                              Timestamp t) {
  std::vector<BBox> boxes;
  boxes.reserve(detections.size());
  for (const Detection& d : detections) boxes.push_back(d.box);
  Compensate(frame, boxes);
  std::vector<TrackOutput> out;
  if (tracker_.options().appearance_weight > 0.f && !frame.empty()) {
    std::vector<AppearanceFeature> features;
    features.reserve(detections.size());
    for (const Detection& d : detections) features.push_back(ComputeAppearance(frame, d.box));
    out = tracker_.Update(detections, t, features);
  } else {
    out = tracker_.Update(detections, t);
  }
  return Remember(std::move(out));
}

std::vector<TrackOutput> FrameTracker::Predict(const cv::Mat& frame, Timestamp t) {
  Compensate(frame, last_boxes_);
  return Remember(tracker_.Predict(t));
}

std::vector<TrackOutput> FrameTracker::Remember(std::vector<TrackOutput> out) {
  last_boxes_.clear();
  for (const TrackOutput& o : out) last_boxes_.push_back(o.box);
  return out;
}

void FrameTracker::Reset() {
  tracker_.Reset();
  motion_.Reset();
  last_boxes_.clear();
  stats_ = {};
  last_motion_px_ = -1;
}

}  // namespace es
