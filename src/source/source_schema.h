// The configuration section(s) declared by the source module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: stream_id is 1-64 characters of [A-Za-z0-9_-] (an MQTT topic level); rtsp_listen needs
// an rtsp:// uri and ground_truth_out a synthetic: uri (both once the uri is known).
#pragma once

#include <algorithm>
#include <string>

#include "core/option_schema.h"
#include "source/source_options.h"

namespace es {

inline constexpr size_t kMaxStreamIdLength = 64;

// A stream id names an MQTT topic level and a file prefix: 1-64 of [A-Za-z0-9_-].
inline bool IsStreamId(const std::string& s) {
  if (s.empty() || s.size() > kMaxStreamIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

inline const OptionSchema<SourceOptions>& SourceSchema() {
  static const OptionSchema<SourceOptions> kSchema = [] {
    using SO = SourceOptions;
    OptionSchema<SourceOptions> s("source", "where frames come from");
    s.Add("uri", &SO::uri, AnyValue(),
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
        .Add("synthetic_fps", &SO::synthetic_fps, OpenClosed(0, 240), "synthetic scene frame rate")
        .Add("synthetic_seed", &SO::synthetic_seed, AtLeast(0), "synthetic scene random seed")
        .Add("ground_truth_out", &SO::ground_truth_out, AnyValue(),
             "synthetic only: write ground truth here (MOTChallenge text); empty = off");
    s.SetRules([](const SourceOptions& o) -> Status {
      if (!IsStreamId(o.stream_id)) {
        return InvalidArgument("source.stream_id: expected 1-" +
                               std::to_string(kMaxStreamIdLength) +
                               " characters of [A-Za-z0-9_-], got " + QuoteString(o.stream_id));
      }
      const std::string& uri = o.uri;
      if (o.rtsp_listen && !uri.empty() && uri.rfind("rtsp://", 0) != 0) {
        return InvalidArgument("source.rtsp_listen: needs an rtsp:// source.uri, got " +
                               QuoteString(uri));
      }
      if (!o.ground_truth_out.empty() && !uri.empty() && uri.rfind("synthetic:", 0) != 0) {
        return InvalidArgument(
            "source.ground_truth_out: only synthetic: sources have ground truth, source.uri is " +
            QuoteString(uri));
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
