// Test scaffolding for MQTT integration tests and benchmarks: a real mosquitto broker as a child
// process and a libmosquitto subscriber that records what it receives. Header only (every
// function inline) so nothing test-only goes into es_uplink; include it from *_test.cc, tests/ or
// bench/ only. Everything is on 127.0.0.1, and every wait is bounded by the caller's deadline.
//
// WaitFor(pred, seconds): polls pred every 10 ms until it is true or the deadline passes; returns
//   pred() as of the deadline.
// FreePort(): a TCP port on 127.0.0.1 that was free a moment ago (0 if no socket could be bound).
// PortOpen(port): something accepts TCP connections on 127.0.0.1:port right now.
// WaitPort(port, seconds): WaitFor(PortOpen(port), seconds).
//
// MosquittoProcess: a mkdtemp directory holding mosquitto.conf ("listener <port> 127.0.0.1",
//   "log_dest none", then the caller's extra text, in which every "{dir}" becomes the directory).
//   Start() forks /usr/sbin/mosquitto -c <conf> and waits (bounded) for the port; false when the
//   broker exits or the port stays closed. Kill(sig) signals the broker and reaps it; Start() may
//   then run it again (same conf, same directory: persistence survives). The destructor SIGKILLs
//   a running broker and removes the directory. Failure modes: Start() false; no exceptions.
//
// TestSubscriber: connects asynchronously (reconnecting every second), subscribes to one topic
//   filter at QoS 1 on every (re)connect, and keeps the (topic, payload) of every message in
//   arrival order. An optional per-message hook runs on the network thread before the message is
//   counted, so a waiter woken by WaitCount sees the hook's effects. A client that libmosquitto
//   refuses (a persistent session without a client id) never subscribes: waits return false.
//
// Thread-safety: TestSubscriber's accessors and waits may be called from any thread; the hook must
// be thread-safe against the caller's own reads. MosquittoProcess is for one thread.
#pragma once

#include <arpa/inet.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace es::mqtt_test {

inline bool WaitFor(const std::function<bool()>& pred, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  close(fd);
  return ok ? ntohs(a.sin_port) : 0;
}

inline bool PortOpen(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

inline bool WaitPort(int port, double seconds) {
  return WaitFor([port] { return PortOpen(port); }, seconds);
}

class MosquittoProcess {
 public:
  static constexpr const char* kBinary = "/usr/sbin/mosquitto";
  static bool Installed() { return access(kBinary, X_OK) == 0; }

  MosquittoProcess(int port, const std::string& extra_conf) : port_(port) {
    char tmpl[] = "/tmp/es_broker_XXXXXX";
    const char* d = mkdtemp(tmpl);
    dir_ = d ? d : "/tmp";
    if (d) {
      std::error_code ec;  // mosquitto may drop root privileges
      std::filesystem::permissions(dir_, std::filesystem::perms::all, ec);
    }
    std::string extra = extra_conf;
    for (size_t at = extra.find("{dir}"); at != std::string::npos;
         at = extra.find("{dir}", at + dir_.size())) {
      extra.replace(at, 5, dir_);
    }
    std::ofstream(file("mosquitto.conf"))
        << "listener " << port_ << " 127.0.0.1\nlog_dest none\n"
        << extra;
  }
  ~MosquittoProcess() {
    Kill(SIGKILL);
    if (dir_ != "/tmp") {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  MosquittoProcess(const MosquittoProcess&) = delete;
  MosquittoProcess& operator=(const MosquittoProcess&) = delete;

  // Runs the broker and waits up to `seconds` for its port. A running broker is left alone.
  bool Start(double seconds = 5) {
    if (pid_ > 0) return PortOpen(port_);
    const std::string conf = file("mosquitto.conf");
    pid_ = fork();
    if (pid_ == 0) {
      execl(kBinary, kBinary, "-c", conf.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid_ < 0) return false;
    const bool up = WaitFor(
        [&] {
          if (pid_ <= 0) return true;
          if (waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited: bad conf or port taken
            pid_ = -1;
            return true;
          }
          return PortOpen(port_);
        },
        seconds);
    return up && pid_ > 0;
  }
  // Sends `sig` and reaps the broker (SIGTERM: mosquitto saves persistence first).
  void Kill(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }

 private:
  int port_;
  std::string dir_;
  pid_t pid_ = -1;
};

struct SubscriberOptions {
  int port = 0;
  std::string topic;       // subscription filter, QoS 1
  std::string client_id;   // empty: libmosquitto picks a random one (needs clean_session)
  bool clean_session = true;
  std::string cafile;      // non-empty: TLS, verifying the broker against this CA
  std::string username;    // non-empty: sent with `password` at connect
  std::string password;
  int keepalive_s = 10;
  // Runs on the network thread for every message, before it is recorded and counted.
  std::function<void(const std::string& topic, const std::string& payload)> on_message;
};

class TestSubscriber {
 public:
  explicit TestSubscriber(SubscriberOptions o) : o_(std::move(o)) {
    mosquitto_lib_init();
    m_ = mosquitto_new(o_.client_id.empty() ? nullptr : o_.client_id.c_str(), o_.clean_session,
                       this);
    if (!m_) return;
    mosquitto_reconnect_delay_set(m_, 1, 1, false);
    if (!o_.username.empty()) {
      mosquitto_username_pw_set(m_, o_.username.c_str(), o_.password.c_str());
    }
    if (!o_.cafile.empty()) {
      mosquitto_tls_set(m_, o_.cafile.c_str(), nullptr, nullptr, nullptr, nullptr);
    }
    mosquitto_connect_callback_set(m_, [](mosquitto* m, void* self, int rc) {
      if (rc == 0) {
        mosquitto_subscribe(m, nullptr, static_cast<TestSubscriber*>(self)->o_.topic.c_str(), 1);
      }
    });
    mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
      auto* s = static_cast<TestSubscriber*>(self);
      std::lock_guard<std::mutex> lock(s->mu_);
      s->subscribed_ = true;
      s->cv_.notify_all();
    });
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto* s = static_cast<TestSubscriber*>(self);
      std::string topic(msg->topic ? msg->topic : "");
      std::string payload(static_cast<const char*>(msg->payload),
                          static_cast<size_t>(msg->payloadlen));
      if (s->o_.on_message) s->o_.on_message(topic, payload);
      std::lock_guard<std::mutex> lock(s->mu_);
      s->messages_.emplace_back(std::move(topic), std::move(payload));
      s->cv_.notify_all();
    });
    mosquitto_connect_async(m_, "127.0.0.1", o_.port, o_.keepalive_s);
    mosquitto_loop_start(m_);
  }
  ~TestSubscriber() {
    if (!m_) return;
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  TestSubscriber(const TestSubscriber&) = delete;
  TestSubscriber& operator=(const TestSubscriber&) = delete;

  // At least one SUBACK arrived.
  bool subscribed() {
    std::lock_guard<std::mutex> lock(mu_);
    return subscribed_;
  }
  bool WaitSubscribed(double seconds) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return subscribed_; });
  }
  // At least n messages arrived within `seconds`.
  bool WaitCount(size_t n, double seconds) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::duration<double>(seconds),
                        [&] { return messages_.size() >= n; });
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_.size();
  }
  // (topic, payload) in arrival order.
  std::vector<std::pair<std::string, std::string>> messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  std::vector<std::string> payloads() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    out.reserve(messages_.size());
    for (const auto& m : messages_) out.push_back(m.second);
    return out;
  }

 private:
  SubscriberOptions o_;
  mosquitto* m_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  bool subscribed_ = false;
  std::vector<std::pair<std::string, std::string>> messages_;
};

}  // namespace es::mqtt_test
