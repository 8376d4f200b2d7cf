// UplinkConfig: the `uplink:` section of the run configuration (flags --mqtt / --outbox).
//
// Contract: plain values with defaults; empty `mqtt` means no broker (events are still committed
// to the outbox when `outbox` is set, and drain on a later run with a broker: store and forward).
// `outbox` empty with `mqtt` set uses kDefaultOutboxPath. Validation lives in the config layer.
// Thread-safety: plain values.
#pragma once

#include <string>

namespace es {

struct UplinkConfig {
  static constexpr const char* kDefaultOutboxPath = "edgesight-outbox.db";
  std::string mqtt;        // mqtt://[user[:pass]@]host[:port] | mqtts://...; empty = no broker
  std::string outbox;      // SQLite file of the durable outbox; empty = no outbox (see above)
  std::string tls_cafile;  // mqtts: CA certificate file (empty = system store)
  std::string username;    // overrides the URL's user when set
  std::string password_file;  // first line is the password (keeps it out of argv and YAML)
  double drain_timeout_s = 5.0;  // at the end of a run, wait this long for the backlog to drain
  int64_t max_outbox_bytes = 256LL * 1024 * 1024;  // size policy bound (docs/uplink.md)
};

}  // namespace es
