// TLS and username/password against a real mosquitto on 127.0.0.1 (free port). The test makes
// a CA and a server certificate (SAN IP:127.0.0.1) with the openssl CLI and a password file
// with mosquitto_passwd -b in a mkdtemp folder; the broker requires both (allow_anonymous
// false). Every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "uplink/mqtt_publisher.h"
#include "uplink/mqtt_test_util.h"

namespace es {
namespace {

namespace fs = std::filesystem;
using mqtt_test::MosquittoProcess;
using mqtt_test::WaitFor;
constexpr const char* kPasswd = "/usr/bin/mosquitto_passwd";
constexpr const char* kOpenssl = "/usr/bin/openssl";

bool Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

// CA, server certificate, a second unrelated CA and a password file in the broker's directory;
// the broker requires TLS and a password.
class TlsBroker {
 public:
  TlsBroker()
      : broker_(mqtt_test::FreePort(),
                "cafile {dir}/ca.crt\ncertfile {dir}/server.crt\nkeyfile {dir}/server.key\n"
                "allow_anonymous false\npassword_file {dir}/passwd\n") {}
  bool Make() {
    const std::string o = std::string(kOpenssl), d = broker_.dir() + "/";
    std::ofstream(d + "ext.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    bool ok =
        Run(o + " req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=es-test-ca -keyout " + d +
            "ca.key -out " + d + "ca.crt") &&
        Run(o + " req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + d +
            "server.key -out " + d + "server.csr") &&
        Run(o + " x509 -req -days 2 -in " + d + "server.csr -CA " + d + "ca.crt -CAkey " + d +
            "ca.key -CAcreateserial -extfile " + d + "ext.cnf -out " + d + "server.crt") &&
        Run(o + " req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout " + d +
            "other.key -out " + d + "other.crt") &&
        Run(std::string(kPasswd) + " -b -c " + d + "passwd edge s3cret");
    if (!ok) return false;
    for (const char* f : {"ca.crt", "server.crt", "server.key", "passwd", "other.crt"}) {
      fs::permissions(d + f, fs::perms::owner_read | fs::perms::owner_write |
                                 fs::perms::group_read | fs::perms::others_read);
    }
    return true;
  }
  bool Start() { return broker_.Start(); }
  std::string file(const char* name) const { return broker_.file(name); }
  int port() const { return broker_.port(); }

 private:
  MosquittoProcess broker_;
};

// Subscriber over TLS with the right credentials.
mqtt_test::SubscriberOptions TlsSubscriber(const TlsBroker& b, const std::string& topic) {
  mqtt_test::SubscriberOptions o;
  o.port = b.port();
  o.topic = topic;
  o.cafile = b.file("ca.crt");
  o.username = "edge";
  o.password = "s3cret";
  return o;
}

class MqttTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {MosquittoProcess::kBinary, kPasswd, kOpenssl}) {
      if (access(tool, X_OK) != 0) GTEST_SKIP() << tool << " is not installed";
    }
    ASSERT_TRUE(broker_.Make()) << "openssl / mosquitto_passwd failed";
    ASSERT_TRUE(broker_.Start());
    char tmpl[] = "/tmp/es_tls_outbox_XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto r = Outbox::Open(dir_ + "/o.db");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    outbox_ = std::move(r).value();
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(outbox_
                      ->Append(OutboxKind::kEvent, "edgesight/v1/dev/s/events",
                               "{\"id\":\"dev/s/" + std::to_string(i) + "\"}",
                               "dev/s/" + std::to_string(i))
                      .ok());
    }
  }
  void TearDown() override {
    pub_.reset();
    outbox_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void StartPublisher(const std::string& cafile, const std::string& password) {
    MosquittoOptions m;
    m.port = broker_.port();
    m.client_id = "es-tls-pub";
    m.tls_cafile = cafile;
    m.username = "edge";
    m.password = password;
    m.reconnect_delay_min_s = 1;
    m.reconnect_delay_max_s = 2;
    m.reconnect_jitter_s = 0;
    PublisherOptions p;
    p.device_id = "dev";
    p.unavailable_after = Duration::Seconds(1);
    auto r = MqttPublisher::Create(outbox_.get(), m, p);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    pub_ = std::move(r).value();
    ASSERT_TRUE(pub_->Start().ok());
  }

  TlsBroker broker_;
  std::string dir_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<MqttPublisher> pub_;
};

TEST_F(MqttTlsTest, RightCredentialsOverTlsDeliverEverything) {
  mqtt_test::TestSubscriber sub(TlsSubscriber(broker_, "edgesight/v1/dev/#"));
  ASSERT_TRUE(WaitFor([&] { return sub.subscribed(); }, 5)) << "subscriber could not connect";
  StartPublisher(broker_.file("ca.crt"), "s3cret");
  auto events = [&] {
    int n = 0;
    for (auto& [t, p] : sub.messages()) n += t == "edgesight/v1/dev/s/events";
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return events() >= 10; }, 10))
      << events() << " " << pub_->stats().last_error;
  ASSERT_TRUE(WaitFor([&] { return outbox_->Depth() == 0; }, 5));
  int i = 0;
  bool saw_status = false;
  for (auto& [t, p] : sub.messages()) {
    if (t == "edgesight/v1/dev/s/events") {
      EXPECT_EQ(p, "{\"id\":\"dev/s/" + std::to_string(i++) + "\"}");
    } else if (t == "edgesight/v1/dev/status") {
      auto j = nlohmann::json::parse(p);
      EXPECT_EQ(j["state"], "online");
      saw_status = true;
    }
  }
  EXPECT_TRUE(saw_status);
  EXPECT_EQ(pub_->state(), PublisherState::kConnected);
  EXPECT_TRUE(pub_->stats().last_error.empty()) << pub_->stats().last_error;
}

TEST_F(MqttTlsTest, WrongPasswordIsRefusedNotAuthorisedAndOutboxKeepsEverything) {
  StartPublisher(broker_.file("ca.crt"), "wrong");
  ASSERT_TRUE(WaitFor([&] { return pub_->stats().last_connack != 0; }, 10))
      << pub_->stats().last_error;
  PublisherStats st = pub_->stats();
  EXPECT_NE(st.last_error.find("refused the connection"), std::string::npos) << st.last_error;
  RecordProperty("last_error", st.last_error);
  EXPECT_NE(st.last_error.find("not authorised"), std::string::npos) << st.last_error;
  EXPECT_NE(st.last_error.find("127.0.0.1:" + std::to_string(broker_.port())), std::string::npos);
  EXPECT_NE(pub_->state(), PublisherState::kConnected);
  EXPECT_EQ(st.published, 0);
  EXPECT_EQ(outbox_->Depth(), 10);
  auto start = std::chrono::steady_clock::now();
  pub_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(outbox_->Depth(), 10);
}

TEST_F(MqttTlsTest, WrongCaIsAClearTlsErrorAndOutboxKeepsEverything) {
  StartPublisher(broker_.file("other.crt"), "s3cret");
  ASSERT_TRUE(WaitFor(
      [&] {
        return pub_->stats().last_error.find("certificate verify failed") != std::string::npos;
      },
      10))
      << pub_->stats().last_error;
  PublisherStats st = pub_->stats();
  EXPECT_NE(st.last_error.find("SSL"), std::string::npos) << st.last_error;
  RecordProperty("last_error", st.last_error);
  EXPECT_EQ(st.connects, 0);
  EXPECT_EQ(outbox_->Depth(), 10);
  // The publisher stays up (retrying with backoff) and stops promptly.
  auto start = std::chrono::steady_clock::now();
  pub_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(outbox_->Depth(), 10);
}

}  // namespace
}  // namespace es
