#include "config/config_checks.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "alarm/alarm_options.h"
#include "analytics/analytics_options.h"
#include "analytics/geometry.h"
#include "config/config_schema.h"
#include "config/did_you_mean.h"
#include "http/http_options.h"

namespace es {
namespace {

constexpr int kInputStride = 32;  // every supported head (NanoDet, YOLO) downsamples by 32
constexpr size_t kMaxStreamIdLength = 64;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool IsStreamId(const std::string& s) {
  if (s.empty() || s.size() > kMaxStreamIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

Status CheckSchemaConstraints(const AppConfig& config) {
  for (const SectionSpec& section : ConfigSchema()) {
    for (const FieldSpec& field : section.fields) {
      ES_RETURN_IF_ERROR(
          CheckFieldValue(field, config).WithContext(section.name + "." + field.name));
    }
  }
  return Status::Ok();
}

Status CheckCrossField(const AppConfig& c) {
  if (!(c.tracker.low_thresh < c.tracker.track_thresh)) {
    return InvalidArgument("tracker.low_thresh: must be below tracker.track_thresh (" +
                           FormatNumber(c.tracker.track_thresh) + "), got " +
                           FormatNumber(c.tracker.low_thresh));
  }
  if (c.detector.type == "onnx" && c.detector.model.empty()) {
    return InvalidArgument("detector.model: required when detector.type is onnx");
  }
  if (c.detector.type == "nanodet" && !c.detector.format.empty() &&
      c.detector.format != "nanodet") {
    return InvalidArgument(
        "detector.format: detector.type nanodet needs format nanodet or \"\", "
        "got " +
        QuoteString(c.detector.format) + " (use type onnx)");
  }
  if (c.detector.input_size % kInputStride != 0) {
    return InvalidArgument("detector.input_size: expected 0 or a multiple of " +
                           std::to_string(kInputStride) + ", got " +
                           std::to_string(c.detector.input_size));
  }
  if (!IsStreamId(c.source.stream_id)) {
    return InvalidArgument("source.stream_id: expected 1-" + std::to_string(kMaxStreamIdLength) +
                           " characters of [A-Za-z0-9_-], got " + QuoteString(c.source.stream_id));
  }
  const std::string& uri = c.source.uri;
  if (c.source.rtsp_listen && !uri.empty() && !StartsWith(uri, "rtsp://")) {
    return InvalidArgument("source.rtsp_listen: needs an rtsp:// source.uri, got " +
                           QuoteString(uri));
  }
  if (!c.source.ground_truth_out.empty() && !uri.empty() && !StartsWith(uri, "synthetic:")) {
    return InvalidArgument(
        "source.ground_truth_out: only synthetic: sources have ground truth, "
        "source.uri is " +
        QuoteString(uri));
  }
  if (c.pipeline.max_period_s < c.pipeline.detect_period_s) {
    return InvalidArgument("pipeline.max_period_s: must be >= pipeline.detect_period_s (" +
                           FormatNumber(c.pipeline.detect_period_s) + "), got " +
                           FormatNumber(c.pipeline.max_period_s));
  }
  if (!c.output.events_out.empty() && c.output.events_out == c.output.annotate) {
    return InvalidArgument("output.annotate: same file as output.events_out (" +
                           QuoteString(c.output.annotate) + ")");
  }
  return Status::Ok();
}

std::string Item(const char* list, size_t i, const std::string& name) {
  const std::string quoted = QuoteString(name);
  return std::string(list) + "[" + std::to_string(i) + "] '" + quoted.substr(1, quoted.size() - 2) +
         "'";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A zone/line `stream:` must name the configured stream (one stream per process today).
Status CheckStream(const std::map<std::string, std::string>& streams, const std::string& name,
                   const std::string& item, const std::string& stream_id) {
  auto it = streams.find(name);
  if (it == streams.end() || it->second == stream_id) return Status::Ok();
  return InvalidArgument(item + ": unknown stream " + QuoteString(it->second) +
                         " (known streams: [" + stream_id + "], set by source.stream_id)");
}

// An alarm rule's zones/lines filter must name configured zones/lines.
Status CheckReferences(const std::vector<std::string>& refs, const std::vector<std::string>& known,
                       const char* what, const std::string& where) {
  for (size_t k = 0; k < refs.size(); ++k) {
    if (std::find(known.begin(), known.end(), refs[k]) != known.end()) continue;
    const std::string at =
        where + "[" + std::to_string(k) + "]: unknown " + what + " " + QuoteString(refs[k]);
    if (known.empty()) {
      return InvalidArgument(at + " (no " + what + "s are configured in analytics." + what + "s)");
    }
    const std::string guess = DidYouMean(refs[k], known);
    if (!guess.empty()) return InvalidArgument(at + " (did you mean '" + guess + "'?)");
    return InvalidArgument(at + " (known " + what + "s: [" + JoinNames(known) + "])");
  }
  return Status::Ok();
}

Status CheckAnalytics(const AppConfig& c) {
  Status s = ValidateAnalyticsOptions(c.analytics);
  if (!s.ok()) return InvalidArgument("analytics." + s.message());
  for (size_t i = 0; i < c.analytics.zones.size(); ++i) {
    const std::string& name = c.analytics.zones[i].name;
    ES_RETURN_IF_ERROR(CheckStream(c.analytics_streams.zones, name,
                                   "analytics." + Item("zones", i, name), c.source.stream_id));
  }
  for (size_t i = 0; i < c.analytics.lines.size(); ++i) {
    const std::string& name = c.analytics.lines[i].name;
    ES_RETURN_IF_ERROR(CheckStream(c.analytics_streams.lines, name,
                                   "analytics." + Item("lines", i, name), c.source.stream_id));
  }
  return Status::Ok();
}

// The recorder's only cross-field rule (ranges are schema constraints). Checked even when
// recording.dir is empty (off), so a config stays valid when recording is switched on.
Status CheckRecording(const AppConfig& c) {
  const RecordingOptions& r = c.recording;
  if (r.max_clip_s < r.pre_event_s + r.post_event_s) {
    return InvalidArgument(
        "recording.max_clip_s: must be >= recording.pre_event_s + "
        "recording.post_event_s (" +
        FormatNumber(r.pre_event_s + r.post_event_s) + "), got " + FormatNumber(r.max_clip_s));
  }
  return Status::Ok();
}

Status CheckAlarm(const AppConfig& c) {
  Status s = ValidateAlarmOptions(c.alarm);
  if (!s.ok()) return InvalidArgument("alarm." + s.message());
  std::vector<std::string> zones, lines;
  for (const ZoneOptions& z : c.analytics.zones) zones.push_back(z.name);
  for (const LineOptions& l : c.analytics.lines) lines.push_back(l.name);
  for (size_t i = 0; i < c.alarm.rules.size(); ++i) {
    const AlarmRule& r = c.alarm.rules[i];
    const std::string item = "alarm." + Item("rules", i, r.name);
    ES_RETURN_IF_ERROR(CheckReferences(r.zones, zones, "zone", item + ": zones"));
    ES_RETURN_IF_ERROR(CheckReferences(r.lines, lines, "line", item + ": lines"));
  }
  return Status::Ok();
}

// The `ptz:` section: what the driver needs, the zoom ordering, the zone's geometry, then
// PtzLinkageOptions::Validate() as the last word (its messages also start "ptz.<key>:").
// Checked whatever the driver (also "", off), so a config stays valid when PTZ is switched on.
Status CheckPtz(const AppConfig& c) {
  const PtzConfig& p = c.ptz;
  const PtzLinkageOptions& l = p.linkage;
  if (p.driver == "onvif" && p.onvif_url.empty()) {
    return InvalidArgument("ptz.onvif_url: required when ptz.driver is onvif");
  }
  if (!p.onvif_url.empty() && !StartsWith(p.onvif_url, "http://")) {
    return InvalidArgument("ptz.onvif_url: expected http://host[:port]/path, got " +
                           QuoteString(p.onvif_url));
  }
  if (!p.driver.empty() && p.onvif_profile.empty()) {
    return InvalidArgument("ptz.onvif_profile: must not be empty");
  }
  // ONVIF ReferenceTokens are at most 64 characters (ONVIF Core, tt:ReferenceToken); a control
  // character has no place in one.
  for (const auto& [key, token] : {std::pair<const char*, const std::string*>{
                                       "ptz.onvif_profile", &p.onvif_profile},
                                   {"ptz.onvif_configuration", &p.onvif_configuration}}) {
    const bool printable = std::all_of(token->begin(), token->end(),
                                       [](unsigned char ch) { return ch >= 0x20 && ch != 0x7f; });
    if (token->size() > 64 || !printable) {
      return InvalidArgument(std::string(key) +
                             ": expected an ONVIF token (at most 64 printable characters), got " +
                             QuoteString(token->substr(0, 80)));
    }
  }
  if (!p.driver.empty() && l.calibration_file.empty()) {
    return InvalidArgument("ptz.calibration_file: required when ptz.driver is " + p.driver +
                           " (fit one with edgesight calibrate)");
  }
  if (l.max_zoom < l.min_zoom) {
    return InvalidArgument("ptz.max_zoom: must be >= ptz.min_zoom (" + FormatNumber(l.min_zoom) +
                           "), got " + FormatNumber(l.max_zoom));
  }
  if (l.home_zoom < l.min_zoom || l.home_zoom > l.max_zoom) {
    const std::string range =
        "[" + FormatNumber(l.min_zoom) + ", " + FormatNumber(l.max_zoom) + "]";
    return InvalidArgument("ptz.home_zoom: must be in [ptz.min_zoom, ptz.max_zoom] (" + range +
                           "), got " + FormatNumber(l.home_zoom));
  }
  if (!l.zone.empty()) {
    const Status z = ValidatePolygon(l.zone);
    if (!z.ok()) return InvalidArgument("ptz.zone: " + z.message());
  }
  return l.Validate();
}

}  // namespace

void NormaliseConfig(AppConfig* config) {
  std::vector<std::string> classes;
  for (const std::string& raw : config->detector.classes) {
    std::string name = Trim(raw);
    if (name.empty()) continue;
    if (std::find(classes.begin(), classes.end(), name) == classes.end()) {
      classes.push_back(std::move(name));
    }
  }
  config->detector.classes = std::move(classes);
}

Status ValidateConfig(const AppConfig& config) {
  ES_RETURN_IF_ERROR(CheckSchemaConstraints(config));
  ES_RETURN_IF_ERROR(CheckCrossField(config));
  ES_RETURN_IF_ERROR(CheckAnalytics(config));
  ES_RETURN_IF_ERROR(CheckRecording(config));
  ES_RETURN_IF_ERROR(CheckAlarm(config));
  ES_RETURN_IF_ERROR(ValidateHttpOptions(config.http));
  return CheckPtz(config);
}

}  // namespace es
