// HTTP load against a running edgesight: does serving people slow the pipeline down?
//
//   ./build/bench/http_load ./build/edgesight [--cameras 2] [--seconds 30] [--clients 20]
//                           [--detector motion]
//
// Starts `edgesight run` on N synthetic live cameras (640x480, 25 fps) with --http on a free
// loopback port, warms up 10 s, then four phases of --seconds each, alternating so that drift
// shows: quiet, loaded (--clients clients: half watch the MJPEG live view, half poll
// /api/cameras, /metrics, /api/events and a snapshot every 100 ms), quiet, loaded. Per phase and camera it reports glass-to-decision p50/p99 over
// that phase alone (histogram bucket deltas of /api/metrics) and edgesight's CPU; one JSON
// object on stdout. Target (issue 9): loaded p99 within 10% of quiet.
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <map>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using nlohmann::json;

// A loopback port that was free a moment ago (the socket is closed again).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Cumulative bucket counts of edgesight_glass_to_decision_seconds per camera.
std::map<std::string, std::vector<std::pair<double, double>>> Buckets(httplib::Client& c) {
  std::map<std::string, std::vector<std::pair<double, double>>> out;
  auto r = c.Get("/api/metrics");
  if (!r || r->status != 200) return out;
  const json m = json::parse(r->body, nullptr, false);
  for (const json& s : m.value("edgesight_glass_to_decision_seconds", json::array())) {
    auto& b = out[s["labels"]["camera"].get<std::string>()];
    for (const json& x : s["buckets"]) {
      const double le = x["le"].is_string() ? INFINITY : x["le"].get<double>();
      b.emplace_back(le, x["count"].get<double>());
    }
  }
  return out;
}

double Quantile(const std::vector<std::pair<double, double>>& now,
                const std::vector<std::pair<double, double>>& then, double q) {
  if (now.empty() || now.size() != then.size()) return NAN;
  const double total = now.back().second - then.back().second;
  if (total <= 0) return NAN;
  const double rank = q * total;
  double below = 0, lower = 0;
  for (size_t i = 0; i < now.size(); ++i) {
    const double cum = now[i].second - then[i].second;
    if (cum >= rank) {
      if (std::isinf(now[i].first)) return lower;
      const double in = cum - below;
      return lower + (now[i].first - lower) * (in > 0 ? (rank - below) / in : 1);
    }
    below = cum;
    lower = now[i].first;
  }
  return lower;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_load EDGESIGHT [--cameras N] [--seconds S] [--clients C] "
                         "[--detector SPEC]\n");
    return 2;
  }
  const std::string bin = argv[1];
  int cameras = 2, seconds = 30, clients = 20;
  std::string detector = "motion";
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--cameras") cameras = std::stoi(v);
    else if (k == "--seconds") seconds = std::stoi(v);
    else if (k == "--clients") clients = std::stoi(v);
    else if (k == "--detector") detector = v;
    else { std::fprintf(stderr, "http_load: unknown option %s\n", k.c_str()); return 2; }
  }
  const int port = FreePort();
  std::vector<std::string> args = {bin, "run", "--realtime", "--detector", detector, "--http",
                                   "127.0.0.1:" + std::to_string(port), "--set",
                                   "http.rate_per_s=100000", "--set", "http.rate_burst=100000"};
  for (int i = 0; i < cameras; ++i) {
    args.push_back("--source");
    args.push_back("synthetic:crowd");
  }
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, bin.c_str(), &fa, nullptr, cargv.data(), environ) != 0) {
    std::fprintf(stderr, "http_load: cannot start %s\n", bin.c_str());
    return 1;
  }
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1, 0);
  for (int i = 0; i < 300 && !c.Get("/healthz"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(10));  // warm up

  json report = {{"cameras", cameras}, {"seconds", seconds}, {"clients", clients},
                 {"detector", detector}, {"phases", json::array()}};
  std::atomic<bool> loaded{false}, stop{false};
  std::atomic<long> requests{0}, mjpeg_bytes{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < clients; ++i) {
    pool.emplace_back([&, i] {
      httplib::Client cl("127.0.0.1", port);
      cl.set_read_timeout(5, 0);
      const std::string cam = "cam" + std::to_string(i % cameras);
      while (!stop) {
        if (!loaded) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        if (i % 2 == 0) {  // a viewer: stays on the live view until the phase ends
          cl.Get("/api/cameras/" + cam + "/live.mjpg", [&](const char*, size_t n) {
            mjpeg_bytes += static_cast<long>(n);
            return loaded && !stop;
          });
        } else {
          for (const std::string& path : std::vector<std::string>{"/api/cameras", "/metrics", "/api/events?limit=50",
                                         "/api/cameras/" + cam + "/snapshot.jpg"}) {
            if (cl.Get(path)) ++requests;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
    });
  }
  for (const char* phase : {"quiet", "loaded", "quiet", "loaded"}) {
    loaded = std::string(phase) == "loaded";
    const auto before = Buckets(c);
    const double cpu0 = CpuSeconds(pid);
    const long req0 = requests, bytes0 = mjpeg_bytes;
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const auto after = Buckets(c);
    json p = {{"phase", phase},
              {"edgesight_cpu_cores", (CpuSeconds(pid) - cpu0) / seconds},
              {"api_requests", requests - req0},
              {"mjpeg_mib", static_cast<double>(mjpeg_bytes - bytes0) / (1 << 20)}};
    for (const auto& [cam, now] : after) {
      auto then = before.count(cam) ? before.at(cam) : now;
      p["glass_to_decision_ms"][cam] = {{"p50", Quantile(now, then, 0.5) * 1000},
                                        {"p99", Quantile(now, then, 0.99) * 1000}};
    }
    report["phases"].push_back(p);
  }
  stop = true;
  loaded = false;
  for (auto& t : pool) t.join();
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  std::cout << report.dump(2) << "\n";
  return 0;
}
