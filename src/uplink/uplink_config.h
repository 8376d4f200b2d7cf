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
  // Bytes per UTC hour (all kinds) above which crops wait for the next hour; events and
  // status are never deferred. 0 = no cap.
  int64_t cap_bytes_per_hour = 0;
  bool crops = true;         // a JPEG of each track's best view when the track ends
  int crop_max_side = 256;   // longest side of a crop, px
  double status_interval_s = 30.0;  // retained status on .../status this often (and on connect)
  // QoS of the verdicts subscription (escalate:). 1 for Mosquitto; 0 behind nats-server, whose
  // MQTT QoS 1 subscriptions stopped after a cluster node died (docs/hybrid.md). A lost verdict
  // is recovered either way: the escalation is re-sent and answered from the backend's store.
  int verdict_qos = 1;
};

}  // namespace es
