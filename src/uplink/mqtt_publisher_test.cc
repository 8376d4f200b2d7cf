// Publisher unit tests against a scripted transport (no broker).
#include "uplink/mqtt_publisher.h"
#include "uplink/status_message.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

namespace es {
namespace {

class FakeTransport final : public MqttTransport {
 public:
  struct Sent {
    int mid;
    std::string topic;
    std::string payload;
    bool retain = false;
  };
  Status Start(MqttTransportCallbacks cb) override {
    std::lock_guard<std::mutex> lock(mu_);
    cb_ = std::move(cb);
    return Status::Ok();
  }
  Result<int> Publish(const std::string& topic, std::string_view payload, int,
                      bool retain) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) return Unavailable("fake: no connection");
    int mid = ++next_mid_;
    sent_.push_back({mid, topic, std::string(payload), retain});
    if (topic.find("/status") == std::string::npos) {
      unacked_.push_back(mid);
    } else {
      status_unacked_.push_back(mid);
    }
    max_unacked_ = std::max(max_unacked_, unacked_.size());
    return mid;
  }
  void Stop() override {}
  std::string Describe() const override { return "fake:0"; }

  void Connect() {
    { std::lock_guard<std::mutex> lock(mu_); connected_ = true; }
    cb_.on_connect(0);
  }
  void Drop() {
    { std::lock_guard<std::mutex> lock(mu_); connected_ = false; unacked_.clear(); }
    cb_.on_disconnect(7);
  }
  void Refuse(int connack) { cb_.on_connect(connack); }
  void Error(const std::string& text) { cb_.on_error(text); }
  // PUBACKs for the status messages.
  int AckStatus() {
    std::vector<int> mids;
    { std::lock_guard<std::mutex> lock(mu_); mids.swap(status_unacked_); }
    for (int m : mids) cb_.on_publish(m);
    return static_cast<int>(mids.size());
  }
  // PUBACKs for every outstanding message.
  int AckAll() {
    std::vector<int> mids;
    { std::lock_guard<std::mutex> lock(mu_); mids.swap(unacked_); }
    for (int m : mids) cb_.on_publish(m);
    return static_cast<int>(mids.size());
  }
  std::vector<Sent> sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  size_t unacked() { std::lock_guard<std::mutex> lock(mu_); return unacked_.size(); }
  size_t max_unacked() { std::lock_guard<std::mutex> lock(mu_); return max_unacked_; }

 private:
  std::mutex mu_;
  MqttTransportCallbacks cb_;
  bool connected_ = false;
  int next_mid_ = 0;
  std::vector<Sent> sent_;
  std::vector<int> unacked_;
  std::vector<int> status_unacked_;
  size_t max_unacked_ = 0;
};

bool WaitFor(const std::function<bool()>& pred, double seconds = 10) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/es_pub_XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto r = Outbox::Open(dir_ + "/o.db");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    outbox_ = std::move(r).value();
    PublisherOptions o;
    o.device_id = "dev";
    o.max_inflight = 4;
    o.poll_interval = Duration::Millis(5);
    o.unavailable_after = Duration::Millis(200);
    o.wall_now = [this] { return wall_us_.load(); };
    MakePublisher(o);
  }
  void MakePublisher(const PublisherOptions& o) {
    pub_.reset();
    auto t = std::make_unique<FakeTransport>();
    fake_ = t.get();
    pub_ = std::make_unique<MqttPublisher>(outbox_.get(), std::move(t), o);
  }
  void TearDown() override {
    pub_.reset();
    outbox_.reset();
    std::filesystem::remove_all(dir_);
  }
  void AppendN(int n) {
    for (int i = 0; i < n; ++i) {
      std::string id = "m" + std::to_string(appended_++);
      ASSERT_TRUE(outbox_->Append(OutboxKind::kEvent, "edgesight/v1/dev/s/events",
                                  "{\"id\":\"" + id + "\"}", id)
                      .ok());
    }
    pub_->Notify();
  }
  std::vector<FakeTransport::Sent> DataSent() {
    std::vector<FakeTransport::Sent> out;
    for (auto& s : fake_->sent()) {
      if (s.topic.find("/status") == std::string::npos) out.push_back(s);
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<Outbox> outbox_;
  FakeTransport* fake_ = nullptr;
  std::unique_ptr<MqttPublisher> pub_;
  int appended_ = 0;
  std::atomic<int64_t> wall_us_{480'000 * kMicrosPerHour + 17};
};

TEST_F(PublisherTest, NothingLeavesBeforeConnectAndStateBecomesUnavailable) {
  AppendN(5);
  ASSERT_TRUE(pub_->Start().ok());
  EXPECT_EQ(pub_->state(), PublisherState::kConnecting);
  ASSERT_TRUE(WaitFor([&] { return pub_->state() == PublisherState::kUnavailable; }, 5));
  EXPECT_TRUE(fake_->sent().empty());
  EXPECT_EQ(outbox_->Depth(), 5);
  EXPECT_FALSE(pub_->stats().last_error.empty());
}

TEST_F(PublisherTest, DrainsInOrderAndAcksOnlyOnPuback) {
  AppendN(10);
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  ASSERT_TRUE(WaitFor([&] { return fake_->unacked() == 4; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(fake_->unacked(), 4u) << "in-flight bound exceeded";
  EXPECT_EQ(outbox_->Depth(), 10) << "acked before PUBACK";
  // Status "online" is published retained on connect.
  auto all = fake_->sent();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].topic, "edgesight/v1/dev/status");
  auto status = nlohmann::json::parse(all[0].payload);
  EXPECT_EQ(status["v"], 1);
  EXPECT_EQ(status["state"], "online");
  EXPECT_EQ(status["outbox"]["depth"], 10);
  while (outbox_->Depth() > 0) {
    fake_->AckAll();
    ASSERT_TRUE(WaitFor([&] { return fake_->unacked() > 0 || outbox_->Depth() == 0; }));
  }
  auto data = DataSent();
  ASSERT_EQ(data.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(data[i].payload, "{\"id\":\"m" + std::to_string(i) + "\"}");
  EXPECT_LE(fake_->max_unacked(), 4u);
  // The drain thread counts an ack just after the outbox commit that the loop above watched.
  EXPECT_TRUE(WaitFor([&] { return pub_->stats().acked == 10; })) << pub_->stats().acked;
  EXPECT_EQ(pub_->stats().state, PublisherState::kConnected);
}

TEST_F(PublisherTest, ResendsUnackedAfterReconnectWithSameIds) {
  AppendN(6);
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  ASSERT_TRUE(WaitFor([&] { return fake_->unacked() == 4; }));
  fake_->Drop();  // m0..m3 in flight, lost
  ASSERT_TRUE(WaitFor([&] { return pub_->state() != PublisherState::kConnected; }));
  EXPECT_EQ(outbox_->Depth(), 6);
  fake_->Connect();
  ASSERT_TRUE(WaitFor([&] { return fake_->unacked() == 4; }));
  while (outbox_->Depth() > 0) {
    fake_->AckAll();
    ASSERT_TRUE(WaitFor([&] { return fake_->unacked() > 0 || outbox_->Depth() == 0; }));
  }
  auto data = DataSent();
  ASSERT_EQ(data.size(), 10u);  // 4 lost + 6 after the reconnect
  for (int i = 0; i < 4; ++i) EXPECT_EQ(data[i].payload, data[4 + i].payload);
  EXPECT_EQ(data[9].payload, "{\"id\":\"m5\"}");
  EXPECT_EQ(pub_->stats().resent, 4);
  EXPECT_EQ(pub_->stats().disconnects, 1);
}

TEST_F(PublisherTest, LatePubackFromLostConnectionIsIgnored) {
  AppendN(2);
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  ASSERT_TRUE(WaitFor([&] { return fake_->unacked() == 2; }));
  fake_->Drop();
  ASSERT_TRUE(WaitFor([&] { return pub_->state() != PublisherState::kConnected; }));
  // No reconnect yet: nothing may be deleted.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(outbox_->Depth(), 2);
  pub_->Stop();
  EXPECT_EQ(pub_->state(), PublisherState::kStopped);
  EXPECT_EQ(outbox_->Depth(), 2);
}


// Drains with PUBACKs until the outbox holds `left` entries (bounded).
void AckUntilDepth(FakeTransport* fake, Outbox* outbox, int64_t left) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (outbox->Depth() > left && std::chrono::steady_clock::now() < deadline) {
    fake->AckAll();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST_F(PublisherTest, PeriodicStatusJsonIsRetainedAndAccounted) {
  PublisherOptions o;
  o.device_id = "dev";
  o.poll_interval = Duration::Millis(5);
  o.status_interval = Duration::Millis(40);
  o.wall_now = [this] { return wall_us_.load(); };
  MakePublisher(o);
  AppendN(3);
  EXPECT_EQ(nlohmann::json::parse(OnlineStatusJson({})).count("readiness"), 0u);  // none given
  EXPECT_EQ(nlohmann::json::parse(OnlineStatusJson({})).count("model"), 0u);
  pub_->SetReadiness([] { return nlohmann::ordered_json{{"ready", false}}; });
  pub_->SetModel([] { return std::string("det@2"); });
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  auto status_count = [&] {
    int n = 0;
    for (auto& m : fake_->sent()) n += m.topic == "edgesight/v1/dev/status";
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return status_count() >= 3; }, 5)) << status_count();
  AckUntilDepth(fake_, outbox_.get(), 0);
  ASSERT_EQ(outbox_->Depth(), 0);
  // A status sent after the drain reports the bytes the events used.
  const int before = status_count();
  ASSERT_TRUE(WaitFor([&] { return status_count() > before + 1; }, 5));
  nlohmann::json last;
  for (auto& m : fake_->sent()) {
    if (m.topic == "edgesight/v1/dev/status") last = nlohmann::json::parse(m.payload);
  }
  EXPECT_EQ(last["v"], 1);
  EXPECT_EQ(last["state"], "online");
  EXPECT_EQ(last["device"], "dev");
  EXPECT_EQ(last["outbox"]["depth"], 0);
  EXPECT_EQ(last["publisher"]["state"], "connected");
  EXPECT_EQ(last["publisher"]["acked"], 3);
  EXPECT_EQ(last["readiness"]["ready"], false);  // what the runtime says, as /readyz
  EXPECT_EQ(last["model"], "det@2");                // the model in use (fleet rollouts)
  const int64_t ev_bytes = 3 * MqttPublishWireBytes(25, 11);  // topic 25, {"id":"mN"}
  EXPECT_EQ(last["sent_bytes"]["hour"]["event"], ev_bytes);
  EXPECT_EQ(last["sent_bytes"]["total"]["event"], ev_bytes);
  EXPECT_GE(last["uptime_s"].get<double>(), 0.0);
  // Status PUBACKs are accounted as kind status in the outbox database.
  ASSERT_GT(fake_->AckStatus(), 0);
  const int64_t hour = UnixHour(wall_us_.load());
  ASSERT_TRUE(WaitFor([&] {
    auto h = outbox_->SentInHour(hour);
    return h.ok() && h->messages[static_cast<int>(OutboxKind::kStatus)] > 0;
  }));
  EXPECT_GT(pub_->stats().status_published, 2);
}

// A clean disconnect suppresses the broker's last will, so a stop while connected must say
// "offline" itself (retained) and wait for the broker to have it.
TEST_F(PublisherTest, StopWhileConnectedPublishesRetainedOfflineStatus) {
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  auto last_status = [&] {
    FakeTransport::Sent last{};
    for (auto& m : fake_->sent()) {
      if (m.topic == "edgesight/v1/dev/status") last = m;
    }
    return last;
  };
  ASSERT_TRUE(WaitFor([&] { return !last_status().payload.empty(); }));
  std::jthread broker([&] {
    // Acknowledges the offline status as soon as it is published.
    WaitFor([&] { return last_status().payload.find("offline") != std::string::npos; });
    fake_->AckStatus();
  });
  pub_->Stop();
  const FakeTransport::Sent last = last_status();
  EXPECT_EQ(nlohmann::json::parse(last.payload)["state"], "offline");
  EXPECT_TRUE(last.retain);
  // Stop waited for the PUBACKs: the online and the offline status are accounted as sent.
  auto h = outbox_->SentInHour(UnixHour(wall_us_.load()));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->messages[static_cast<int>(OutboxKind::kStatus)], 2);
}

TEST_F(PublisherTest, StopWhileDisconnectedLeavesTheOfflineStatusToTheWill) {
  ASSERT_TRUE(pub_->Start().ok());
  pub_->Stop();
  EXPECT_TRUE(fake_->sent().empty());
}

TEST(PublisherStatusTest, OfflineWillIsVersionedJson) {
  auto j = nlohmann::json::parse(OfflineStatusJson("edge7"));
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["state"], "offline");
  EXPECT_EQ(j["device"], "edge7");
}

// Cap: crops that do not fit the hour wait in the outbox, events behind them keep flowing; the
// next hour sends the deferred crops in order.
TEST_F(PublisherTest, BandwidthCapDefersCropsNeverEvents) {
  PublisherOptions o;
  o.device_id = "dev";
  o.max_inflight = 4;
  o.poll_interval = Duration::Millis(5);
  o.status_interval = Duration::Seconds(0);
  o.cap_bytes_per_hour = 1300;  // two crops (633 wire bytes each) fit, three do not
  o.wall_now = [this] { return wall_us_.load(); };
  MakePublisher(o);
  const std::string ev_topic = "edgesight/v1/dev/s/events", cr_topic = "edgesight/v1/dev/s/crops";
  auto ev = [&](const std::string& id) {
    ASSERT_TRUE(outbox_->Append(OutboxKind::kEvent, ev_topic, "{\"id\":\"" + id + "\"}", id).ok());
  };
  auto crop = [&](const std::string& id) {
    ASSERT_TRUE(outbox_->Append(OutboxKind::kCrop, cr_topic, id + std::string(600, 'j'), id).ok());
  };
  const int64_t crop_wire = MqttPublishWireBytes(cr_topic.size(), 602);
  // e0 c0 e1 c1 e2 c2 e3 e4: c0 fits (673 of 1300 with e0 in flight), c1 does not (1346).
  ev("e0"); crop("c0"); ev("e1"); crop("c1"); ev("e2"); crop("c2"); ev("e3"); ev("e4");
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  AckUntilDepth(fake_, outbox_.get(), 2);
  ASSERT_EQ(outbox_->Depth(), 2) << "events must not wait behind deferred crops";
  auto ids = [&] {
    std::vector<std::string> out;
    for (auto& m : DataSent()) out.push_back(m.payload.substr(0, 2) == "{\"" ? m.payload.substr(7, 2)
                                                                          : m.payload.substr(0, 2));
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<std::string>{"e0", "c0", "e1", "e2", "e3", "e4"}));
  EXPECT_TRUE(pub_->stats().deferring_crops);
  EXPECT_GE(pub_->stats().crops_deferred, 1);
  // More events in the same hour still flow at once; a new crop waits behind c1, c2.
  ev("e5"); crop("c3"); ev("e6");
  pub_->Notify();
  AckUntilDepth(fake_, outbox_.get(), 3);
  ASSERT_EQ(outbox_->Depth(), 3);
  auto remaining = outbox_->Peek(10);
  ASSERT_TRUE(remaining.ok());
  for (auto& e : *remaining) EXPECT_EQ(e.kind, OutboxKind::kCrop) << e.message_id;
  // The next hour has room for two: c1 and c2 go, oldest first; c3 waits for the hour after.
  const int64_t h0 = UnixHour(wall_us_.load());
  wall_us_ += kMicrosPerHour;
  AckUntilDepth(fake_, outbox_.get(), 1);
  ASSERT_EQ(outbox_->Depth(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fake_->AckAll();
  EXPECT_EQ(outbox_->Depth(), 1);
  wall_us_ += kMicrosPerHour;
  AckUntilDepth(fake_, outbox_.get(), 0);
  ASSERT_EQ(outbox_->Depth(), 0);
  EXPECT_EQ(ids(), (std::vector<std::string>{"e0", "c0", "e1", "e2", "e3", "e4", "e5", "e6",
                                             "c1", "c2", "c3"}));
  ASSERT_TRUE(WaitFor([&] { return !pub_->stats().deferring_crops; }));
  // Accounting: the first hour holds all events and c0; then two crops, then one.
  auto a0 = outbox_->SentInHour(h0);
  auto a1 = outbox_->SentInHour(h0 + 1);
  auto a2 = outbox_->SentInHour(h0 + 2);
  ASSERT_TRUE(a0.ok() && a1.ok() && a2.ok());
  EXPECT_EQ(a0->messages[static_cast<int>(OutboxKind::kEvent)], 7);
  EXPECT_EQ(a0->bytes[static_cast<int>(OutboxKind::kCrop)], crop_wire);
  EXPECT_EQ(a1->bytes[static_cast<int>(OutboxKind::kCrop)], 2 * crop_wire);
  EXPECT_EQ(a1->messages[static_cast<int>(OutboxKind::kEvent)], 0);
  EXPECT_EQ(a2->bytes[static_cast<int>(OutboxKind::kCrop)], crop_wire);
}

// A crop larger than the whole cap is not stuck forever: it goes first thing in an hour.
TEST_F(PublisherTest, CropLargerThanCapGoesAsFirstMessageOfAnHour) {
  PublisherOptions o;
  o.device_id = "dev";
  o.poll_interval = Duration::Millis(5);
  o.status_interval = Duration::Seconds(0);
  o.cap_bytes_per_hour = 100;
  o.wall_now = [this] { return wall_us_.load(); };
  MakePublisher(o);
  AppendN(2);
  ASSERT_TRUE(outbox_->Append(OutboxKind::kCrop, "edgesight/v1/dev/s/crops", std::string(500, 'j'),
                              "big").ok());
  AppendN(2);
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Connect();
  AckUntilDepth(fake_, outbox_.get(), 1);
  ASSERT_EQ(outbox_->Depth(), 1);
  EXPECT_EQ(DataSent().size(), 4u);
  wall_us_ += kMicrosPerHour;
  AckUntilDepth(fake_, outbox_.get(), 0);
  EXPECT_EQ(outbox_->Depth(), 0);
  EXPECT_EQ(DataSent().size(), 5u);
}

TEST_F(PublisherTest, RefusedConnectionAndTransportErrorsAreReportedClearly) {
  AppendN(3);
  ASSERT_TRUE(pub_->Start().ok());
  fake_->Refuse(5);
  ASSERT_TRUE(WaitFor([&] { return pub_->stats().last_connack == 5; }));
  PublisherStats st = pub_->stats();
  EXPECT_NE(st.last_error.find("not authorised"), std::string::npos) << st.last_error;
  EXPECT_NE(st.last_error.find("CONNACK 5"), std::string::npos) << st.last_error;
  EXPECT_NE(pub_->state(), PublisherState::kConnected);
  fake_->Error("connection failed: A TLS error occurred. (certificate verify failed)");
  ASSERT_TRUE(WaitFor([&] {
    return pub_->stats().last_error.find("certificate verify failed") != std::string::npos;
  }));
  EXPECT_NE(pub_->stats().last_error.find("fake:0"), std::string::npos);
  EXPECT_EQ(outbox_->Depth(), 3);
  EXPECT_TRUE(DataSent().empty());
}

}  // namespace
}  // namespace es
