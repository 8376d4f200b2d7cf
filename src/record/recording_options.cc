#include "record/recording_options.h"

#include <sstream>

namespace es {
namespace {

std::string Num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

Status Range(const char* key, double v, double lo, double hi, bool lo_open = false) {
  const bool bad = lo_open ? !(v > lo && v <= hi) : !(v >= lo && v <= hi);
  if (!bad) return Status::Ok();
  return InvalidArgument(std::string("recording.") + key + ": must be in " + (lo_open ? "(" : "[") +
                         Num(lo) + ", " + Num(hi) + "], got " + Num(v));
}

Status AtLeast(const char* key, int64_t v, int64_t lo) {
  if (v >= lo) return Status::Ok();
  return InvalidArgument(std::string("recording.") + key + ": must be >= " + std::to_string(lo) +
                         ", got " + std::to_string(v));
}

}  // namespace

Status ValidateRecordingOptions(const RecordingOptions& o) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  if (o.dir.empty()) return InvalidArgument("recording.dir: must not be empty");
  ES_RETURN_IF_ERROR(Range("pre_event_s", o.pre_event_s, 0, 60));
  ES_RETURN_IF_ERROR(Range("post_event_s", o.post_event_s, 0, 600));
  ES_RETURN_IF_ERROR(Range("max_clip_s", o.max_clip_s, 1, 3600));
  if (o.max_clip_s < o.pre_event_s + o.post_event_s) {
    return InvalidArgument("recording.max_clip_s: must be >= pre_event_s + post_event_s (" +
                           Num(o.pre_event_s + o.post_event_s) + "), got " + Num(o.max_clip_s));
  }
  ES_RETURN_IF_ERROR(AtLeast("quota_bytes", o.quota_bytes, 1));
  if (o.max_age_s < 0) {
    return InvalidArgument("recording.max_age_s: must be >= 0 (0 = no limit), got " +
                           Num(o.max_age_s));
  }
  ES_RETURN_IF_ERROR(AtLeast("min_free_bytes", o.min_free_bytes, 0));
  if (o.container != "mp4" && o.container != "mkv" && o.container != "ts") {
    return InvalidArgument("recording.container: must be mp4, mkv or ts, got '" + o.container +
                           "'");
  }
  ES_RETURN_IF_ERROR(Range("ring_margin_s", o.ring_margin_s, 0, 60));
  ES_RETURN_IF_ERROR(AtLeast("ring_max_bytes", o.ring_max_bytes, kMiB));
  ES_RETURN_IF_ERROR(AtLeast("queue_max_bytes", o.queue_max_bytes, kMiB));
  ES_RETURN_IF_ERROR(Range("reencode_crf", o.reencode_crf, 0, 51));
  ES_RETURN_IF_ERROR(Range("keyframe_interval_s", o.keyframe_interval_s, 0, 10, true));
  ES_RETURN_IF_ERROR(Range("encode_queue_frames", o.encode_queue_frames, 1, 1000));
  ES_RETURN_IF_ERROR(Range("retry_s", o.retry_s, 0, 3600, true));
  ES_RETURN_IF_ERROR(Range("retention_interval_s", o.retention_interval_s, 0, 86400, true));
  ES_RETURN_IF_ERROR(Range("finish_timeout_s", o.finish_timeout_s, 0, 600, true));
  return Status::Ok();
}

}  // namespace es
