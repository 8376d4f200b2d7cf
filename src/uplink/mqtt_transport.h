// MqttTransport: the seam between the publisher and an MQTT client library.
//
// Contract
// - Start() begins connecting and returns at once; the transport connects, and after a lost
//   connection reconnects, on its own (with backoff) until Stop(). It reports through the
//   callbacks: on_connect(rc) (rc 0 = accepted, else the CONNACK code), on_disconnect(rc)
//   (rc 0 = requested by Stop), on_publish(mid) when the broker acknowledged a QoS 1 message
//   (PUBACK), on_error(text) for a failure that has a reason worth showing (TLS handshake,
//   name resolution, a failed connect; one line), on_message(topic, payload) for every message
//   received on a subscription. Callbacks may run on a transport thread: they must be short
//   (on_message may commit to a local store) and must not call back into the transport, except
//   that on_message may Publish(). on_error and on_message are optional.
// - Subscriptions (MosquittoOptions::subscriptions) are (re)made on every accepted connection,
//   before on_connect runs, so a lost connection never leaves the client deaf.
//   libmosquitto acknowledges (PUBACK) a received QoS 1 message before on_message runs: a
//   process killed inside on_message loses that delivery. Whoever needs more than at-most-once
//   for received messages must make the sender re-send until it sees an answer (the hybrid
//   tier's escalations do: docs/hybrid.md).
// - Publish() hands one message to the client library and returns its message id (mid), or
//   kUnavailable when there is no connection. A message handed over may still be lost with the
//   connection: the publisher keeps the durable copy until on_publish(mid).
// - Stop() disconnects; no callback runs after it returns. Idempotent.
// Thread-safety: Publish() and Stop() may be called from one thread other than the callback
// thread. Ownership: the caller owns the transport; it owns its client library handle.
//
// MosquittoTransport (libmosquitto 2.0, MQTT 3.1.1): threaded loop (mosquitto_loop_start),
// clean_session false with a client id, username/password, TLS (CA file / dir, optional client
// certificate), last will. Reconnect: libmosquitto's backoff (delay = base * (n+1)^2 seconds,
// capped at reconnect_delay_max_s) with jitter: after every disconnect the base is redrawn
// uniformly from [reconnect_delay_min_s, reconnect_delay_min_s + reconnect_jitter_s]. Until the
// first connection succeeds (libmosquitto's loop does not retry a failed first connect) a connector
// thread retries with the same backoff plus up to reconnect_jitter_s of random delay. That
// thread also supervises the loop: libmosquitto's loop thread gives up for good on errors it
// deems fatal (a TLS failure during the handshake, a protocol error); the supervisor then stops
// it and starts over with the same backoff, so a transient TLS or broker fault never ends the
// uplink. libmosquitto's error log lines (OpenSSL's reason, e.g. "certificate verify failed")
// are passed to on_error.
// Failure: bad options (unreadable CA file, empty client id) -> kInvalidArgument from Make*.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct MqttTransportCallbacks {
  std::function<void(int rc)> on_connect;
  std::function<void(int rc)> on_disconnect;
  std::function<void(int mid)> on_publish;
  std::function<void(const std::string& text)> on_error;
  std::function<void(const std::string& topic, std::string_view payload)> on_message;
};

struct MqttSubscription {
  std::string filter;  // topic filter, wildcards and "$share/<group>/..." allowed
  int qos = 1;
};

// Callbacks of a plain subscriber (a connection that only receives, or publishes QoS 0): the
// connection state into *connected (true after an accepted CONNACK, false on a disconnect),
// PUBACKs ignored, messages to on_message. *connected must outlive the transport's Stop().
MqttTransportCallbacks SubscriberCallbacks(
    std::atomic<bool>* connected,
    std::function<void(const std::string& topic, std::string_view payload)> on_message);

// The MQTT 3.1.1 CONNACK return code in words ("not authorised", "bad user name or password").
std::string ConnackReason(int rc);

class MqttTransport {
 public:
  virtual ~MqttTransport() = default;
  virtual Status Start(MqttTransportCallbacks callbacks) = 0;
  virtual Result<int> Publish(const std::string& topic, std::string_view payload, int qos,
                              bool retain) = 0;
  virtual void Stop() = 0;
  // "host:port" for messages.
  virtual std::string Describe() const = 0;
};

struct MosquittoOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id;  // required (clean_session false needs a stable id)
  bool clean_session = false;
  int keepalive_s = 30;
  std::string username;  // empty: no authentication
  std::string password;
  // TLS: enabled when tls_cafile or tls_capath is set.
  std::string tls_cafile;
  std::string tls_capath;
  std::string tls_certfile;  // client certificate (optional, with tls_keyfile)
  std::string tls_keyfile;
  bool tls_insecure = false;  // skip host name verification (tests with self-signed certs only)
  // Last will (empty topic: none).
  std::string will_topic;
  std::string will_payload;
  bool will_retain = true;
  int will_qos = 1;
  // Reconnect backoff, seconds (libmosquitto's unit).
  int reconnect_delay_min_s = 1;
  int reconnect_delay_max_s = 30;
  int reconnect_jitter_s = 1;
  // libmosquitto's own limit of QoS 1 messages in flight (the publisher bounds its own too).
  int max_inflight_messages = 20;
  // Subscribed on every accepted connection (see the contract above).
  std::vector<MqttSubscription> subscriptions;
};

Result<std::unique_ptr<MqttTransport>> MakeMosquittoTransport(const MosquittoOptions& options);

}  // namespace es
