// The configuration section(s) declared by the http module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: ValidateHttpOptions (listen address, token off loopback, TLS pair).
#pragma once

#include "core/option_schema.h"
#include "http/http_options.h"

namespace es {

inline const OptionSchema<HttpOptions>& HttpSchema() {
  static const OptionSchema<HttpOptions> kSchema = [] {
    using HO = HttpOptions;
    constexpr double kMiB = 1 << 20;
    OptionSchema<HttpOptions> s(
        "http",
        "operations API: metrics, health, cameras, live settings (docs/operations.md; "
        "--http overrides listen)");
    s.Add("listen", &HO::listen, AnyValue(),
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
             "the dashboard's files (served at /); empty = those built with the binary");
    s.SetRules(ValidateHttpOptions);
    return s;
  }();
  return kSchema;
}

}  // namespace es
