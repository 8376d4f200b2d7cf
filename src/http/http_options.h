// HttpOptions: the `http:` section (or --http ADDR): where the operations API listens and how
// it is protected. Device-wide (one server per process).
//
// Contract
// - listen: "HOST:PORT" ("" = no server). HOST is an IPv4 literal, "localhost" or a bracketed
//   IPv6 literal ("[::1]"); PORT 0 asks the kernel for a free port (the server reports the one
//   it got). Loopback (127.0.0.0/8, localhost, [::1]) is the default and needs no token for
//   reading; any other address requires token_file, and then every request needs the token.
// - token_file: first line is the bearer token (at least 16 characters), or "sha256:" and the
//   64 hex digits of its SHA-256, so the file need not hold the token itself. Changing settings
//   (PATCH) always needs it, also on loopback. The token is never echoed.
// - tls_cert / tls_key: PEM files; both set = HTTPS, neither = HTTP.
// - max_body_bytes, rate_per_s / rate_burst (per client address): larger bodies get 413,
//   faster clients 429.
// ParseListen/ValidateHttpOptions return InvalidArgument naming the key ("http.listen: ...").
// Thread-safety: plain values; the functions are re-entrant.
#pragma once

#include <cstdint>
#include <string>

#include "edgesight/status.h"

namespace es {

struct HttpOptions {
  std::string listen;  // "" = off
  std::string token_file;
  std::string tls_cert;
  std::string tls_key;
  int64_t max_body_bytes = 64 * 1024;
  double rate_per_s = 50;
  int rate_burst = 100;
  // /readyz: a detection request waiting longer than this means the detector is stuck.
  double detector_stall_s = 10;
  // Live view (snapshot, MJPEG): frames per second taken from each camera at most, and the
  // preview's largest width (larger frames are downscaled).
  double live_fps = 5;
  int live_max_width = 960;
  // Local event store for the API and dashboard (ops/event_store.h): SQLite file ("" = in
  // memory), at most events_max events, none older than events_max_age_s (0 = no limit).
  std::string events_db;
  // The dashboard's files (index.html, app.js, ...); "" = the ones built with the binary.
  std::string web_dir;
  int64_t events_max = 100000;
  double events_max_age_s = 0;
};

struct ListenAddress {
  std::string host;  // as the socket wants it: "127.0.0.1", "::1", "0.0.0.0"
  int port = 0;
  bool loopback = false;
};

Result<ListenAddress> ParseListen(const std::string& listen, const std::string& key = "http.listen");

// Cross-field rules: listen parses; an address off loopback needs token_file; the TLS files
// come as a pair.
Status ValidateHttpOptions(const HttpOptions& o);

}  // namespace es
