// TLS and username/password against a real mosquitto on 127.0.0.1 (free port). The test makes
// a CA and a server certificate (SAN IP:127.0.0.1) with the openssl CLI and a password file
// with mosquitto_passwd -b in a mkdtemp folder; the broker requires both (allow_anonymous
// false). Every wait is bounded.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "uplink/mqtt_publisher.h"

namespace es {
namespace {

namespace fs = std::filesystem;
constexpr const char* kBroker = "/usr/sbin/mosquitto";
constexpr const char* kPasswd = "/usr/bin/mosquitto_passwd";
constexpr const char* kOpenssl = "/usr/bin/openssl";

bool WaitFor(const std::function<bool()>& pred, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool PortOpen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

bool Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

// CA, server certificate, a second unrelated CA, password file, broker config.
class TlsBroker {
 public:
  TlsBroker() {
    char tmpl[] = "/tmp/es_tls_XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = FreePort();
  }
  ~TlsBroker() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  bool Make() {
    const std::string o = std::string(kOpenssl), d = dir_ + "/";
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
    fs::permissions(dir_, fs::perms::all);  // mosquitto may drop root privileges
    for (const char* f : {"ca.crt", "server.crt", "server.key", "passwd", "other.crt"}) {
      fs::permissions(d + f, fs::perms::owner_read | fs::perms::owner_write |
                                 fs::perms::group_read | fs::perms::others_read);
    }
    std::ofstream c(d + "mosquitto.conf");
    c << "listener " << port_ << " 127.0.0.1\n"
      << "cafile " << d << "ca.crt\ncertfile " << d << "server.crt\nkeyfile " << d
      << "server.key\nallow_anonymous false\npassword_file " << d << "passwd\nlog_dest none\n";
    return true;
  }
  bool Start() {
    pid_ = fork();
    if (pid_ == 0) {
      std::string conf = dir_ + "/mosquitto.conf";
      execl(kBroker, kBroker, "-c", conf.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return WaitFor([&] { return PortOpen(port_); }, 5);
  }
  std::string file(const char* name) const { return dir_ + "/" + name; }
  int port() const { return port_; }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Subscriber over TLS with the right credentials.
class TlsSubscriber {
 public:
  TlsSubscriber(const TlsBroker& b, const std::string& topic) : topic_(topic) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, this);
    mosquitto_username_pw_set(m_, "edge", "s3cret");
    mosquitto_tls_set(m_, b.file("ca.crt").c_str(), nullptr, nullptr, nullptr, nullptr);
    mosquitto_connect_callback_set(m_, [](mosquitto* m, void* self, int rc) {
      auto* s = static_cast<TlsSubscriber*>(self);
      if (rc == 0) mosquitto_subscribe(m, nullptr, s->topic_.c_str(), 1);
    });
    mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
      auto* s = static_cast<TlsSubscriber*>(self);
      std::lock_guard<std::mutex> lock(s->mu_);
      s->subscribed_ = true;
    });
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto* s = static_cast<TlsSubscriber*>(self);
      std::lock_guard<std::mutex> lock(s->mu_);
      s->messages_.emplace_back(msg->topic,
                                std::string(static_cast<const char*>(msg->payload),
                                            static_cast<size_t>(msg->payloadlen)));
    });
    mosquitto_connect_async(m_, "127.0.0.1", b.port(), 10);
    mosquitto_loop_start(m_);
  }
  ~TlsSubscriber() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  bool subscribed() {
    std::lock_guard<std::mutex> lock(mu_);
    return subscribed_;
  }
  std::vector<std::pair<std::string, std::string>> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

 private:
  std::string topic_;
  mosquitto* m_;
  std::mutex mu_;
  bool subscribed_ = false;
  std::vector<std::pair<std::string, std::string>> messages_;
};

class MqttTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {kBroker, kPasswd, kOpenssl}) {
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
  TlsSubscriber sub(broker_, "edgesight/v1/dev/#");
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
