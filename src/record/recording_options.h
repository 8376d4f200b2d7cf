// RecordingOptions: every knob of the event recorder, with its default and valid range.
//
// Contract: plain value. Validate() checks ranges and cross-field rules and returns
// InvalidArgument naming the key ("recording.pre_event_s: must be in [0, 60], got 90"); it
// touches no file. Sizes are bytes, times seconds. See docs/recording.md for the policy each
// option drives.
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>

#include "edgesight/status.h"

namespace es {

struct RecordingOptions {
  // Directory of the clips; created if missing. Retention deletes only files in it whose name
  // matches the clip pattern (clip_<stream>_<UTC time>_<n>.<container>), nothing else.
  std::string dir;
  double pre_event_s = 5.0;   // footage kept before the first event of a clip, [0, 60]
  double post_event_s = 5.0;  // footage after the last end (or instant) event, [0, 600]
  // A clip longer than this is cut at the next keyframe and continues in a new clip (no gap),
  // so one endless episode cannot make an unbounded file. [1, 3600], >= pre + post.
  double max_clip_s = 300.0;
  // Retention: completed clips of this directory together stay within quota_bytes; clips
  // older than max_age_s (modification time) are deleted (0 = no age limit). Oldest first.
  int64_t quota_bytes = int64_t{1} << 30;  // > 0
  double max_age_s = 7 * 24 * 3600.0;      // >= 0
  // Below this much free space on the file system, oldest clips are deleted; when none is
  // left to delete the recorder degrades (stops writing clips) until space is back.
  int64_t min_free_bytes = int64_t{256} << 20;  // >= 0
  std::string container = "mp4";                // "mp4", "mkv" or "ts" (mpegts)
  // Memory bounds: the pre-event ring holds pre_event_s + ring_margin_s of packets (the margin
  // covers the decision latency between capture and the event), at most ring_max_bytes;
  // packets waiting for the disk at most queue_max_bytes (more are dropped up to the next
  // keyframe and counted).
  double ring_margin_s = 3.0;                   // [0, 60]
  int64_t ring_max_bytes = int64_t{64} << 20;   // >= 1 MiB
  int64_t queue_max_bytes = int64_t{64} << 20;  // >= 1 MiB
  // Sources that are not H.264/H.265 (or that deliver no packets) are re-encoded from the
  // decoded frames: libx264 when the FFmpeg build has it, else MPEG-4 Part 2. false: such
  // sources are not recorded (the recorder reports why).
  bool reencode = true;
  int reencode_crf = 26;             // libx264 quality, [0, 51]
  double keyframe_interval_s = 1.0;  // re-encode keyframe spacing, (0, 10]
  int encode_queue_frames = 8;       // decoded frames waiting for the encoder (drop oldest)
  // While degraded, how often the recorder checks whether it can write again.
  double retry_s = 5.0;  // (0, 3600]
  // How often retention runs on its own (besides after every clip). (0, 86400]
  double retention_interval_s = 60.0;
  // Finish(): how long to wait for queued clips to reach the disk before abandoning them.
  double finish_timeout_s = 10.0;  // (0, 600]
};

// InvalidArgument "recording.<key>: ..." for the first bad field.
Status ValidateRecordingOptions(const RecordingOptions& o);

}  // namespace es
