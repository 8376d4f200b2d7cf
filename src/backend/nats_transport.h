// NatsTransport: the backend worker's MqttTransport on NATS JetStream — a work-queue stream
// with a durable pull consumer, so unacknowledged work is redelivered to another worker.
//
// Why: Mosquitto's shared subscriptions neither redeliver a message whose worker died nor
// acknowledge after the consumer's commit (libmosquitto PUBACKs before on_message). NATS's MQTT
// listener accepts the devices unchanged (they keep publishing MQTT to it); JetStream stores
// their messages in a stream, and every worker pulls from one durable consumer, acknowledging a
// message only after on_message returned (for the backend: after the store commit and, for
// escalations, after the verdict is stored). A worker killed mid-message leaves it
// unacknowledged; after ack_wait it goes to another worker.
//
// Contract (MqttTransport's, with these meanings)
// - Subscriptions: MQTT filters ("$share/<group>/edgesight/v1/+/+/escalations") become the
//   stream's subjects ("edgesight.v1.*.*.escalations": the $share prefix dropped, / -> .,
//   + -> *, # -> >). Start() connects (cnats reconnects on its own, to any server of the
//   comma-separated URL list) and starts `fetchers` threads. Each thread (re)creates the stream
//   when missing (work-queue retention, file storage, `replicas`), binds the durable pull
//   consumer `durable` (explicit ack, ack_wait), fetches batches and, per message, calls
//   on_message(topic, payload) with the subject turned back into an MQTT topic (. -> /), then
//   acknowledges it. on_message runs on several fetch threads at once.
// - Publish(topic, payload): a core NATS publish on the topic's subject (verdicts: NATS's MQTT
//   listener delivers them to the device's MQTT subscription); on_publish(mid) follows once the
//   server has the message (flush). qos and retain are ignored.
// - on_connect(0) on every (re)connection, on_disconnect(1) on a lost one; setup errors go to
//   on_error (one line) and are retried every second.
// Limits: a device or camera id containing '.' cannot be mapped (NATS subjects use '.' as the
// separator); such messages never reach the worker.
// Failure: MakeNatsTransport -> kInvalidArgument for an empty URL or filters it cannot map.
// Thread-safety: Publish() from any thread; Stop() from the owner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "uplink/mqtt_transport.h"

namespace es {

struct NatsOptions {
  std::string url;                    // nats://host:port[,nats://host:port...]
  std::string stream = "EDGESIGHT";   // the work-queue stream
  std::string durable = "verifiers";  // the shared pull consumer (the worker group)
  int replicas = 1;                   // stream replicas (3 in a 3-node cluster)
  double ack_wait_s = 30;             // unacknowledged work goes to another worker after this
  int fetchers = 1;                   // fetch threads (each runs on_message)
  // Messages per fetch. 1: a message waits in the server, not in a worker's local batch, so it
  // goes to whichever worker is free and its ack_wait runs only while it is being worked on.
  int batch = 1;
  std::vector<MqttSubscription> subscriptions;
};

// "$share/g/edgesight/v1/+/+/events" -> "edgesight.v1.*.*.events"; "" when it cannot be mapped.
std::string NatsSubjectForFilter(const std::string& filter);
// "edgesight.v1.d1.cam0.events" -> "edgesight/v1/d1/cam0/events" (and back).
std::string MqttTopicForSubject(const std::string& subject);
std::string NatsSubjectForTopic(const std::string& topic);

Result<std::unique_ptr<MqttTransport>> MakeNatsTransport(const NatsOptions& options);

}  // namespace es
