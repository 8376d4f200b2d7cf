// The configuration section(s) declared by the uplink module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: none beyond the ranges; uplink.mqtt is parsed when the run starts (app/mqtt_url.h).
#pragma once

#include "core/option_schema.h"
#include "uplink/uplink_config.h"

namespace es {

inline const OptionSchema<UplinkConfig>& UplinkSchema() {
  static const OptionSchema<UplinkConfig> kSchema = [] {
    using UC = UplinkConfig;
    constexpr double kMiB = 1 << 20;
    OptionSchema<UplinkConfig> s(
        "uplink", "durable outbox and MQTT broker (docs/uplink.md; --mqtt / --outbox override)");
    s.Add("mqtt", &UC::mqtt, AnyValue(),
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
        .Add("verdict_qos", &UC::verdict_qos, Closed(0, 1),
             "QoS of the backend verdicts subscription (escalate:); 0 behind nats-server's MQTT");
    return s;
  }();
  return kSchema;
}

}  // namespace es
