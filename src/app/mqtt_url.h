// ParseMqttUrl: the --mqtt flag / uplink.mqtt key -> libmosquitto connection options.
//
// Accepted forms (RFC 3986 authority, no path):
//   mqtt://host[:port]                  plain TCP, port 1883 by default
//   mqtts://host[:port]                 TLS, port 8883 by default; CA from `tls_cafile` or, when
//                                       empty, the system store (/etc/ssl/certs)
//   mqtt[s]://user[:password]@host...   credentials (percent-encoding is decoded)
//   host[:port]                         shorthand for mqtt://
// IPv6 hosts in brackets ([::1]:1883). Anything else (unknown scheme, a path, a port outside
// 1..65535, an empty host) -> InvalidArgument "--mqtt 'URL': <what is wrong>", with the password
// masked in the echoed URL. Fields of *options not named by the URL are left unchanged.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "edgesight/status.h"
#include "uplink/mqtt_transport.h"

namespace es {

Status ParseMqttUrl(const std::string& url, MosquittoOptions* options);

// The URL with any password replaced by "***" (for logs and summaries).
std::string RedactMqttUrl(const std::string& url);

}  // namespace es
