#include "uplink/mqtt_publisher.h"

#include <chrono>
#include <utility>
#include <vector>

#include "uplink/status_message.h"

namespace es {

const char* PublisherStateName(PublisherState s) {
  switch (s) {
    case PublisherState::kStopped:
      return "stopped";
    case PublisherState::kConnecting:
      return "connecting";
    case PublisherState::kConnected:
      return "connected";
    case PublisherState::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string StatusTopic(const std::string& device_id) {
  return "edgesight/v1/" + device_id + "/status";
}

MqttPublisher::MqttPublisher(Outbox* outbox, std::unique_ptr<MqttTransport> transport,
                             PublisherOptions options)
    : outbox_(outbox),
      transport_(std::move(transport)),
      options_(std::move(options)),
      budget_(options_.cap_bytes_per_hour) {}

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::Create(Outbox* outbox, MosquittoOptions mqtt,
                                                             PublisherOptions options) {
  if (options.device_id.empty()) return InvalidArgument("publisher device id must not be empty");
  mqtt.will_topic = StatusTopic(options.device_id);
  mqtt.will_payload = OfflineStatusJson(options.device_id);
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
  if (options_.cap_bytes_per_hour < 0) {
    return InvalidArgument("publisher cap_bytes_per_hour must be >= 0 (0 = no cap)");
  }
  started_ = options_.process_start.us != 0 ? options_.process_start : SteadyNow();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return Internal("publisher already started");
    running_ = true;
    down_since_ = SteadyNow();
  }
  MqttTransportCallbacks cb;
  cb.on_connect = [this](int rc) { Push({Event::kConnect, rc, {}}); };
  cb.on_disconnect = [this](int rc) { Push({Event::kDisconnect, rc, {}}); };
  cb.on_publish = [this](int mid) { Push({Event::kPublished, mid, {}}); };
  cb.on_error = [this](const std::string& text) { Push({Event::kError, 0, text}); };
  cb.on_message = options_.on_message;
  Status s = transport_->Start(std::move(cb));
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    return s;
  }
  thread_.Start("es-mqtt-pub", [this] { Run(); });
  return Status::Ok();
}

void MqttPublisher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
  }
  events_.Push({Event::kStop, 0, {}});
  thread_.Join();
  transport_->Stop();  // no callbacks after this returns
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
  connected_ = false;
  events_.Drain();
}

void MqttPublisher::Notify() { events_.Push({Event::kNotify, 0, {}}); }

void MqttPublisher::Push(Event e) { events_.Push(std::move(e)); }

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
    std::deque<Event> events = events_.PopAllUntil(std::chrono::steady_clock::now() + poll);
    for (const Event& e : events) {
      if (e.type == Event::kStop) return SayGoodbye();
    }
    HandleEvents(events);
    Fill();
  }
}

int64_t MqttPublisher::WallNow() const {
  return options_.wall_now ? options_.wall_now() : WallNowMicros();
}

void MqttPublisher::HandleEvents(std::deque<Event>& events) {
  std::vector<int64_t> acks;
  for (const Event& e : events) {
    switch (e.type) {
      case Event::kConnect: {
        std::string refused;
        std::unique_lock<std::mutex> lock(mu_);
        if (e.value == 0) {
          connected_ = true;
          ever_connected_ = true;
          stats_.connects++;
          stats_.last_error.clear();
          stats_.last_connack = 0;
        } else {
          stats_.last_connack = e.value;
          stats_.last_error = "broker " + transport_->Describe() +
                              " refused the connection: CONNACK " + std::to_string(e.value) + " (" +
                              ConnackReason(e.value) + ")";
          if ((e.value == 4 || e.value == 5) && !refusal_reported_) {
            refusal_reported_ = true;
            refused = stats_.last_error;
          }
        }
        lock.unlock();
        if (!refused.empty() && options_.on_refused) options_.on_refused(refused);
        break;
      }
      case Event::kDisconnect: {
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (connected_) down_since_ = SteadyNow();
          connected_ = false;
          stats_.disconnects++;
          stats_.deferring_crops = false;  // re-decided after the reconnect
        }
        // Everything not acknowledged is published again on the next connection.
        inflight_.clear();
        inflight_bytes_ = 0;
        status_mids_.clear();
        cursor_ = 0;
        deferred_from_ = 0;
        break;
      }
      case Event::kPublished: {
        auto st = status_mids_.find(e.value);
        if (st != status_mids_.end()) {
          Status s = outbox_->RecordSent(OutboxKind::kStatus, st->second, WallNow());
          if (!s.ok()) SetError("outbox accounting: " + s.ToString());
          status_mids_.erase(st);
          break;
        }
        auto it = inflight_.find(e.value);
        if (it == inflight_.end()) break;  // a mid from a lost connection
        acks.push_back(it->second.seq);
        inflight_bytes_ -= it->second.wire_bytes;
        inflight_.erase(it);
        break;
      }
      case Event::kError:
        SetError("broker " + transport_->Describe() + ": " + e.text);
        break;
      case Event::kNotify:  // only wakes the drain
      case Event::kStop:    // seen by Run()
        break;
    }
    if (e.type == Event::kConnect && e.value == 0) {
      inflight_.clear();
      inflight_bytes_ = 0;
      status_mids_.clear();
      cursor_ = 0;
      deferred_from_ = 0;
      PublishStatus();
    }
  }
  if (!acks.empty()) {
    Status s = outbox_->AckMany(acks, WallNow());
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

void MqttPublisher::SayGoodbye() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) return;  // the broker publishes the last will when it notices
  }
  const std::string topic = StatusTopic(options_.device_id);
  const std::string payload = OfflineStatusJson(options_.device_id);
  auto mid = transport_->Publish(topic, payload, options_.qos, /*retain=*/true);
  if (!mid.ok()) return SetError("offline status: " + mid.status().ToString());
  status_mids_[*mid] = MqttPublishWireBytes(topic.size(), payload.size(), options_.qos);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.status_published++;
  }
  // Bounded wait for its PUBACK: a clean disconnect suppresses the last will, so without the
  // retained "offline" the broker would keep saying "online" after we are gone.
  const Timestamp deadline = SteadyNow() + options_.goodbye_timeout;
  while (status_mids_.count(*mid) != 0 && SteadyNow() < deadline) {
    std::deque<Event> events =
        events_.PopAllUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(10));
    HandleEvents(events);
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) break;
  }
}

void MqttPublisher::SetReadiness(std::function<nlohmann::ordered_json()> readiness) {
  std::lock_guard<std::mutex> lock(mu_);
  readiness_ = std::move(readiness);
}

void MqttPublisher::SetModel(std::function<std::string()> model) {
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(model);
}

void MqttPublisher::PublishStatus() {
  std::function<nlohmann::ordered_json()> readiness;
  std::function<std::string()> model;
  StatusSnapshot snap;
  snap.device = options_.device_id;
  const int64_t now = WallNow();
  snap.unix_ms = now / 1000;
  snap.uptime_s = (SteadyNow() - started_).seconds();
  snap.outbox = outbox_->Stats();
  snap.oldest_age_s = outbox_->OldestAge(now).seconds();
  if (auto h = outbox_->SentInHour(UnixHour(now)); h.ok()) snap.sent_hour = h->bytes;
  if (auto t = outbox_->SentTotal(); t.ok()) snap.sent_total = t->bytes;
  snap.cap_bytes_per_hour = options_.cap_bytes_per_hour;
  snap.crops_deferred = deferred_from_ > 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snap.publisher_state =
        PublisherStateName(connected_ ? PublisherState::kConnected : PublisherState::kConnecting);
    snap.published = stats_.published;
    snap.acked = stats_.acked;
    snap.resent = stats_.resent;
    snap.connects = stats_.connects;
    snap.disconnects = stats_.disconnects;
    snap.inflight = static_cast<int>(inflight_.size());
    snap.last_error = stats_.last_error;
    readiness = readiness_;
    model = model_;
  }
  if (readiness) snap.readiness = readiness();
  if (model) snap.model = model();
  const std::string topic = StatusTopic(options_.device_id);
  const std::string payload = OnlineStatusJson(snap);
  last_status_ = SteadyNow();
  auto mid = transport_->Publish(topic, payload, options_.qos, /*retain=*/true);
  if (!mid.ok()) {
    SetError("status: " + mid.status().ToString());
    return;
  }
  status_mids_[*mid] = MqttPublishWireBytes(topic.size(), payload.size(), options_.qos);
  std::lock_guard<std::mutex> lock(mu_);
  stats_.status_published++;
}

bool MqttPublisher::CropFits(const OutboxEntry& entry, int64_t hour) {
  if (!budget_.enabled()) return true;
  auto acked = outbox_->SentInHour(hour);
  if (!acked.ok()) {
    SetError("outbox accounting: " + acked.status().ToString());
    return false;  // unknown budget: hold crops back, events still flow
  }
  const int64_t used = acked->total_bytes() + inflight_bytes_;
  return budget_.MayPublishCrop(
      used, MqttPublishWireBytes(entry.topic.size(), entry.payload.size(), options_.qos));
}

bool MqttPublisher::PublishEntry(const OutboxEntry& entry) {
  auto mid = transport_->Publish(entry.topic, entry.payload, options_.qos, false);
  if (!mid.ok()) {
    SetError(mid.status().ToString());
    return false;  // the disconnect event resets the cursor
  }
  const int64_t wire = MqttPublishWireBytes(entry.topic.size(), entry.payload.size(), options_.qos);
  inflight_[*mid] = {entry.seq, entry.kind, wire};
  inflight_bytes_ += wire;
  std::lock_guard<std::mutex> lock(mu_);
  stats_.published++;
  if (entry.seq <= max_seq_sent_) stats_.resent++;
  if (entry.seq > max_seq_sent_) max_seq_sent_ = entry.seq;
  stats_.bytes_sent[static_cast<int>(entry.kind)] += static_cast<int64_t>(entry.payload.size());
  stats_.inflight = static_cast<int>(inflight_.size());
  return true;
}

void MqttPublisher::Fill() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) return;
  }
  if (options_.status_interval.us > 0 && SteadyNow() - last_status_ >= options_.status_interval) {
    PublishStatus();
  }
  const int64_t hour = UnixHour(WallNow());
  auto room = [&] {
    return static_cast<int>(inflight_.size()) < options_.max_inflight
               ? static_cast<size_t>(options_.max_inflight) - inflight_.size()
               : size_t{0};
  };
  // 1. In sequence order; while crops are deferred, events and status only.
  bool full = false;
  while (room() > 0) {
    const unsigned mask = deferred_from_ > 0 ? kAllKinds & ~KindBit(OutboxKind::kCrop) : kAllKinds;
    auto batch = outbox_->PeekKinds(room(), cursor_, mask);
    if (!batch.ok()) {
      SetError("outbox peek: " + batch.status().ToString());
      return;
    }
    if (batch->empty()) break;
    bool deferred_now = false;
    for (const OutboxEntry& entry : *batch) {
      if (entry.kind == OutboxKind::kCrop && !CropFits(entry, hour)) {
        // Step over it: it and every later crop wait; events behind it keep flowing.
        deferred_from_ = entry.seq;
        deferred_hour_ = hour;
        cursor_ = entry.seq;
        deferred_now = true;
        std::lock_guard<std::mutex> lock(mu_);
        stats_.crops_deferred++;
        break;
      }
      if (!PublishEntry(entry)) return;
      cursor_ = entry.seq;
    }
    if (!deferred_now && room() == 0) full = true;
  }
  // 2. Deferred crops, oldest first, once a later hour may have room for them.
  bool waiting = !full && deferred_from_ > 0 && hour != deferred_hour_;
  while (waiting && room() > 0) {
    auto crops =
        outbox_->PeekKinds(room(), deferred_from_ - 1, KindBit(OutboxKind::kCrop), cursor_);
    if (!crops.ok()) {
      SetError("outbox peek: " + crops.status().ToString());
      return;
    }
    if (crops->empty()) {
      deferred_from_ = 0;  // caught up: crops flow in order again
      break;
    }
    for (const OutboxEntry& entry : *crops) {
      if (!CropFits(entry, hour)) {
        deferred_from_ = entry.seq;
        deferred_hour_ = hour;
        waiting = false;
        std::lock_guard<std::mutex> lock(mu_);
        stats_.crops_deferred++;
        break;
      }
      if (!PublishEntry(entry)) return;
      deferred_from_ = entry.seq + 1;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.deferring_crops = deferred_from_ > 0;
}

}  // namespace es
