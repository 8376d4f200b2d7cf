// A real Prometheus (Debian's prometheus package) scrapes a running edgesight over loopback;
// the test asks Prometheus' HTTP API for a per-camera counter and a histogram quantile.
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

// The first sample of an instant query, or nothing yet.
std::optional<double> Query(httplib::Client& prom, const std::string& promql) {
  auto r = prom.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
  if (!r || r->status != 200) return std::nullopt;
  const json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || j["status"] != "success") return std::nullopt;
  const json& result = j["data"]["result"];
  if (!result.is_array() || result.empty()) return std::nullopt;
  const double v = std::stod(result[0]["value"][1].get<std::string>());
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

TEST(Prometheus, ScrapesLiveMetricsFromARunningPipeline) {
  const std::string dir = TempDir();
  const int edge_port = FreePort();
  const int edge = StartProcess({kBin, "run", "--source", "synthetic:walk", "--realtime",
                                 "--detector", "motion", "--max-frames", "2000", "--http",
                                 "127.0.0.1:" + std::to_string(edge_port), "--device", "yard"},
                                dir + "/edge.out", dir + "/edge.err");
  const int prom_port = FreePort();
  {
    std::ofstream cfg(dir + "/prometheus.yml");
    cfg << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: edgesight\n    static_configs:\n"
        << "      - targets: ['127.0.0.1:" << edge_port << "']\n";
  }
  const int prom = StartProcess(
      {"prometheus", "--config.file=" + dir + "/prometheus.yml",
       "--storage.tsdb.path=" + dir + "/data", "--web.listen-address=127.0.0.1:" +
       std::to_string(prom_port)},
      dir + "/prometheus.log");
  httplib::Client client("127.0.0.1", prom_port);
  client.set_connection_timeout(2, 0);
  std::optional<double> frames, p99;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < end && !(frames && p99)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    frames = Query(client, "edgesight_frames_read_total{job=\"edgesight\",camera=\"cam0\"}");
    p99 = Query(client,
                "histogram_quantile(0.99, sum by (le) "
                "(rate(edgesight_glass_to_decision_seconds_bucket{camera=\"cam0\"}[5s])))");
  }
  StopProcess(prom);
  kill(edge, SIGINT);
  EXPECT_EQ(WaitExit(edge, 30), 0);
  ASSERT_TRUE(frames) << "no frames counter in Prometheus";
  ASSERT_TRUE(p99) << "no glass-to-decision quantile in Prometheus";
  EXPECT_GT(*frames, 0);
  EXPECT_GT(*p99, 0);
  EXPECT_LT(*p99, 5);  // seconds; the histogram's last finite bucket
}

}  // namespace
}  // namespace es::testing
