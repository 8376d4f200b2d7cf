// The configuration section(s) declared by the track module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: low_thresh < track_thresh.
#pragma once

#include "core/option_schema.h"
#include "track/byte_track_options.h"

namespace es {

inline const OptionSchema<ByteTrackOptions>& TrackerSchema() {
  static const OptionSchema<ByteTrackOptions> kSchema = [] {
    using TO = ByteTrackOptions;
    OptionSchema<ByteTrackOptions> s("tracker", "ByteTrack multi-object tracker");
    s.Add("track_thresh", &TO::track_thresh, Closed(0, 1),
          "detections at or above are high (first association)")
        .Add("low_thresh", &TO::low_thresh, Closed(0, 1),
             "detections in [low_thresh, track_thresh) are low (second association)")
        .Add("new_track_thresh", &TO::new_track_thresh, Closed(0, 1),
             "unmatched high detections at or above this start a track")
        .Add("match_thresh", &TO::match_thresh, Closed(0, 1),
             "first association: maximum 1 - IoU cost")
        .Add("low_match_thresh", &TO::low_match_thresh, Closed(0, 1),
             "second association: maximum 1 - IoU cost")
        .Add("unconfirmed_match_thresh", &TO::unconfirmed_match_thresh, Closed(0, 1),
             "new tracks vs leftover high detections: maximum 1 - IoU cost")
        .Add("track_buffer_s", &TO::track_buffer_s, Closed(0, 3600),
             "a lost track is kept this long (time, not frames)")
        .Add("fuse_score", &TO::fuse_score, AnyValue(),
             "multiply IoU by the detection score in the first association")
        .Add("min_box_area", &TO::min_box_area, AtLeast(0),
             "tracks smaller than this (pixels^2) are not reported")
        .Add("reference_fps", &TO::reference_fps, OpenClosed(0, 1000),
             "Kalman process noise is per 1/reference_fps seconds")
        .Add("max_aspect_ratio", &TO::max_aspect_ratio, AtLeast(0),
             "tracks with w/h above this are not reported; 0 = off")
        .Add("duplicate_iou_dist", &TO::duplicate_iou_dist, Closed(0, 1),
             "a tracked and a lost track closer than this (1 - IoU) are duplicates")
        .Add("duplicate_only_respawn", &TO::duplicate_only_respawn, AnyValue(),
             "a lost track's duplicate must have started after it was last seen")
        .Add("class_aware", &TO::class_aware, AnyValue(),
             "a track only matches detections of its own class")
        .Add("nsa_kalman", &TO::nsa_kalman, AnyValue(),
             "scale the Kalman measurement noise by (1 - detection score)")
        .Add("nsa_min_scale", &TO::nsa_min_scale, OpenClosed(0, 1),
             "lower bound of the NSA measurement-noise scale")
        .Add("adaptive_noise", &TO::adaptive_noise, AnyValue(),
             "estimate the Kalman measurement and process noise from the data")
        .Add("center_dist_weight", &TO::center_dist_weight, Closed(0, 10),
             "association cost adds this * (centre distance / enclosing diagonal)^2")
        .Add("confirm_hits", &TO::confirm_hits, Closed(1, 100),
             "matched detections before a new track gets an id and is reported")
        .Add("recover_buffer", &TO::recover_buffer, Closed(0, 10),
             "recovery stage: buffered-IoU margin (box size fraction); 0 = off")
        .Add("recover_match_thresh", &TO::recover_match_thresh, Closed(0, 1),
             "recovery stage: maximum 1 - buffered IoU")
        .Add("recover_from_last_obs", &TO::recover_from_last_obs, AnyValue(),
             "recovery stage buffers the last detection instead of the prediction")
        .Add("static_suppress_s", &TO::static_suppress_s, Closed(0, 86400),
             "a track that never moved is not reported after this age; 0 = off")
        .Add("static_move_frac", &TO::static_move_frac, OpenClosed(0, 10),
             "moved = centre left a disc of this * box height (or height changed)")
        .Add("height_iou", &TO::height_iou, AnyValue(),
             "first association: IoU times the IoU of the vertical extents (ties only)")
        .Add("observation_reupdate", &TO::observation_reupdate, AnyValue(),
             "re-run a returning track's filter through interpolated observations")
        .Add("momentum_weight", &TO::momentum_weight, Closed(0, 10),
             "first association adds this * score * direction angle / pi; 0 = off")
        .Add("appearance_weight", &TO::appearance_weight, Closed(0, 1),
             "with frames: first association adds this * (1 - colour similarity); 0 = off")
        .Add("appearance_momentum", &TO::appearance_momentum, Closed(0, 1),
             "weight of a track's old colour signature in its running mean")
        .Add("camera_motion", &TO::camera_motion, AnyValue(),
             "with frames: move tracks with the camera's measured global motion");
    s.SetRules([](const ByteTrackOptions& o) -> Status {
      if (!(o.low_thresh < o.track_thresh)) {
        return InvalidArgument("tracker.low_thresh: must be below tracker.track_thresh (" +
                               FormatNumber(o.track_thresh) + "), got " +
                               FormatNumber(o.low_thresh));
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
