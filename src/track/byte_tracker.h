// ByteTracker: multi-object tracking by ByteTrack (Zhang et al., ECCV 2022).
//
// Kalman filter on (cx, cy, aspect, h) with constant velocity, box refreshed after predict;
// two-stage association (high-score detections against all tracks by fused IoU, then low-score
// detections against the remaining tracked ones), unconfirmed tracks matched to leftovers, new
// tracks from unmatched high detections, lost tracks removed after track_buffer_s of time.
// Linear assignment by LAPJV. edgesight extensions (ByteTrackOptions, measured in
// docs/tracking.md): Kalman noise adapted to the data (track/noise_adapter.h), height-modulated
// IoU as a first-stage tie-breaker, duplicate removal only for respawns, camera-motion
// compensation and an appearance tie-breaker when the caller has frames, and, off by default, NSA
// measurement noise, a buffered-IoU recovery stage for lost tracks, OC-SORT's observation-centric
// re-update and momentum, confirm_hits, a DIoU cost, and static-clutter suppression (a never-moving
// track is not reported after static_suppress_s; it still exists and counts in num_live_tracks()).
// Time is a Timestamp: Update()/Predict() may be called at any rate and the Kalman step uses the
// real elapsed time. Deterministic: the same sequence of calls gives the same output. Not
// thread-safe; one tracker per stream.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "edgesight/types.h"
#include "track/appearance.h"
#include "track/byte_track_options.h"
#include "track/camera_motion.h"

namespace es {

class ByteTracker {
 public:
  explicit ByteTracker(ByteTrackOptions options = {});
  ~ByteTracker();
  ByteTracker(ByteTracker&&) noexcept;
  ByteTracker& operator=(ByteTracker&&) noexcept;

  // Associates this frame's detections (any score; below low_thresh are ignored) and returns
  // the confirmed tracks that were updated this frame, in ascending id order.
  std::vector<TrackOutput> Update(const std::vector<Detection>& detections, Timestamp t);
  // The same, with each detection's appearance (features[i] belongs to detections[i]; another
  // size: ignored). With appearance_weight > 0 it breaks ties in the first association.
  std::vector<TrackOutput> Update(const std::vector<Detection>& detections, Timestamp t,
                                  const std::vector<AppearanceFeature>& features);
  // Moves every track (Kalman state, last observation, history) by the camera's motion since
  // the previous frame (track/camera_motion.h); call it before the frame's Update or Predict.
  // A motion with ok = false is ignored.
  void ApplyCameraMotion(const CameraMotion& motion);
  // Advances time without detections (detector skipped this frame): returns the confirmed,
  // currently tracked tracks at their predicted boxes (predicted = true). Lost tracks still age.
  std::vector<TrackOutput> Predict(Timestamp t);
  void Reset();
  const ByteTrackOptions& options() const;
  // Tracked (confirmed or not) plus lost tracks currently held; removed ones are forgotten.
  int num_live_tracks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es
