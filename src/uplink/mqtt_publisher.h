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
// - On every accepted connection it publishes "online" (retained) on
//   edgesight/v1/<device>/status; the transport's last will publishes "offline" (retained) there.
// - State: kConnecting until the first connection; kConnected; kUnavailable when there has been
//   no connection for unavailable_after (the outbox keeps everything meanwhile); kStopped.
// Thread-safety: Start/Stop/Notify/state/stats are thread-safe. The publisher owns one drain
// thread; transport callbacks only enqueue events for it. The outbox is borrowed and must
// outlive the publisher. Failure: Start() fails for bad options or a transport that cannot start;
// runtime errors (outbox I/O) are kept in stats().last_error and retried.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "edgesight/status.h"
#include "edgesight/time.h"
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
  std::string last_error;
};

std::string StatusTopic(const std::string& device_id);

class MqttPublisher {
 public:
  MqttPublisher(Outbox* outbox, std::unique_ptr<MqttTransport> transport,
                PublisherOptions options);
  // Builds a libmosquitto transport whose last will is "offline" (retained) on StatusTopic().
  static Result<std::unique_ptr<MqttPublisher>> Create(Outbox* outbox, MosquittoOptions mqtt,
                                                       PublisherOptions options);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  Status Start();
  // Disconnects and joins the drain thread; unacknowledged entries stay in the outbox.
  void Stop();
  // Wakes the drain thread (call after Outbox::Append for low latency).
  void Notify();

  PublisherState state() const;
  PublisherStats stats() const;

 private:
  struct Event {
    enum Type { kConnect, kDisconnect, kPublished } type;
    int value;  // rc or mid
  };
  struct Inflight {
    int64_t seq;
    OutboxKind kind;
  };
  void Push(Event e);
  void Run();
  void HandleEvents(std::deque<Event>& events);
  void Fill();
  void SetError(const std::string& e);

  Outbox* outbox_;
  std::unique_ptr<MqttTransport> transport_;
  PublisherOptions options_;

  mutable std::mutex mu_;  // guards everything below except drain-thread-only state
  std::condition_variable cv_;
  std::deque<Event> events_;
  bool stop_ = false;
  bool notified_ = false;
  bool running_ = false;
  bool connected_ = false;
  bool ever_connected_ = false;
  Timestamp down_since_;
  PublisherStats stats_;
  std::thread thread_;

  // Drain-thread only.
  std::unordered_map<int, Inflight> inflight_;  // mid -> entry
  int64_t cursor_ = 0;                          // highest seq published on this connection
  int64_t max_seq_sent_ = 0;                    // highest seq ever published
};

}  // namespace es
