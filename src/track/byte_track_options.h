// ByteTrackOptions: every threshold of the ByteTrack tracker, named and documented.
// The ByteTrack thresholds keep the official defaults (track_thresh 0.5, match 0.8, ...). On by
// default beyond ByteTrack: Kalman noise estimated from the data (adaptive_noise), height-
// modulated IoU in the first association (as a tie-breaker: what it leaves unmatched is matched
// again by plain IoU), duplicate removal only for respawns, and a 2 s lost buffer (checked by
// leave-one-sequence-out). Measured and off by default, because
// they lose on crowded or noisy scenes (docs/tracking.md): NSA measurement noise, the
// buffered-IoU recovery stage, OC-SORT's re-update and momentum, DIoU, and static-clutter
// suppression (it cannot tell clutter from a person who stands still). Where the caller has
// frames (track/frame_tracker.h), camera-motion compensation and a colour tie-breaker are on by
// default too. Plain ByteTrack is track_buffer_s=1, duplicate_only_respawn=false,
// height_iou=false, adaptive_noise=false, camera_motion=false, appearance_weight=0.
#pragma once

namespace es {

struct ByteTrackOptions {
  float track_thresh = 0.5f;              // detections >= this are "high" (first association)
  float low_thresh = 0.1f;                // detections in [low, track_thresh) are "low" (second)
  float new_track_thresh = 0.6f;          // unmatched high detections >= this start a track
  float match_thresh = 0.8f;              // first association: max (1 - IoU) cost
  float low_match_thresh = 0.5f;          // second association: max (1 - IoU) cost
  float unconfirmed_match_thresh = 0.7f;  // new tracks vs leftover high detections
  double track_buffer_s = 2.0;            // a lost track is kept this long (time, not frames)
  bool fuse_score = true;                 // multiply IoU by detection score in the first stage
  float min_box_area = 10.f;              // tracks smaller than this are not reported
  double reference_fps = 30.0;            // Kalman process noise is per 1/reference_fps seconds
  // Tracks with w / h above this are not reported; ByteTrack's MOT-pedestrian heuristic uses
  // 1.6. 0 = off.
  float max_aspect_ratio = 0.f;
  float duplicate_iou_dist = 0.15f;  // tracked vs lost closer than this (1 - IoU): duplicates
  // Only a tracked track that started after the lost one was last seen can be its duplicate
  // (ByteTrack drops any close pair, which kills a person's lost track while they pass behind
  // someone else).
  bool duplicate_only_respawn = true;
  bool class_aware = false;  // if true, a track only matches detections of its class

  // --- edgesight extensions (docs/tracking.md measures each one) ---
  // NSA Kalman (Du et al., GIAOTracker): the measurement noise of an update is multiplied by
  // (1 - score), clamped to [nsa_min_scale, 1]: confident boxes pull the state harder.
  bool nsa_kalman = false;
  float nsa_min_scale = 0.05f;
  // Kalman noise estimated from the data (track/noise_adapter.h): the measurement noise from the
  // detector's measured box jitter, the process noise from innovation consistency, so the filter
  // fits the camera's detector and scene instead of one hand-set model.
  bool adaptive_noise = true;
  // Association cost = 1 - IoU (score-fused in the first stage) + center_dist_weight * d^2 / c^2
  // (d: centre distance, c: diagonal of the enclosing box; 1 = DIoU). 0 = plain IoU.
  float center_dist_weight = 0.f;
  // Matched detections a new track needs before it gets an id and is reported (ByteTrack: 2;
  // 1 = report from the first detection). Candidates must be matched on consecutive updates.
  int confirm_hits = 2;
  // Recovery stage after the low-score one: still-lost tracks vs leftover high detections by
  // buffered IoU (C-BIoU, Yang et al. WACV 2023): both boxes grow by recover_buffer times
  // their size on every side; match when 1 - BIoU <= recover_match_thresh. 0 = off.
  float recover_buffer = 0.f;
  float recover_match_thresh = 0.8f;
  bool recover_from_last_obs = false;  // buffer the last detection instead of the prediction
  // Static clutter: a track whose measured centre never left a disc of static_move_frac * h
  // around its first position (and whose height never changed by more than static_move_frac)
  // is not reported once it is older than static_suppress_s. It stays tracked (so it does not
  // spawn new tracks); once it moves it is reported again, for good. 0 = off (the default: it
  // also withholds a person who stands still from the start).
  double static_suppress_s = 0.0;
  float static_move_frac = 0.5f;
  // Height-modulated IoU (Hybrid-SORT, Yang et al. AAAI 2024): in the first association the IoU
  // is multiplied by the IoU of the boxes' vertical extents, which separates people at different
  // depths whose boxes overlap. Tracks and detections it leaves unmatched are matched again
  // with the plain cost, so it only breaks ties.
  bool height_iou = true;
  // Observation-centric re-update (OC-SORT, Cao et al. CVPR 2023): when a track is matched again
  // after missed updates, its filter is rolled back to the last observation and re-run through
  // virtual observations interpolated linearly to the new one, so the velocity error that
  // built up while it was lost is not kept.
  bool observation_reupdate = false;
  // Observation-centric momentum (OC-SORT): the first stage's cost adds
  // momentum_weight * score * (angle between the track's observed direction and the direction
  // from its last observation to the detection) / pi; like height_iou, what it leaves unmatched
  // is matched again with the plain cost. 0 = off.
  float momentum_weight = 0.f;
  // Appearance tie-breaker (track/appearance.h; only where the caller passes features): the
  // first stage's cost adds appearance_weight * (1 - colour similarity of the track and the
  // detection), for pairs the cost limit already allows, which stay allowed; stage 1b re-matches
  // what it leaves with the plain cost. The track's feature is a running mean of its confident
  // detections' (weight appearance_momentum on the old one). 0 = off.
  float appearance_weight = 0.2f;
  float appearance_momentum = 0.9f;
  // Camera-motion compensation (track/camera_motion.h) where frames are available (the
  // pipeline, `track` on sequences with images): tracks move with the measured global motion.
  bool camera_motion = true;
};

}  // namespace es
