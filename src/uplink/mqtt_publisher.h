// MqttPublisher: drains the durable Outbox to an MQTT broker, at least once, in order.
//
// Contract
// - Entries are published in sequence order with QoS 1 (payload as stored, so a duplicate carries
//   the same message id as the original). An entry is Ack()ed (deleted from the outbox) only
//   when the broker's PUBACK for its mid arrives; never before.
// - At most max_inflight entries are published and not yet acknowledged at any time.
// - On a lost connection every unacknowledged entry is published again after the transport has
//   reconnected (the transport reconnects with exponential backoff and jitter). Duplicates are
//   therefore possible, losses are not (beyond what the outbox size policy drops).
// - Status (status_message.h): on every accepted connection and then every status_interval it
//   publishes the "online" status JSON (retained, QoS 1) on edgesight/v1/<device>/status,
//   directly, not through the outbox (only the latest status matters; a backlog of stale
//   status would only cost bandwidth). Its wire bytes are recorded in the outbox's accounting
//   (Outbox::RecordSent) when the broker acknowledges it. The transport's last will publishes
//   {"v":1,"state":"offline",...} (retained) there.
// - Bandwidth cap (bandwidth_budget.h; cap_bytes_per_hour, 0 = off): crops that do not fit the
//   current hour's budget are deferred. The drain is in sequence order, except that a deferred
//   crop is stepped over: events and status after it keep flowing (they are never deferred),
//   and while crops are deferred every later crop is deferred too, so crops stay in order among
//   themselves. Deferred crops are published, oldest first, after the events waiting at that
//   moment, once the hour changes (or after a reconnect) and they fit. A crop therefore may
//   arrive after events that were committed later than it; it names its event id.
// - Errors: a refused connection (CONNACK) and transport errors (TLS handshake, DNS) are
//   reported in stats().last_error as one line naming the broker and the reason ("not
//   authorised", "certificate verify failed"); the publisher keeps retrying with backoff and
//   the outbox keeps everything meanwhile.
// - State: kConnecting until the first connection; kConnected; kUnavailable when there has been
//   no connection for unavailable_after (the outbox keeps everything meanwhile); kStopped.
// Thread-safety: Start/Stop/Notify/state/stats are thread-safe. The publisher owns one drain
// worker (core/worker.h); transport callbacks, Notify() and Stop() only post events to its
// unbounded mailbox (core/bounded_queue.h), so no acknowledgement is ever lost to a full queue. The
// outbox is borrowed and must outlive the publisher. Failure: Start() fails for bad options or a
// transport that cannot start; runtime errors (outbox I/O) are kept in stats().last_error and
// retried.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/bounded_queue.h"
#include "core/worker.h"
#include "edgesight/status.h"
#include "edgesight/time.h"
#include "uplink/bandwidth_budget.h"
#include "uplink/mqtt_transport.h"
#include "uplink/outbox.h"

namespace es {

struct PublisherOptions {
  std::string device_id = "device";
  int qos = 1;
  // Entries published and not yet acknowledged by the broker, at most.
  int max_inflight = 16;
  // Drain thread wakes up at least this often (also woken by Notify() and transport events).
  Duration poll_interval = Duration::Millis(50);
  // No connection for this long -> state kUnavailable.
  Duration unavailable_after = Duration::Seconds(3);
  // Retry delay after an outbox read error.
  Duration error_retry = Duration::Millis(200);
  // On Stop(), how long to wait for the broker to acknowledge the retained offline status.
  Duration goodbye_timeout = Duration::Seconds(1);
  // Periodic status; zero or negative: only on connect.
  Duration status_interval = Duration::Seconds(30);
  // Bytes per UTC hour (all kinds) above which crops are deferred; 0 = no cap.
  int64_t cap_bytes_per_hour = 0;
  // Wall clock (µs since the Unix epoch) for the hour of the budget and accounting; tests
  // inject one. Empty: WallNowMicros.
  std::function<int64_t()> wall_now;
  // Called once, on the drain thread, when the broker refuses our credentials (CONNACK 4 bad
  // user name or password, 5 not authorised), with the one-line reason. Optional.
  std::function<void(const std::string&)> on_refused;
  // Process start, for the status's uptime; zero: the time Start() was called.
  Timestamp process_start;
  // Messages received on the transport's subscriptions (MosquittoOptions::subscriptions, e.g.
  // the backend's verdicts), called on the transport thread (mqtt_transport.h). Optional.
  std::function<void(const std::string& topic, std::string_view payload)> on_message;
};

enum class PublisherState { kStopped, kConnecting, kConnected, kUnavailable };
const char* PublisherStateName(PublisherState s);

struct PublisherStats {
  PublisherState state = PublisherState::kStopped;
  int64_t published = 0;  // PUBLISH handed to the transport (including re-sends)
  int64_t resent = 0;     // of which re-sends after a lost connection
  int64_t acked = 0;      // entries deleted from the outbox after PUBACK
  int64_t connects = 0;
  int64_t disconnects = 0;
  int inflight = 0;
  std::array<int64_t, kOutboxKindCount> bytes_sent{};  // payload bytes per OutboxKind
  int64_t status_published = 0;                        // status messages handed to the transport
  int64_t crops_deferred = 0;    // times a crop was found not to fit the hour's budget
  bool deferring_crops = false;  // crops are being held back now
  int last_connack = 0;          // CONNACK code of the last refused connection (0: none)
  std::string last_error;
};

std::string StatusTopic(const std::string& device_id);

class MqttPublisher {
 public:
  MqttPublisher(Outbox* outbox, std::unique_ptr<MqttTransport> transport, PublisherOptions options);
  // Builds a libmosquitto transport whose last will is OfflineStatusJson (retained) on
  // StatusTopic().
  static Result<std::unique_ptr<MqttPublisher>> Create(Outbox* outbox, MosquittoOptions mqtt,
                                                       PublisherOptions options);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  Status Start();
  // What the retained status reports as "readiness" from now on (status_message.h), computed
  // on the drain thread each time a status goes out; it must be thread-safe and outlive Stop().
  void SetReadiness(std::function<nlohmann::ordered_json()> readiness);
  // What the retained status reports as "model" from now on; same rules as SetReadiness.
  void SetModel(std::function<std::string()> model);
  // Disconnects and joins the drain thread; unacknowledged entries stay in the outbox.
  void Stop();
  // Wakes the drain thread (call after Outbox::Append for low latency).
  void Notify();

  PublisherState state() const;
  PublisherStats stats() const;

 private:
  struct Event {
    enum Type { kConnect, kDisconnect, kPublished, kError, kNotify, kStop } type;
    int value = 0;     // rc or mid
    std::string text;  // kError
  };
  struct Inflight {
    int64_t seq;
    OutboxKind kind;
    int64_t wire_bytes;
  };
  void Push(Event e);
  void Run();
  void HandleEvents(std::deque<Event>& events);
  void Fill();
  // Publishes one entry; false when the transport refused (the connection is gone).
  bool PublishEntry(const OutboxEntry& entry);
  // Whether `entry` (a crop) fits the budget of `hour` now.
  bool CropFits(const OutboxEntry& entry, int64_t hour);
  void PublishStatus();
  void SayGoodbye();
  int64_t WallNow() const;
  void SetError(const std::string& e);

  Outbox* outbox_;
  std::unique_ptr<MqttTransport> transport_;
  PublisherOptions options_;

  mutable std::mutex mu_;  // guards everything below except drain-thread-only state
  bool running_ = false;
  bool connected_ = false;
  bool ever_connected_ = false;
  bool refusal_reported_ = false;
  Timestamp down_since_;
  PublisherStats stats_;
  std::function<nlohmann::ordered_json()> readiness_;
  std::function<std::string()> model_;
  BoundedQueue<Event> events_{"mqtt-publisher", BoundedQueue<Event>::kUnbounded,
                              QueuePolicy::kBlock};
  Worker thread_;

  // Drain-thread only.
  std::unordered_map<int, Inflight> inflight_;    // mid -> entry
  int64_t inflight_bytes_ = 0;                    // wire bytes of inflight_
  std::unordered_map<int, int64_t> status_mids_;  // status mid -> wire bytes
  int64_t cursor_ = 0;         // highest seq published (or stepped over) on this connection
  int64_t max_seq_sent_ = 0;   // highest seq ever published
  int64_t deferred_from_ = 0;  // > 0: crops with seq in [deferred_from_, cursor_] are deferred
  int64_t deferred_hour_ = 0;  // the hour in which they last did not fit
  Timestamp last_status_;
  Timestamp started_;
  BandwidthBudget budget_;
};

}  // namespace es
