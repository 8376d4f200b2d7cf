#include "uplink/mqtt_publisher.h"

#include <chrono>
#include <utility>
#include <vector>

namespace es {

const char* PublisherStateName(PublisherState s) {
  switch (s) {
    case PublisherState::kStopped: return "stopped";
    case PublisherState::kConnecting: return "connecting";
    case PublisherState::kConnected: return "connected";
    case PublisherState::kUnavailable: return "unavailable";
  }
  return "unknown";
}

std::string StatusTopic(const std::string& device_id) {
  return "edgesight/v1/" + device_id + "/status";
}

MqttPublisher::MqttPublisher(Outbox* outbox, std::unique_ptr<MqttTransport> transport,
                             PublisherOptions options)
    : outbox_(outbox), transport_(std::move(transport)), options_(std::move(options)) {}

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::Create(Outbox* outbox,
                                                             MosquittoOptions mqtt,
                                                             PublisherOptions options) {
  if (options.device_id.empty()) return InvalidArgument("publisher device id must not be empty");
  mqtt.will_topic = StatusTopic(options.device_id);
  mqtt.will_payload = "offline";
  mqtt.will_retain = true;
  mqtt.will_qos = 1;
  if (mqtt.client_id.empty()) mqtt.client_id = "edgesight-" + options.device_id;
  ES_ASSIGN_OR_RETURN(auto transport, MakeMosquittoTransport(mqtt));
  return std::make_unique<MqttPublisher>(outbox, std::move(transport), std::move(options));
}

MqttPublisher::~MqttPublisher() { Stop(); }

Status MqttPublisher::Start() {
  if (outbox_ == nullptr || transport_ == nullptr) return InvalidArgument("publisher: no outbox");
  if (options_.max_inflight < 1) return InvalidArgument("publisher max_inflight must be >= 1");
  if (options_.qos < 0 || options_.qos > 2) return InvalidArgument("publisher qos must be 0..2");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return Internal("publisher already started");
    running_ = true;
    stop_ = false;
    down_since_ = SteadyNow();
  }
  MqttTransportCallbacks cb;
  cb.on_connect = [this](int rc) { Push({Event::kConnect, rc}); };
  cb.on_disconnect = [this](int rc) { Push({Event::kDisconnect, rc}); };
  cb.on_publish = [this](int mid) { Push({Event::kPublished, mid}); };
  Status s = transport_->Start(std::move(cb));
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    return s;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void MqttPublisher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  transport_->Stop();  // no callbacks after this returns
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
  connected_ = false;
  events_.clear();
}

void MqttPublisher::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

void MqttPublisher::Push(Event e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
  }
  cv_.notify_all();
}

PublisherState MqttPublisher::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!running_) return PublisherState::kStopped;
  if (connected_) return PublisherState::kConnected;
  if (SteadyNow() - down_since_ >= options_.unavailable_after) return PublisherState::kUnavailable;
  return PublisherState::kConnecting;
}

PublisherStats MqttPublisher::stats() const {
  PublisherState s = state();
  std::lock_guard<std::mutex> lock(mu_);
  PublisherStats out = stats_;
  out.state = s;
  if (s == PublisherState::kUnavailable && out.last_error.empty()) {
    out.last_error = "broker " + transport_->Describe() + " unreachable for " +
                     std::to_string((SteadyNow() - down_since_).seconds()) + " s";
  }
  return out;
}

void MqttPublisher::SetError(const std::string& e) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.last_error = e;
}

void MqttPublisher::Run() {
  const auto poll = std::chrono::microseconds(options_.poll_interval.us);
  while (true) {
    std::deque<Event> events;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, poll, [this] { return stop_ || notified_ || !events_.empty(); });
      if (stop_) return;
      notified_ = false;
      events.swap(events_);
    }
    HandleEvents(events);
    Fill();
  }
}

void MqttPublisher::HandleEvents(std::deque<Event>& events) {
  std::vector<int64_t> acks;
  std::vector<OutboxKind> ack_kinds;
  for (const Event& e : events) {
    switch (e.type) {
      case Event::kConnect: {
        std::lock_guard<std::mutex> lock(mu_);
        if (e.value == 0) {
          connected_ = true;
          ever_connected_ = true;
          stats_.connects++;
          stats_.last_error.clear();
        } else {
          stats_.last_error = "broker " + transport_->Describe() +
                              " refused the connection (CONNACK " + std::to_string(e.value) + ")";
        }
        break;
      }
      case Event::kDisconnect: {
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (connected_) down_since_ = SteadyNow();
          connected_ = false;
          stats_.disconnects++;
        }
        // Everything not acknowledged is published again on the next connection.
        inflight_.clear();
        cursor_ = 0;
        break;
      }
      case Event::kPublished: {
        auto it = inflight_.find(e.value);
        if (it == inflight_.end()) break;  // "online" status, or a mid from a lost connection
        acks.push_back(it->second.seq);
        ack_kinds.push_back(it->second.kind);
        inflight_.erase(it);
        break;
      }
    }
    if (e.type == Event::kConnect && e.value == 0) {
      inflight_.clear();
      cursor_ = 0;
      (void)transport_->Publish(StatusTopic(options_.device_id), "online", options_.qos, true);
    }
  }
  if (!acks.empty()) {
    Status s = outbox_->AckMany(acks);
    if (!s.ok()) {
      // The entries stay in the outbox and will be published again (duplicates, not loss).
      SetError("outbox ack: " + s.ToString());
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.acked += static_cast<int64_t>(acks.size());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.inflight = static_cast<int>(inflight_.size());
}

void MqttPublisher::Fill() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) return;
  }
  while (static_cast<int>(inflight_.size()) < options_.max_inflight) {
    size_t room = static_cast<size_t>(options_.max_inflight) - inflight_.size();
    auto batch = outbox_->Peek(room, cursor_);
    if (!batch.ok()) {
      SetError("outbox peek: " + batch.status().ToString());
      return;
    }
    if (batch->empty()) break;
    for (OutboxEntry& entry : *batch) {
      auto mid = transport_->Publish(entry.topic, entry.payload, options_.qos, false);
      if (!mid.ok()) {
        SetError(mid.status().ToString());
        return;  // the disconnect event resets the cursor
      }
      inflight_[*mid] = {entry.seq, entry.kind};
      cursor_ = entry.seq;
      std::lock_guard<std::mutex> lock(mu_);
      stats_.published++;
      if (entry.seq <= max_seq_sent_) stats_.resent++;
      stats_.bytes_sent[static_cast<int>(entry.kind)] += static_cast<int64_t>(entry.payload.size());
      stats_.inflight = static_cast<int>(inflight_.size());
    }
    if (max_seq_sent_ < cursor_) max_seq_sent_ = cursor_;
  }
}

}  // namespace es
