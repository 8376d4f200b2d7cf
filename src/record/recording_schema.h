// The configuration section(s) declared by the record module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: max_clip_s >= pre_event_s + post_event_s, checked also when dir is "" (recording off),
// so a config stays valid when recording is switched on.
#pragma once

#include "core/option_schema.h"
#include "record/recording_options.h"

namespace es {

inline const OptionSchema<RecordingOptions>& RecordingSchema() {
  static const OptionSchema<RecordingOptions> kSchema = [] {
    using RO = RecordingOptions;
    constexpr double kMiB = 1 << 20;
    OptionSchema<RecordingOptions> s(
        "recording",
        "event clips: pre-event ring buffer, clip files, retention (docs/recording.md)");
    s.Add("dir", &RO::dir, AnyValue(),
          "clip directory, created if missing; retention deletes only clip files in it; "
          "empty = recording off")
        .Add("pre_event_s", &RO::pre_event_s, Closed(0, 60),
             "footage kept before the first event of a clip")
        .Add("post_event_s", &RO::post_event_s, Closed(0, 600),
             "footage after the last end (or instant) event")
        .Add("max_clip_s", &RO::max_clip_s, Closed(1, 3600),
             "longer clips are cut at the next keyframe and continue in a new clip; "
             ">= pre_event_s + post_event_s")
        .Add("quota_bytes", &RO::quota_bytes, AtLeast(1),
             "completed clips in dir together stay within this; oldest deleted first")
        .Add("max_age_s", &RO::max_age_s, AtLeast(0),
             "clips older than this (modification time) are deleted; 0 = no age limit")
        .Add("min_free_bytes", &RO::min_free_bytes, AtLeast(0),
             "below this free space oldest clips are deleted; with none left, recording pauses")
        .Add("container", &RO::container, OneOf({"mp4", "mkv", "ts"}),
             "clip file format (ts = MPEG-TS)")
        .Add("ring_margin_s", &RO::ring_margin_s, Closed(0, 60),
             "pre-event ring holds pre_event_s + this (covers the event decision latency)")
        .Add("ring_max_bytes", &RO::ring_max_bytes, AtLeast(kMiB),
             "memory bound of the pre-event packet ring")
        .Add("queue_max_bytes", &RO::queue_max_bytes, AtLeast(kMiB),
             "packets waiting for the disk; more are dropped up to the next keyframe, counted")
        .Add("reencode", &RO::reencode, AnyValue(),
             "re-encode sources that are not H.264/H.265 (libx264, else MPEG-4); "
             "false = do not record them")
        .Add("reencode_crf", &RO::reencode_crf, Closed(0, 51), "libx264 re-encode quality (CRF)")
        .Add("keyframe_interval_s", &RO::keyframe_interval_s, OpenClosed(0, 10),
             "re-encode keyframe spacing")
        .Add("encode_queue_frames", &RO::encode_queue_frames, Closed(1, 1000),
             "decoded frames waiting for the encoder (drop oldest)")
        .Add("retry_s", &RO::retry_s, OpenClosed(0, 3600),
             "while degraded (disk full or failing), how often writing is retried")
        .Add("retention_interval_s", &RO::retention_interval_s, OpenClosed(0, 86400),
             "retention also runs this often on its own (besides after every clip)")
        .Add("finish_timeout_s", &RO::finish_timeout_s, OpenClosed(0, 600),
             "at shutdown, queued clips get this long to reach the disk, then are abandoned");
    s.SetRules([](const RecordingOptions& r) -> Status {
      if (r.max_clip_s < r.pre_event_s + r.post_event_s) {
        return InvalidArgument(
            "recording.max_clip_s: must be >= recording.pre_event_s + recording.post_event_s (" +
            FormatNumber(r.pre_event_s + r.post_event_s) + "), got " + FormatNumber(r.max_clip_s));
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
