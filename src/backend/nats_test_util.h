// Test scaffolding: a NATS cluster with JetStream (nats-server from Debian) on loopback, in a
// temporary directory. Header only (inline), for tests and benchmarks.
//
// NatsCluster(n): n nodes, each with a client port, a cluster route port and a monitoring port
//   (all free loopback ports), JetStream (store in the directory), and an MQTT listener on node 0
//   only. Start() starts every node and waits (bounded) until each answers /healthz (JetStream
//   ready). Kill(i) SIGKILLs node i. Url(): every node's client URL, comma-separated.
//   Available(): /usr/sbin/nats-server exists. The destructor kills the nodes and removes the
//   directory.
// Thread-safety: one thread.
#pragma once

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "uplink/mqtt_test_util.h"

namespace es::nats_test {

class NatsCluster {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nats-server";
  static bool Available() { return access(kBinary, X_OK) == 0; }

  explicit NatsCluster(int nodes) {
    char tmpl[] = "/tmp/es_nats_XXXXXX";
    if (mkdtemp(tmpl) != nullptr) dir_ = tmpl;
    for (int i = 0; i < nodes; ++i) {
      nodes_.push_back({mqtt_test::FreePort(), mqtt_test::FreePort(), mqtt_test::FreePort(), -1});
    }
    mqtt_port_ = mqtt_test::FreePort();
  }
  ~NatsCluster() {
    for (size_t i = 0; i < nodes_.size(); ++i) Kill(static_cast<int>(i));
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  bool Start() {
    if (dir_.empty()) return false;
    std::string routes;
    for (const Node& n : nodes_) {
      routes +=
          (routes.empty() ? "" : ", ") + std::string("nats://127.0.0.1:") + std::to_string(n.route);
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const std::string name = "n" + std::to_string(i);
      const std::string conf = dir_ + "/" + name + ".conf";
      std::ofstream f(conf);
      f << "server_name: " << name << "\nlisten: 127.0.0.1:" << nodes_[i].client
        << "\nhttp: 127.0.0.1:" << nodes_[i].monitor << "\njetstream { store_dir: \"" << dir_ << "/"
        << name << "\" }\ncluster { name: es, listen: 127.0.0.1:" << nodes_[i].route
        << ", routes: [" << routes << "] }\n";
      if (i == 0) f << "mqtt { listen: 127.0.0.1:" << mqtt_port_ << " }\n";
      f.close();
      const pid_t pid = fork();
      if (pid == 0) {
        setpgid(0, 0);
        FILE* log = std::fopen((dir_ + "/" + name + ".log").c_str(), "w");
        if (log != nullptr) {
          dup2(fileno(log), 1);
          dup2(fileno(log), 2);
        }
        execl(kBinary, kBinary, "-c", conf.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      nodes_[i].pid = pid;
    }
    for (const Node& n : nodes_) {
      const bool ok = mqtt_test::WaitFor(
          [&] {
            httplib::Client c("127.0.0.1", n.monitor);
            c.set_connection_timeout(1);
            auto r = c.Get("/healthz");
            return r && r->status == 200;
          },
          60);
      if (!ok) return false;
    }
    return mqtt_test::WaitPort(mqtt_port_, 30);
  }
  void Kill(int i) {
    if (nodes_[i].pid <= 0) return;
    kill(nodes_[i].pid, SIGKILL);
    waitpid(nodes_[i].pid, nullptr, 0);
    nodes_[i].pid = -1;
  }
  std::string Url() const {
    std::string url;
    for (const Node& n : nodes_) {
      url += (url.empty() ? "" : ",") + std::string("nats://127.0.0.1:") + std::to_string(n.client);
    }
    return url;
  }
  int mqtt_port() const { return mqtt_port_; }
  int monitor_port(int i) const { return nodes_[i].monitor; }
  const std::string& dir() const { return dir_; }

 private:
  struct Node {
    int client, route, monitor;
    pid_t pid;
  };
  std::string dir_;
  std::vector<Node> nodes_;
  int mqtt_port_ = 0;
};

}  // namespace es::nats_test
