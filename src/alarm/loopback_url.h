// LoopbackUrl: the parsed target of an HTTP alarm, restricted to this machine.
//
// Contract: ParseLoopbackUrl accepts exactly "http://HOST[:PORT][/PATH[?QUERY]]" with HOST one
// of 127.0.0.1, localhost (any case) or [::1]; PORT 1-65535 (default 80); PATH default "/".
// Everything else is InvalidArgument with a one-line reason: another host ("host '10.0.0.5' is
// not loopback: alarms allow only 127.0.0.1, ::1 and localhost, so they work with no network"),
// https (no TLS on loopback), user info, a bad port, a fragment, an empty or odd URL.
// Pure; thread-safe.
#pragma once

#include <string>

#include "edgesight/status.h"

namespace es {

struct LoopbackUrl {
  std::string host;  // "127.0.0.1", "localhost" or "::1" (no brackets)
  int port = 80;
  std::string path;  // starts with '/', query included
};

Result<LoopbackUrl> ParseLoopbackUrl(const std::string& url);

}  // namespace es
