// FrameTracker: ByteTracker plus the cues that need the frame itself, for callers that have
// frames (the pipeline, `track` on sequences with images).
//
// Per frame, before the tracker runs: with camera_motion on, the global motion since the
// previous frame is measured (track/camera_motion.h; the detections, or on frames without
// detections the tracker's boxes, are masked out as foreground) and applied to the tracks; with
// appearance_weight > 0, each detection's colour signature (track/appearance.h) is computed and
// passed to the tracker. With both off it is exactly ByteTracker.
//
// Contract: frames are BGR CV_8UC3 (an empty frame: no cue this frame, tracking goes on); call
// order and time as ByteTracker. Deterministic. Thread-safety: one per stream; not thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "track/byte_tracker.h"
#include "track/camera_motion.h"

namespace es {

struct FrameCueStats {
  int frames = 0;            // non-empty frames seen
  int motion_measured = 0;   // frames whose camera motion was measured (ok)
  double max_motion_px = 0;  // largest measured corner displacement
};

class FrameTracker {
 public:
  explicit FrameTracker(ByteTrackOptions options = {});

  std::vector<TrackOutput> Update(const cv::Mat& frame, const std::vector<Detection>& detections,
                                  Timestamp t);
  std::vector<TrackOutput> Predict(const cv::Mat& frame, Timestamp t);
  void Reset();

  // Whether any cue reads the frames (camera_motion or appearance_weight > 0).
  bool uses_frames() const;
  const FrameCueStats& stats() const { return stats_; }
  // The camera's motion measured on the last frame (largest corner displacement, pixels), or
  // -1 when it was not measured (no frame, the first one, too few points, camera_motion off).
  double last_motion_px() const { return last_motion_px_; }
  const ByteTracker& tracker() const { return tracker_; }

 private:
  void Compensate(const cv::Mat& frame, const std::vector<BBox>& foreground);
  // Keeps the output's boxes as the next frame's foreground when it has no detections.
  std::vector<TrackOutput> Remember(std::vector<TrackOutput> out);

  ByteTracker tracker_;
  GlobalMotionEstimator motion_;
  std::vector<BBox> last_boxes_;  // the last output, foreground for frames without detections
  FrameCueStats stats_;
  double last_motion_px_ = -1;
};

}  // namespace es
