// edgesight-backend capacity (docs/hybrid.md "Backend throughput"): crops verified per second
// with 1, 2, 3 ... workers in one shared-subscription group, and events ingested per second into
// the store, on a real mosquitto (and PostgreSQL with --store postgresql) on 127.0.0.1.
//   ./build/bench/backend_throughput ./build/edgesight-backend [--store sqlite|postgresql]
//       [--workers 1,2,3] [--escalations 200] [--events 2000]
// Each worker runs one verifier thread with one inference thread (the NanoDet re-run plus the
// BlazePose check on persons). The crops are 160x120 JPEGs of vtest.avi frame 60 (ffmpeg),
// escalated alternately as person and sheep. All escalations are published at once; the time
// runs from the first publish to the last first verdict. Prints one JSON object per worker count.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend_test_util.h"
#include "backend/pg_test_util.h"
#include "test_process.h"
#include "uplink/mqtt_test_util.h"

namespace es {
namespace {

using backend_test::GetJson;
using backend_test::NowMs;
using backend_test::SampleEscalation;
using backend_test::SampleEvent;
using backend_test::SimulatedEdge;
using backend_test::VtestFrameJpeg;
using mqtt_test::MosquittoProcess;
using mqtt_test::WaitFor;

double Percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]);
}

int Run(const std::string& bin, const std::string& store, const std::vector<int>& worker_counts,
        int escalations, int events) {
  char tmpl[] = "/tmp/es_backend_bench_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  const std::string dir = tmpl;
  const std::string jpeg = VtestFrameJpeg(dir);
  if (jpeg.empty()) {
    std::cerr << "backend_throughput: ffmpeg could not cut a frame of vtest.avi\n";
    return 1;
  }
  for (int workers : worker_counts) {
    std::unique_ptr<pg_test::PostgresProcess> pg;
    std::string db = dir + "/store-" + std::to_string(workers) + ".db";
    if (store == "postgresql") {
      pg = std::make_unique<pg_test::PostgresProcess>();
      if (!pg->Start()) {
        std::cerr << "backend_throughput: postgres: " << pg->error() << "\n";
        return 1;
      }
      db = pg->Url();
    }
    const int port = mqtt_test::FreePort();
    MosquittoProcess broker(port, "allow_anonymous true\nmax_queued_messages 100000\n");
    if (!broker.Start()) return 1;
    std::vector<int> pids, http;
    for (int i = 0; i < workers; ++i) {
      http.push_back(mqtt_test::FreePort());
      pids.push_back(
          es::testing::StartProcess({bin, "--mqtt", "mqtt://127.0.0.1:" + std::to_string(port),
                                     "--worker", "w" + std::to_string(i), "--db", db, "--http",
                                     "127.0.0.1:" + std::to_string(http.back())},
                                    dir + "/w" + std::to_string(i) + ".log"));
    }
    for (int hp : http) {
      if (!WaitFor([&] { return !GetJson(hp, "/readyz").is_null(); }, 120)) {
        std::cerr << "backend_throughput: a worker did not become ready\n";
        return 1;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    SimulatedEdge edge(port);
    edge.deadline_ms_ = 600000;  // no re-sends: this measures capacity
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const int64_t t0 = NowMs();
    for (int n = 0; n < escalations; ++n) {
      edge.Escalate(SampleEscalation(n, jpeg));
    }
    const bool all =
        WaitFor([&] { return edge.applied() == static_cast<size_t>(escalations); }, 600);
    const double verify_s = (NowMs() - t0) / 1000.0;
    double verify_ms = 0;
    {
      std::lock_guard<std::mutex> lock(edge.mu_);
      for (const auto& [id, v] : edge.applied_) verify_ms += v.verify_ms;
      if (!edge.applied_.empty()) verify_ms /= static_cast<double>(edge.applied_.size());
    }
    // Ingest: events only (no model work).
    const int64_t t1 = NowMs();
    for (int n = 0; n < events; ++n) {
      edge.Publish("edgesight/v1/edge1/cam0/events", SampleEvent(n));
    }
    const bool stored = WaitFor(
        [&] {
          auto s = GetJson(http[0], "/api/v1/stats");
          return !s.is_null() && s["store"]["events"] == events;
        },
        600);
    const double ingest_s = (NowMs() - t1) / 1000.0;
    std::lock_guard<std::mutex> lock(edge.mu_);
    nlohmann::json out = {{"store", store},
                          {"workers", workers},
                          {"escalations", escalations},
                          {"all_answered", all},
                          {"crops_per_s", escalations / verify_s},
                          {"crops_per_s_per_worker", escalations / verify_s / workers},
                          {"mean_verify_ms", verify_ms},
                          {"round_trip_ms_p50", Percentile(edge.round_trip_ms_, 0.5)},
                          {"round_trip_ms_p99", Percentile(edge.round_trip_ms_, 0.99)},
                          {"events", events},
                          {"all_stored", stored},
                          {"events_per_s", events / ingest_s}};
    std::cout << out.dump() << std::endl;
    for (int pid : pids) {
      es::testing::StopProcess(pid);
    }
  }
  return 0;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: backend_throughput EDGESIGHT_BACKEND [--store sqlite|postgresql] "
                 "[--workers 1,2,3] [--escalations N] [--events N]\n";
    return 2;
  }
  std::string store = "sqlite";
  std::vector<int> workers = {1, 2, 3};
  int escalations = 200, events = 2000;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--store") {
      store = v;
    } else if (k == "--workers") {
      workers.clear();
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ',')) workers.push_back(std::atoi(item.c_str()));
    } else if (k == "--escalations") {
      escalations = std::atoi(v.c_str());
    } else if (k == "--events") {
      events = std::atoi(v.c_str());
    } else {
      std::cerr << "backend_throughput: unknown option " << k << "\n";
      return 2;
    }
  }
  return es::Run(argv[1], store, workers, escalations, events);
}
