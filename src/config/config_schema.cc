#include "config/config_schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <type_traits>
#include <utility>

#include "config/record_lists.h"

namespace es {
namespace {

template <class T>
constexpr FieldType TypeOf() {
  static_assert(std::is_same_v<T, bool> || std::is_same_v<T, int> || std::is_same_v<T, int64_t> ||
                    std::is_same_v<T, float> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::string>>,
                "unsupported config field type");
  if (std::is_same_v<T, bool>) return FieldType::kBool;
  if (std::is_same_v<T, int>) return FieldType::kInt;
  if (std::is_same_v<T, int64_t>) return FieldType::kInt64;
  if (std::is_same_v<T, float>) return FieldType::kFloat;
  if (std::is_same_v<T, double>) return FieldType::kDouble;
  if (std::is_same_v<T, std::string>) return FieldType::kString;
  return FieldType::kStringList;
}

// Builds one SectionSpec whose fields live in `AppConfig::*section`.
template <class S>
class Section {
 public:
  Section(std::string name, S AppConfig::*section, std::string help) : section_(section) {
    spec_.name = std::move(name);
    spec_.help = std::move(help);
  }

  template <class T>
  Section& Add(const char* name, T S::*member, Constraint constraint, const char* help) {
    FieldSpec f;
    f.name = name;
    f.type = TypeOf<T>();
    f.constraint = std::move(constraint);
    f.help = help;
    S AppConfig::*section = section_;
    f.bind = [section, member](AppConfig& c) -> FieldRef { return &((c.*section).*member); };
    spec_.fields.push_back(std::move(f));
    return *this;
  }

  // A member of a struct nested in the section (`ptz.controller` lives in PtzConfig::linkage);
  // the YAML key stays flat.
  template <class N, class T>
  Section& Add(const char* name, N S::*nested, T N::*member, Constraint constraint,
               const char* help) {
    FieldSpec f;
    f.name = name;
    f.type = TypeOf<T>();
    f.constraint = std::move(constraint);
    f.help = help;
    S AppConfig::*section = section_;
    f.bind = [section, nested, member](AppConfig& c) -> FieldRef {
      return &(((c.*section).*nested).*member);
    };
    spec_.fields.push_back(std::move(f));
    return *this;
  }

  // An enum member read and written by name; the names are the field's choices.
  template <class E>
  Section& AddEnum(const char* name, E S::*member, std::vector<std::pair<std::string, E>> values,
                   const char* help) {
    FieldSpec f;
    f.name = name;
    f.type = FieldType::kString;
    for (const auto& [text, value] : values) f.constraint.choices.push_back(text);
    f.help = help;
    auto table = std::make_shared<const std::vector<std::pair<std::string, E>>>(std::move(values));
    S AppConfig::*section = section_;
    f.bind = [section, member, table](AppConfig& c) -> FieldRef {
      E* p = &((c.*section).*member);
      EnumRef ref;
      ref.address = p;
      ref.get = [p, table] {
        for (const auto& [text, value] : *table) {
          if (value == *p) return text;
        }
        return std::string("?");
      };
      ref.set = [p, table](const std::string& text) {
        for (const auto& [t, value] : *table) {
          if (t == text) {
            *p = value;
            return true;
          }
        }
        return false;
      };
      return ref;
    };
    spec_.fields.push_back(std::move(f));
    return *this;
  }

  Section& AddList(ListSpec list) {
    spec_.lists.push_back(std::move(list));
    return *this;
  }

  SectionSpec Build() { return std::move(spec_); }

 private:
  S AppConfig::*section_;
  SectionSpec spec_;
};

std::vector<SectionSpec> BuildSchema() {
  using SO = SourceOptions;
  using DO = DetectorOptions;
  using GO = GateOptions;
  using TO = ByteTrackOptions;
  using PO = PipelineOptions;
  using OO = OutputOptions;
  using AO = AnalyticsOptions;
  using AL = AlarmOptions;
  using RO = RecordingOptions;
  using UC = UplinkConfig;
  using PZ = PtzConfig;
  using HO = HttpOptions;
  using PL = PtzLinkageOptions;
  constexpr auto kL = &PtzConfig::linkage;
  constexpr double kMiB = 1 << 20;
  std::vector<SectionSpec> s;
  s.push_back(
      Section<SO>("source", &AppConfig::source, "where frames come from")
          .Add("uri", &SO::uri, AnyValue(),
               "file path, rtsp://host:port/path, or synthetic:NAME (--source overrides)")
          .Add("stream_id", &SO::stream_id, AnyValue(),
               "stream name in events and MQTT topics: 1-64 of [A-Za-z0-9_-]")
          .Add("realtime", &SO::realtime, AnyValue(),
               "pace files/synthetic scenes at their native rate, like a camera (--realtime)")
          .Add("rtsp_transport", &SO::rtsp_transport, OneOf({"tcp", "udp"}), "RTSP transport")
          .Add("rtsp_listen", &SO::rtsp_listen, AnyValue(),
               "act as the RTSP server a camera pushes to (needs an rtsp:// uri)")
          .Add("open_timeout_ms", &SO::open_timeout_ms, Closed(1, 600000),
               "connect / open timeout for network sources")
          .Add("read_timeout_ms", &SO::read_timeout_ms, Closed(1, 600000),
               "a live source that delivers nothing for this long is down")
          .Add("reconnect_attempts", &SO::reconnect_attempts, Closed(0, 1000000),
               "network sources: retries after a failure (0 = none)")
          .Add("reconnect_backoff_ms", &SO::reconnect_backoff_ms, Closed(0, 60000),
               "first retry delay; doubles each attempt, capped at 8 s")
          .Add("synthetic_width", &SO::synthetic_width, Closed(64, 4096),
               "synthetic scene width in pixels")
          .Add("synthetic_height", &SO::synthetic_height, Closed(64, 4096),
               "synthetic scene height in pixels")
          .Add("synthetic_fps", &SO::synthetic_fps, OpenClosed(0, 240),
               "synthetic scene frame rate")
          .Add("synthetic_seed", &SO::synthetic_seed, AtLeast(0), "synthetic scene random seed")
          .Add("ground_truth_out", &SO::ground_truth_out, AnyValue(),
               "synthetic only: write ground truth here (MOTChallenge text); empty = off")
          .Build());
  s.push_back(
      Section<DO>("detector", &AppConfig::detector, "which detector runs and its thresholds")
          .Add("type", &DO::type, OneOf({"nanodet", "onnx", "hog", "motion"}), "detector backend")
          .Add("model", &DO::model, AnyValue(),
               ".onnx path; required for type onnx; empty = embedded model for nanodet")
          .Add("format", &DO::format, OneOf({"", "nanodet", "yolov5", "yolov8", "yolo11"}),
               "output head of an onnx model; empty = backend default")
          .Add("engine", &DO::engine, OneOf({"auto", "ort", "opencv"}),
               "inference engine: auto = ONNX Runtime if built in, else OpenCV DNN")
          .Add("threads", &DO::threads, Closed(1, 256), "intra-op threads of the inference engine")
          .Add("input_size", &DO::input_size, Closed(0, 4096),
               "square network input, a multiple of 32; 0 = read from the model")
          .Add("score_threshold", &DO::score_threshold, Closed(0, 1),
               "keep detections scoring at or above this")
          .Add("nms_iou", &DO::nms_iou, Closed(0, 1), "class-aware NMS IoU threshold")
          .Add("classes", &DO::classes, AnyValue(),
               "class names to keep (e.g. [person, car]); empty = all")
          .Add("motion_min_area", &DO::motion_min_area, Closed(0, 1),
               "motion detector: minimum blob area as a fraction of the frame")
          .Add("hog_hit_threshold", &DO::hog_hit_threshold, Closed(-100, 100),
               "hog: SVM hit threshold")
          .Add("hog_scale", &DO::hog_scale, OpenClosed(1, 2), "hog: image pyramid scale step")
          .Build());
  s.push_back(
      Section<GO>("gate", &AppConfig::gate, "motion gate in front of the detector")
          .Add("enabled", &GO::enabled, AnyValue(), "skip the detector on frames without motion")
          .Add("width", &GO::width, Closed(32, 4096),
               "frames are downscaled to this width for the gate")
          .Add("var_threshold", &GO::var_threshold, OpenClosed(0, 1000),
               "a pixel moves when (difference to the background / 4 grey levels)² exceeds this")
          .Add("min_area", &GO::min_area, Closed(0, 1),
               "changed pixels (fraction of frame) that count as motion")
          .Add("keepalive_s", &GO::keepalive_s, Closed(0, 3600),
               "run the detector at least this often even without motion")
          .Build());
  s.push_back(Section<TO>("tracker", &AppConfig::tracker, "ByteTrack multi-object tracker")
                  .Add("track_thresh", &TO::track_thresh, Closed(0, 1),
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
                  .Build());
  s.push_back(Section<PO>("pipeline", &AppConfig::pipeline, "queues and scheduling")
                  .Add("detect_interval", &PO::detect_interval, Closed(1, 1000),
                       "run the detector every Nth frame; the tracker predicts between")
                  .Add("detect_period_s", &PO::detect_period_s, Closed(0, 60),
                       "detection period (time); 0 = every frame the detector can take")
                  .Add("max_period_s", &PO::max_period_s, Closed(0.05, 600),
                       "load shedding never stretches the period beyond this")
                  .Add("priority", &PO::priority, Closed(0, 100),
                       "order of cameras due together on the shared detector (higher first)")
                  .Add("queue_capacity", &PO::queue_capacity, Closed(1, 1024),
                       "frames between decode and detect (flow limiter)")
                  .Add("queue_policy", &PO::queue_policy,
                       OneOf({"auto", "drop_oldest", "block"}),
                       "full frame queue: auto = block for files read as fast as possible, "
                       "drop_oldest for live sources")
                  .Add("max_frames", &PO::max_frames, AtLeast(0),
                       "stop after this many frames; 0 = until the source ends")
                  .Add("stop_timeout_s", &PO::stop_timeout_s, Closed(1, 600),
                       "after SIGINT/SIGTERM, finish the stop within this or exit 1")
                  .Add("stall_after_s", &PO::stall_after_s, OpenClosed(0, 3600),
                       "/readyz: a camera whose last frame is older than this is not ready")
                  .Build());
  s.push_back(Section<OO>("output", &AppConfig::output, "local outputs")
                  .Add("events_out", &OO::events_out, AnyValue(),
                       "JSON lines file, one object per frame; empty = off")
                  .Add("annotate", &OO::annotate, AnyValue(),
                       "annotated video file (boxes, ids, trails): .mp4, .m4v, .mov, .mkv or .ts; empty = off")
                  .Add("trail_length", &OO::trail_length, Closed(0, 1000),
                       "points per trail in the annotated video")
                  .Build());
  s.push_back(
      Section<AO>("analytics", &AppConfig::analytics,
                  "zones, directed lines, loitering and counting on the confirmed tracks")
          .AddEnum(
              "anchor", &AO::anchor,
              {{"bottom_center", AnchorPoint::kBottomCenter}, {"center", AnchorPoint::kCenter}},
              "the box point that locates a track: feet (bottom_center) or centre")
          .Add("end_after_s", &AO::end_after_s, OpenClosed(0, 3600),
               "a track unseen this long has ended (track end, zone exit, loiter end)")
          .Add("loiter_update_s", &AO::loiter_update_s, OpenClosed(0, 3600),
               "a loitering episode emits an update event this often")
          .Add("line_hysteresis_px", &AO::line_hysteresis_px, Closed(0, 10000),
               "a line crossing needs the anchor this far (pixels) beyond the line on both sides")
          .AddList(ZoneListSpec())
          .AddList(LineListSpec())
          .Build());
  s.push_back(Section<AL>("alarm", &AppConfig::alarm,
                          "local alarm output: commands or loopback HTTP calls per event")
                  .Add("queue_capacity", &AL::queue_capacity, Closed(1, 100000),
                       "alarm actions waiting for the worker; more are dropped and counted")
                  .Add("stop_timeout_s", &AL::stop_timeout_s, Closed(0, 60),
                       "at shutdown, queued actions run at most this long, then are cut off")
                  .AddList(AlarmRuleListSpec())
                  .Build());
  // Ranges repeat ValidateRecordingOptions (src/record/recording_options.cc) so that a bad value
  // is a schema error naming the file; config cannot link es_record (record -> pipeline ->
  // config). max_clip_s >= pre_event_s + post_event_s is checked in config_checks.cc.
  s.push_back(
      Section<RO>("recording", &AppConfig::recording,
                  "event clips: pre-event ring buffer, clip files, retention (docs/recording.md)")
          .Add("dir", &RO::dir, AnyValue(),
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
               "at shutdown, queued clips get this long to reach the disk, then are abandoned")
          .Build());
  s.push_back(
      Section<UC>("uplink", &AppConfig::uplink,
                  "durable outbox and MQTT broker (docs/uplink.md; --mqtt / --outbox override)")
          .Add("mqtt", &UC::mqtt, AnyValue(),
               "broker mqtt://[user@]host[:port] or mqtts://...; empty = no broker "
               "(events still go to the outbox)")
          .Add("outbox", &UC::outbox, AnyValue(),
               "SQLite file of the durable outbox; empty = none, or edgesight-outbox.db when "
               "mqtt is set")
          .Add("tls_cafile", &UC::tls_cafile, AnyValue(),
               "mqtts: CA certificate file; empty = system store")
          .Add("username", &UC::username, AnyValue(), "broker user; overrides the URL's user")
          .Add("password_file", &UC::password_file, AnyValue(),
               "file whose first line is the broker password (keeps it out of argv and YAML)")
          .Add("drain_timeout_s", &UC::drain_timeout_s, Closed(0, 600),
               "at the end of a run, wait this long for the backlog to drain")
          .Add("max_outbox_bytes", &UC::max_outbox_bytes, AtLeast(kMiB),
               "outbox size bound; when full, crops, then status, then oldest events make room")
          .Add("cap_bytes_per_hour", &UC::cap_bytes_per_hour, AtLeast(0),
               "bytes per UTC hour above which crops wait (events never do); 0 = no cap")
          .Add("crops", &UC::crops, AnyValue(),
               "send a JPEG of each track's best view when the track ends")
          .Add("crop_max_side", &UC::crop_max_side, Closed(16, 4096),
               "longest side of a crop in pixels")
          .Add("status_interval_s", &UC::status_interval_s, Closed(0, 86400),
               "retained status message this often (and on every connect); 0 = on connect only")
          .Build());
  // Ranges repeat PtzLinkageOptions::Validate (src/ptz/ptz_linkage.cc), which ValidateConfig
  // also runs for the cross-field rules (max_zoom >= min_zoom, home_zoom between them).
  s.push_back(
      Section<PZ>("ptz", &AppConfig::ptz,
                  "PTZ linkage: the wide lens's tracks steer a PTZ head (docs/ptz.md)")
          .Add("driver", &PZ::driver, OneOf({"", "simulator", "onvif"}),
               "PTZ head: simulator (wall-clock simulated head), onvif, or \"\" = PTZ off")
          .Add("onvif_url", &PZ::onvif_url, AnyValue(),
               "ONVIF PTZ service, http://host[:port]/path; required for driver onvif")
          .Add("onvif_profile", &PZ::onvif_profile, AnyValue(), "ONVIF media profile token")
          .Add("onvif_configuration", &PZ::onvif_configuration, AnyValue(),
               "ONVIF PTZ configuration token (for GetConfigurationOptions); empty = "
               "onvif_profile")
          .Add("onvif_username", &PZ::onvif_username, AnyValue(),
               "ONVIF user (WS-Security digest); empty = unauthenticated requests")
          .Add("onvif_password_file", &PZ::onvif_password_file, AnyValue(),
               "file whose first line is the ONVIF password (keeps it out of argv and YAML)")
          .Add("onvif_timeout_ms", &PZ::onvif_timeout_ms, Closed(1, 60000),
               "ONVIF connect timeout and read timeout of each request")
          .Add("calibration_file", kL, &PL::calibration_file, AnyValue(),
               "wide-pixel -> pan/tilt calibration: fitted JSON or points file (edgesight "
               "calibrate); required when driver is set")
          .Add("controller", kL, &PL::controller, OneOf({"predictive", "proportional"}),
               "predictive (velocity + lead) or proportional (move, wait, look again)")
          .Add("zone_mode", kL, &PL::zone_mode, OneOf({"only", "prefer"}),
               "targets only inside ptz.zone, or prefer those inside")
          .Add("rank", kL, &PL::rank, OneOf({"largest", "longest_lived"}),
               "among targets of the same class priority")
          .Add("switch_margin", kL, &PL::switch_margin, Closed(0, 100),
               "stickiness: a challenger must score this much (relative) better")
          .Add("switch_after_s", kL, &PL::switch_after_s, Closed(0, 3600),
               "... for this long before the head switches target")
          .Add("hold_s", kL, &PL::hold_s, Closed(0, 3600),
               "a lost target is waited for this long (head holds)")
          .Add("search_s", kL, &PL::search_s, Closed(0, 3600),
               "then the head looks around its last direction this long, then goes home")
          .Add("search_zoom_out", kL, &PL::search_zoom_out, Closed(1, 100),
               "zoom is divided by this while searching")
          .Add("home_pan_deg", kL, &PL::home_pan_deg, Closed(-360, 360), "home pan (degrees)")
          .Add("home_tilt_deg", kL, &PL::home_tilt_deg, Closed(-90, 90), "home tilt (degrees)")
          .Add("home_zoom", kL, &PL::home_zoom, OpenClosed(0, 1000),
               "home zoom; within [min_zoom, max_zoom]")
          .Add("target_fill", kL, &PL::target_fill, OpenClosed(0, 1),
               "target height / PTZ frame height the zoom aims for")
          .Add("ptz_hfov_deg", kL, &PL::ptz_hfov_deg, OpenClosed(0, 179),
               "PTZ horizontal field of view at zoom 1")
          .Add("ptz_aspect", kL, &PL::ptz_aspect, OpenClosed(0, 10), "PTZ frame width / height")
          .Add("min_zoom", kL, &PL::min_zoom, OpenClosed(0, 1000), "smallest zoom used")
          .Add("max_zoom", kL, &PL::max_zoom, OpenClosed(0, 1000), "largest zoom used; >= min_zoom")
          .Add("zoom_hysteresis", kL, &PL::zoom_hysteresis, Closed(0, 10),
               "relative zoom change needed before the lens moves")
          .Add("command_latency_ms", kL, &PL::command_latency_ms, Closed(0, 10000),
               "decision -> head motion delay the predictive controller leads by")
          .Add("continuous_timeout_s", kL, &PL::continuous_timeout_s, OpenClosed(0, 3600),
               "ContinuousMove timeout: the head stops by itself without new commands")
          .Add("status_interval_s", kL, &PL::status_interval_s, OpenClosed(0, 3600),
               "head position (GetStatus) is polled this often while frames arrive")
          .AddList(PtzClassPriorityListSpec())
          .AddList(PtzZoneListSpec())
          .Build());
  s.push_back(
      Section<HO>("http", &AppConfig::http,
                  "operations API: metrics, health, cameras, live settings (docs/operations.md; "
                  "--http overrides listen)")
          .Add("listen", &HO::listen, AnyValue(),
               "HOST:PORT to serve on (127.0.0.1:8080; port 0 = any free port); empty = off; "
               "an address off loopback needs token_file")
          .Add("token_file", &HO::token_file, AnyValue(),
               "file whose first line is the bearer token (>= 16 characters) or sha256:<hex "
               "digest>; needed for PATCH, and for every request off loopback")
          .Add("tls_cert", &HO::tls_cert, AnyValue(), "PEM certificate: serve HTTPS (with tls_key)")
          .Add("tls_key", &HO::tls_key, AnyValue(), "PEM private key of tls_cert")
          .Add("max_body_bytes", &HO::max_body_bytes, Closed(1024, 16 * kMiB),
               "larger request bodies get 413")
          .Add("rate_per_s", &HO::rate_per_s, Closed(0.1, 100000),
               "requests per second per client address on average; faster ones get 429")
          .Add("rate_burst", &HO::rate_burst, Closed(1, 100000),
               "requests a client may send at once before rate_per_s applies")
          .Add("detector_stall_s", &HO::detector_stall_s, OpenClosed(0, 3600),
               "/readyz: a detection request waiting longer than this means the detector is stuck")
          .Add("live_fps", &HO::live_fps, Closed(0.1, 30),
               "live view and snapshots: frames per second taken from each camera at most")
          .Add("live_max_width", &HO::live_max_width, Closed(64, 4096),
               "live view: wider frames are downscaled to this width")
          .Add("events_db", &HO::events_db, AnyValue(),
               "SQLite file of the local event store (API, dashboard); empty = in memory")
          .Add("events_max", &HO::events_max, Closed(100, 100000000),
               "the event store keeps at most this many events, oldest deleted first")
          .Add("events_max_age_s", &HO::events_max_age_s, AtLeast(0),
               "... and none older than this; 0 = no age limit")
          .Add("web_dir", &HO::web_dir, AnyValue(),
               "the dashboard's files (served at /); empty = those built with the binary")
          .Build());
  return s;
}

}  // namespace

std::string QuoteString(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

Constraint AnyValue() { return {}; }
Constraint Closed(double lo, double hi) { return {lo, hi, false, false, {}}; }
Constraint OpenClosed(double lo, double hi) { return {lo, hi, true, false, {}}; }
Constraint AtLeast(double lo) {
  return {lo, std::numeric_limits<double>::infinity(), false, true, {}};
}
Constraint OneOf(std::vector<std::string> choices) {
  Constraint c;
  c.choices = std::move(choices);
  return c;
}

const FieldSpec* SectionSpec::Find(const std::string& key) const {
  for (const FieldSpec& f : fields) {
    if (f.name == key) return &f;
  }
  return nullptr;
}

const ListSpec* SectionSpec::FindList(const std::string& key) const {
  for (const ListSpec& l : lists) {
    if (l.name == key) return &l;
  }
  return nullptr;
}

std::vector<std::string> SectionSpec::FieldNames() const {
  std::vector<std::string> names;
  for (const FieldSpec& f : fields) names.push_back(f.name);
  for (const ListSpec& l : lists) names.push_back(l.name);
  return names;
}

std::vector<std::string> ListSpec::KeyNames() const {
  std::vector<std::string> names;
  for (const RecordKeyDoc& k : keys) names.push_back(k.name);
  return names;
}

const std::vector<SectionSpec>& ConfigSchema() {
  static const std::vector<SectionSpec> kSchema = BuildSchema();
  return kSchema;
}

const SectionSpec* FindSection(const std::string& name) {
  for (const SectionSpec& s : ConfigSchema()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> SectionNames() {
  std::vector<std::string> names;
  for (const SectionSpec& s : ConfigSchema()) names.push_back(s.name);
  return names;
}

std::string TypeName(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt:
      return "int";
    case FieldType::kInt64:
      return "int64";
    case FieldType::kFloat:
      return "float";
    case FieldType::kDouble:
      return "float";  // one number type for users; precision is internal
    case FieldType::kString:
      return "string";
    case FieldType::kStringList:
      return "list of strings";
  }
  return "?";
}

template <class T>
std::string ShortestText(T v) {
  // Shortest round-trip digits; plain notation for everyday magnitudes (600000, not 6e+05).
  const bool plain = v == 0 || (std::fabs(v) >= 1e-6 && std::fabs(v) < 1e15);
  char buf[128];
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

std::string FormatNumber(double v) { return ShortestText(v); }
std::string FormatNumber(float v) { return ShortestText(v); }

std::string DescribeConstraint(const FieldSpec& field) {
  return DescribeConstraint(field.constraint);
}

std::string DescribeConstraint(const Constraint& c) {
  if (!c.choices.empty()) {
    std::string out = "one of [";
    for (size_t i = 0; i < c.choices.size(); ++i) {
      if (i) out += ", ";
      out += c.choices[i].empty() ? "\"\"" : c.choices[i];
    }
    return out + "]";
  }
  const bool has_lo = std::isfinite(c.lo);
  const bool has_hi = std::isfinite(c.hi);
  if (has_lo && has_hi) {
    return std::string(c.lo_open ? "(" : "[") + FormatNumber(c.lo) + ", " + FormatNumber(c.hi) +
           (c.hi_open ? ")" : "]");
  }
  if (has_lo) return std::string(c.lo_open ? "> " : ">= ") + FormatNumber(c.lo);
  if (has_hi) return std::string(c.hi_open ? "< " : "<= ") + FormatNumber(c.hi);
  return "";
}

std::string FormatFieldValue(const FieldSpec& field, const AppConfig& config) {
  // bind() needs a mutable AppConfig only because one accessor serves reads and writes; the
  // value is only read here.
  FieldRef ref = field.bind(const_cast<AppConfig&>(config));
  struct Visitor {
    std::string operator()(bool* v) const { return *v ? "true" : "false"; }
    std::string operator()(int* v) const { return std::to_string(*v); }
    std::string operator()(int64_t* v) const { return std::to_string(*v); }
    std::string operator()(float* v) const { return FormatNumber(*v); }
    std::string operator()(double* v) const { return FormatNumber(*v); }
    std::string operator()(std::string* v) const { return QuoteString(*v); }
    std::string operator()(const EnumRef& e) const { return QuoteString(e.get()); }
    std::string operator()(std::vector<std::string>* v) const {
      std::string out = "[";
      for (size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + QuoteString((*v)[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, ref);
}

std::string ExpectedType(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "a boolean (true or false)";
    case FieldType::kInt:
    case FieldType::kInt64:
      return "an integer";
    case FieldType::kFloat:
    case FieldType::kDouble:
      return "a number";
    case FieldType::kString:
      return "a string";
    case FieldType::kStringList:
      return "a list of strings";
  }
  return "?";
}

std::string ExpectedValue(const FieldSpec& field) {
  return ExpectedValue(field.type, field.constraint);
}

std::string ExpectedValue(FieldType type, const Constraint& constraint) {
  const std::string c = DescribeConstraint(constraint);
  if (c.empty()) return ExpectedType(type);
  if (!constraint.choices.empty()) return c;
  if (c[0] == '[' || c[0] == '(') return ExpectedType(type) + " in " + c;
  return ExpectedType(type) + " " + c;
}

bool InRange(double v, const Constraint& c) {
  return std::isfinite(v) && (c.lo_open ? v > c.lo : v >= c.lo) &&
         (c.hi_open ? v < c.hi : v <= c.hi);
}

Status CheckFieldValue(const FieldSpec& field, const AppConfig& config) {
  const Constraint& c = field.constraint;
  FieldRef ref = field.bind(const_cast<AppConfig&>(config));  // read only, see above
  bool ok = true;
  if (const auto* s = std::get_if<std::string*>(&ref)) {
    if (!c.choices.empty()) {
      ok = false;
      for (const std::string& choice : c.choices) ok = ok || **s == choice;
    }
  } else if (const auto* e = std::get_if<EnumRef>(&ref)) {
    const std::string name = e->get();
    ok = std::find(c.choices.begin(), c.choices.end(), name) != c.choices.end();
  } else if (std::get_if<bool*>(&ref) == nullptr &&
             std::get_if<std::vector<std::string>*>(&ref) == nullptr) {
    double v = 0;
    if (const auto* i = std::get_if<int*>(&ref)) v = **i;
    if (const auto* l = std::get_if<int64_t*>(&ref)) v = static_cast<double>(**l);
    if (const auto* f = std::get_if<float*>(&ref)) v = **f;
    if (const auto* d = std::get_if<double*>(&ref)) v = **d;
    ok = InRange(v, c);
  }
  if (ok) return Status::Ok();
  return InvalidArgument("expected " + ExpectedValue(field) + ", got " +
                         FormatFieldValue(field, config));
}

std::vector<KeyDoc> DescribeSchema() {
  const AppConfig defaults;
  std::vector<KeyDoc> rows;
  for (const SectionSpec& s : ConfigSchema()) {
    for (const FieldSpec& f : s.fields) {
      std::string range = DescribeConstraint(f);
      rows.push_back({s.name + "." + f.name, TypeName(f.type), FormatFieldValue(f, defaults),
                      range.empty() ? "-" : range, f.help});
    }
    for (const ListSpec& l : s.lists) {
      const std::string key = s.name + "." + l.name;
      rows.push_back({key, l.type, "[]", "-", l.help});
      for (const RecordKeyDoc& k : l.keys) {
        rows.push_back({key + "[]." + k.name, k.type, k.default_value, k.range, k.help});
      }
    }
  }
  return rows;
}

}  // namespace es
