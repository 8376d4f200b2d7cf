// ByteTrackOptions: every threshold of the ByteTrack tracker, named and documented.
// Defaults are the official ByteTrack defaults (track_thresh 0.5, match 0.8, buffer 30 frames
// at 30 fps expressed as time).
#pragma once

namespace es {

struct ByteTrackOptions {
  float track_thresh = 0.5f;              // detections >= this are "high" (first association)
  float low_thresh = 0.1f;                // detections in [low, track_thresh) are "low" (second)
  float new_track_thresh = 0.6f;          // unmatched high detections >= this start a track
  float match_thresh = 0.8f;              // first association: max (1 - IoU) cost
  float low_match_thresh = 0.5f;          // second association: max (1 - IoU) cost
  float unconfirmed_match_thresh = 0.7f;  // new tracks vs leftover high detections
  double track_buffer_s = 1.0;            // a lost track is kept this long (time, not frames)
  bool fuse_score = true;                 // multiply IoU by detection score in the first stage
  float min_box_area = 10.f;              // tracks smaller than this are not reported
  double reference_fps = 30.0;            // Kalman process noise is per 1/reference_fps seconds
  // Tracks with w / h above this are not reported; ByteTrack's MOT-pedestrian heuristic uses
  // 1.6. 0 = off.
  float max_aspect_ratio = 0.f;
  float duplicate_iou_dist = 0.15f;  // tracked vs lost closer than this (1 - IoU): duplicates
  bool class_aware = false;          // if true, a track only matches detections of its class
};

}  // namespace es
