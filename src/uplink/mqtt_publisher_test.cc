// Publisher unit tests against a scripted transport (no broker).
#include "uplink/mqtt_publisher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
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
  };
  Status Start(MqttTransportCallbacks cb) override {
    std::lock_guard<std::mutex> lock(mu_);
    cb_ = std::move(cb);
    return Status::Ok();
  }
  Result<int> Publish(const std::string& topic, std::string_view payload, int, bool) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!connected_) return Unavailable("fake: no connection");
    int mid = ++next_mid_;
    sent_.push_back({mid, topic, std::string(payload)});
    if (topic.find("/status") == std::string::npos) unacked_.push_back(mid);
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
    auto t = std::make_unique<FakeTransport>();
    fake_ = t.get();
    PublisherOptions o;
    o.device_id = "dev";
    o.max_inflight = 4;
    o.poll_interval = Duration::Millis(5);
    o.unavailable_after = Duration::Millis(200);
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
  EXPECT_EQ(all[0].payload, "online");
  while (outbox_->Depth() > 0) {
    fake_->AckAll();
    ASSERT_TRUE(WaitFor([&] { return fake_->unacked() > 0 || outbox_->Depth() == 0; }));
  }
  auto data = DataSent();
  ASSERT_EQ(data.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(data[i].payload, "{\"id\":\"m" + std::to_string(i) + "\"}");
  EXPECT_LE(fake_->max_unacked(), 4u);
  EXPECT_EQ(pub_->stats().acked, 10);
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

}  // namespace
}  // namespace es
