// edgesight-backend scaled out: three worker processes in one shared-subscription group on a real
// mosquitto, one SIGKILLed mid-stream. A test-side edge publishes escalations (real JPEG crops of
// vtest.avi) and events (each twice: at-least-once), and re-sends every escalation that has no
// verdict by its deadline with the same id, as the runtime does. Every escalation must end with
// exactly one applied verdict, and the shared store must hold every message once.
#include <gtest/gtest.h>
#include <httplib.h>
#include <mosquitto.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend_test_util.h"
#include "backend/nats_test_util.h"
#include "backend/pg_test_util.h"
#include "detect/detector.h"
#include "test_process.h"
#include "uplink/escalation_message.h"
#include "uplink/mqtt_test_util.h"
#include "uplink/verdict_message.h"

namespace es {
namespace {

using backend_test::GetJson;
using backend_test::SampleEscalation;
using backend_test::SampleEvent;
using backend_test::SimulatedEdge;
using backend_test::VtestFrameJpeg;
using es::testing::RunProcess;
using es::testing::Slurp;
using es::testing::StartProcess;
using mqtt_test::MosquittoProcess;
using mqtt_test::WaitFor;

const std::string kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

// Stops, at scope exit, every worker still running: a failed ASSERT must not leave processes
// behind (a SIGKILLed or already stopped worker is skipped).
struct StopAtExit {
  std::vector<int>* pids;
  ~StopAtExit() {
    for (int pid : *pids) {
      if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) es::testing::StopProcess(pid);
    }
  }
};

// Whether the worker behind `http_port` has verified at least one escalation.
bool HasVerified(int http_port) {
  auto s = GetJson(http_port, "/api/v1/stats");
  return !s.is_null() && s["worker"]["verified"].get<int>() > 0;
}

// Publishes escalations 0..count-1, 40 ms apart (`also(n)` after each), and SIGKILLs the worker
// `pid` mid-stream, as soon as it has verified something once a third is out. On a loaded
// machine the other workers can take every one of them before that worker pulls any: then it
// keeps publishing, one every 200 ms (up to 3 x count in all), until the worker has verified one,
// and kills it then. Returns how many escalations it published; 0 when the worker never
// verified anything.
int EscalateAndKillMidStream(SimulatedEdge& edge, int count, const std::string& jpeg, int http_port,
                             int pid, const std::function<void(int)>& also) {
  bool killed = false;
  int n = 0;
  for (; n < 3 * count && !(killed && n >= count); ++n) {
    edge.Escalate(SampleEscalation(n, jpeg));
    if (also) also(n);
    if (!killed && n >= count / 3 && HasVerified(http_port)) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(n < count ? 40 : 200));
  }
  return killed ? n : 0;
}

class BackendCluster : public ::testing::TestWithParam<std::string> {};

TEST_P(BackendCluster, ThreeWorkersOneKilledEveryEscalationAnsweredOnce) {
  if (!MosquittoProcess::Installed() || !std::filesystem::exists(kVtest)) {
    GTEST_SKIP() << "mosquitto or vtest.avi absent";
  }
  std::unique_ptr<pg_test::PostgresProcess> pg;
  if (GetParam() == "postgresql") {
    if (!pg_test::PostgresProcess::Available()) GTEST_SKIP() << "PostgreSQL absent";
    pg = std::make_unique<pg_test::PostgresProcess>();
    ASSERT_TRUE(pg->Start()) << pg->error();
  }
  const std::string dir = es::testing::TempDir();
  // A real crop: a 160x120 JPEG of frame 60.
  const std::string jpeg = VtestFrameJpeg(dir);
  ASSERT_GT(jpeg.size(), 1000u);

  const int port = es::testing::FreePort();
  MosquittoProcess broker(port, "allow_anonymous true\nmax_queued_messages 10000\n");
  ASSERT_TRUE(broker.Start());
  const std::string url = "mqtt://127.0.0.1:" + std::to_string(port);
  const std::string db = pg ? pg->Url() : dir + "/store.db";
  std::vector<int> pids, http_ports;
  StopAtExit stop_workers{&pids};
  for (int i = 0; i < 3; ++i) {
    const int hp = es::testing::FreePort();
    http_ports.push_back(hp);
    const std::string w = "w" + std::to_string(i);
    pids.push_back(StartProcess({EDGESIGHT_BACKEND_BIN, "--mqtt", url, "--worker", w, "--db", db,
                                 "--http", "127.0.0.1:" + std::to_string(hp)},
                                dir + "/" + w + ".out", dir + "/" + w + ".err"));
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(WaitFor([&] { return !GetJson(http_ports[i], "/readyz").is_null(); }, 60))
        << "worker " << i << ": " << Slurp(dir + "/w" + std::to_string(i) + ".err");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // SUBACKs after CONNACK

  SimulatedEdge edge(port);
  ASSERT_TRUE(WaitFor([&] { return true; }, 0.5));
  // Each event twice (a re-send after a lost PUBACK).
  const int escalations =
      EscalateAndKillMidStream(edge, 60, jpeg, http_ports[2], pids[2], [&](int n) {
        edge.Publish("edgesight/v1/edge1/cam0/events", SampleEvent(n));
        edge.Publish("edgesight/v1/edge1/cam0/events", SampleEvent(n));
      });
  ASSERT_GT(escalations, 0) << "worker 2 never verified anything: " << Slurp(dir + "/w2.err");
  // The edge's deadline loop: bounded.
  const bool all = WaitFor(
      [&] {
        edge.ResendExpired();
        return edge.applied() == escalations;
      },
      120);
  EXPECT_TRUE(all) << edge.applied() << " of " << escalations << " answered";
  {
    std::lock_guard<std::mutex> lock(edge.mu_);
    EXPECT_EQ(edge.unknown_, 0);
    EXPECT_EQ(edge.conflicting_, 0) << "two different verdicts for one escalation";
    std::printf("[ figures  ] escalations %d, re-sent %d, duplicate verdicts %d\n", escalations,
                edge.resent_, edge.duplicates_);
  }
  auto stats = GetJson(http_ports[0], "/api/v1/stats");
  ASSERT_FALSE(stats.is_null());
  EXPECT_EQ(stats["store"]["escalations"], escalations);
  EXPECT_EQ(stats["store"]["verdicts"], escalations);
  ASSERT_TRUE(WaitFor(
      [&] { return GetJson(http_ports[0], "/api/v1/stats")["store"]["events"] == escalations; },
      20))
      << GetJson(http_ports[0], "/api/v1/stats").dump();
  auto metrics = httplib::Client("127.0.0.1", http_ports[0]).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("es_backend_verify_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics->body.find("es_backend_duplicates_total{kind=\"event\"}"), std::string::npos);
  // The surviving workers stop on SIGTERM with a summary.
  for (int i : {0, 1}) {
    kill(pids[i], SIGTERM);
    EXPECT_EQ(es::testing::WaitExit(pids[i], 30), 0)
        << Slurp(dir + "/w" + std::to_string(i) + ".err");
    auto summary =
        nlohmann::json::parse(Slurp(dir + "/w" + std::to_string(i) + ".out"), nullptr, false);
    ASSERT_FALSE(summary.is_discarded()) << Slurp(dir + "/w" + std::to_string(i) + ".out");
    EXPECT_GT(summary["verified"].get<int>() + summary["reanswered"].get<int>(), 0)
        << "worker " << i << " did no work: the group did not share";
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, BackendCluster, ::testing::Values("sqlite", "postgresql"));

// The database goes away while a worker runs: ingest pauses (the message in hand is retried, the
// broker keeps the rest), resumes when it is back, and every event ends up stored once.
TEST(BackendStoreOutage, PostgresStoppedAndRestartedLosesNothing) {
  if (!MosquittoProcess::Installed() || !pg_test::PostgresProcess::Available()) {
    GTEST_SKIP() << "mosquitto or PostgreSQL absent";
  }
  pg_test::PostgresProcess pg;
  ASSERT_TRUE(pg.Start()) << pg.error();
  const std::string dir = es::testing::TempDir();
  const int port = es::testing::FreePort();
  MosquittoProcess broker(port, "allow_anonymous true\nmax_queued_messages 10000\n");
  ASSERT_TRUE(broker.Start());
  const int hp = es::testing::FreePort();
  std::vector<int> pids;
  StopAtExit stop_workers{&pids};
  const int pid = StartProcess(
      {EDGESIGHT_BACKEND_BIN, "--mqtt", "mqtt://127.0.0.1:" + std::to_string(port), "--worker",
       "w0", "--db", pg.Url(), "--http", "127.0.0.1:" + std::to_string(hp)},
      dir + "/w0.out", dir + "/w0.err");
  pids.push_back(pid);
  ASSERT_TRUE(WaitFor([&] { return !GetJson(hp, "/readyz").is_null(); }, 60))
      << Slurp(dir + "/w0.err");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  SimulatedEdge edge(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto send = [&](int from, int to) {
    for (int n = from; n < to; ++n) {
      edge.Publish("edgesight/v1/edge1/cam0/events", SampleEvent(n));
    }
  };
  auto stored = [&] {
    auto s = GetJson(hp, "/api/v1/stats");
    return s.is_null() || !s.contains("ingest") ? -1 : s["ingest"]["event"]["stored"].get<int>();
  };
  send(0, 50);
  ASSERT_TRUE(WaitFor([&] { return stored() == 50; }, 30));
  pg.Stop();
  send(50, 100);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_LT(stored(), 100);
  ASSERT_TRUE(pg.Start()) << pg.error();
  ASSERT_TRUE(WaitFor([&] { return stored() == 100; }, 60)) << stored();
  kill(pid, SIGTERM);
  EXPECT_EQ(es::testing::WaitExit(pid, 30), 0);
  auto summary = nlohmann::json::parse(Slurp(dir + "/w0.out"), nullptr, false);
  ASSERT_FALSE(summary.is_discarded());
  EXPECT_EQ(summary["store"]["events"], 100);
  EXPECT_GT(summary["store_errors"].get<int>(), 0);
  EXPECT_NE(Slurp(dir + "/w0.err").find("ingest paused"), std::string::npos);
}

// Fleet scale-out on NATS JetStream: a 3-node cluster on loopback, the edge publishing MQTT to
// node 0's MQTT listener (unchanged), three workers pulling from one durable consumer of a
// 3-replica work-queue stream. One worker is SIGKILLed mid-stream. JetStream redelivers what the
// dead worker had not acknowledged: every escalation gets exactly one verdict with no re-send
// from the edge (its deadline is longer than the test). Killing a NATS node as well is not
// asserted: in 1 of 4 runs nats-server 2.9.10 stopped taking the edge's MQTT publishes into the
// stream after the node died (docs/hybrid.md "NATS JetStream").
TEST(BackendNats, WorkerKilledMidStreamRedeliveredWithoutResends) {
  if (!nats_test::NatsCluster::Available() || !std::filesystem::exists(kVtest)) {
    GTEST_SKIP() << "nats-server or vtest.avi absent";
  }
  nats_test::NatsCluster cluster(3);
  ASSERT_TRUE(cluster.Start()) << "see " << cluster.dir();
  const std::string dir = es::testing::TempDir();
  const std::string jpeg = VtestFrameJpeg(dir);
  ASSERT_GT(jpeg.size(), 1000u);
  std::ofstream(dir + "/backend.yaml")
      << "nats: {url: \"" << cluster.Url() << "\", replicas: 3, ack_wait_s: 2}\n";
  std::vector<int> pids, http_ports;
  StopAtExit stop_workers{&pids};
  for (int i = 0; i < 3; ++i) {
    http_ports.push_back(es::testing::FreePort());
    const std::string w = "w" + std::to_string(i);
    pids.push_back(StartProcess(
        {EDGESIGHT_BACKEND_BIN, "--config", dir + "/backend.yaml", "--worker", w, "--db",
         dir + "/store.db", "--http", "127.0.0.1:" + std::to_string(http_ports[i])},
        dir + "/" + w + ".out", dir + "/" + w + ".err"));
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(WaitFor([&] { return !GetJson(http_ports[i], "/readyz").is_null(); }, 60))
        << Slurp(dir + "/w" + std::to_string(i) + ".err");
  }
  // Verdicts at QoS 0 (uplink.verdict_qos), the setting for devices behind nats-server: its MQTT
  // QoS 1 subscriptions stopped delivering after a node was killed (docs/hybrid.md).
  SimulatedEdge edge(cluster.mqtt_port(), /*verdict_qos=*/0);
  edge.deadline_ms_ = 600000;  // no re-sends: redelivery must come from JetStream
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int escalations = EscalateAndKillMidStream(edge, 60, jpeg, http_ports[2], pids[2], {});
  ASSERT_GT(escalations, 0) << "worker 2 never verified anything: " << Slurp(dir + "/w2.err");
  EXPECT_TRUE(WaitFor([&] { return edge.applied() == escalations; }, 90))
      << edge.applied() << " of " << escalations << "; JetStream: "
      << GetJson(cluster.monitor_port(0), "/jsz?streams=1&consumers=1").dump().substr(0, 3000);
  std::lock_guard<std::mutex> lock(edge.mu_);
  EXPECT_EQ(edge.resent_, 0);
  EXPECT_EQ(edge.conflicting_, 0);
  EXPECT_EQ(edge.unknown_, 0);
  std::printf("[ figures  ] NATS: escalations %d answered %zu, re-sent %d, duplicate verdicts %d\n",
              escalations, edge.applied_.size(), edge.resent_, edge.duplicates_);
  auto stats = GetJson(http_ports[0], "/api/v1/stats");
  ASSERT_FALSE(stats.is_null());
  EXPECT_EQ(stats["store"]["escalations"], escalations);
  EXPECT_EQ(stats["store"]["verdicts"], escalations);
  for (int i : {0, 1}) {
    kill(pids[i], SIGTERM);
    EXPECT_EQ(es::testing::WaitExit(pids[i], 30), 0);
  }
}

// The whole loop in one test: `edgesight run` on vtest.avi with escalate on, a real broker and
// one edgesight-backend worker; the run applies the worker's verdicts (subscribed at
// uplink.verdict_qos 0, the setting for nats-server) and the backend stored every escalation.
// A broker and one ready backend worker ("w0", SQLite in dir, HTTP on hp) for the tests that run
// the edge binary against it; the worker is stopped at the end (StopAtExit).
class OneWorkerSite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MosquittoProcess::Installed() || !std::filesystem::exists(kVtest)) {
      GTEST_SKIP() << "mosquitto or vtest.avi absent";
    }
    dir = es::testing::TempDir();
    broker = std::make_unique<MosquittoProcess>(es::testing::FreePort(), "allow_anonymous true\n");
    ASSERT_TRUE(broker->Start());
    url = "mqtt://127.0.0.1:" + std::to_string(broker->port());
    hp = es::testing::FreePort();
    pid = StartProcess({EDGESIGHT_BACKEND_BIN, "--mqtt", url, "--worker", "w0", "--db",
                        dir + "/backend.db", "--http", "127.0.0.1:" + std::to_string(hp)},
                       dir + "/w0.out", dir + "/w0.err");
    pids.push_back(pid);
    ASSERT_TRUE(WaitFor([&] { return !GetJson(hp, "/readyz").is_null(); }, 60))
        << Slurp(dir + "/w0.err");
  }

  std::string dir, url;
  std::unique_ptr<MosquittoProcess> broker;
  int hp = 0, pid = -1;
  std::vector<int> pids;
  StopAtExit stop_workers{&pids};
};

TEST_F(OneWorkerSite, EdgeRunAppliesVerdictsFromABackendWorker) {
  std::ofstream(dir + "/edge.yaml") << "source: {uri: \"" << kVtest << "\", stream_id: cam0}\n"
                                    << "uplink: {mqtt: \"" << url << "\", outbox: \"" << dir
                                    << "/outbox.db\", drain_timeout_s: 20, verdict_qos: 0}\n"
                                    << "escalate: {enabled: true, score_band: [0.3, 0.6], "
                                       "audit_rate: 0.2, deadline_s: 10}\n";
  auto run = RunProcess({EDGESIGHT_BIN, "run", "--config", dir + "/edge.yaml", "--device", "edge1",
                         "--max-frames", "300", "--json"},
                        300);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto summary = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << run.out;
  const nlohmann::json& esc = summary["escalation"];
  ASSERT_TRUE(esc.is_object()) << summary.dump();
  const int committed = esc["committed"].get<int>();
  EXPECT_GT(committed, 0) << esc.dump();
  const nlohmann::json& v = esc["verdicts"];
  const int applied =
      v["confirmed"].get<int>() + v["rejected"].get<int>() + v["uncertain"].get<int>();
  EXPECT_GT(applied, 0) << esc.dump();
  EXPECT_EQ(v["malformed"], 0);
  EXPECT_EQ(v["unknown"], 0);
  // Every escalation the edge committed reached the backend's store (the outbox drained).
  EXPECT_TRUE(WaitFor(
      [&] { return GetJson(hp, "/api/v1/stats")["store"]["escalations"] == committed; }, 30))
      << GetJson(hp, "/api/v1/stats").dump() << " vs " << esc.dump();
  kill(pid, SIGTERM);
  EXPECT_EQ(es::testing::WaitExit(pid, 30), 0);
}

// Model updates with the hybrid tier on: while the NanoDet 320 candidate is shadowed, every
// object the active NanoDet 416 escalates is also looked for by the candidate, and the backend
// worker's verdicts on them are counted beside the agreement with the active model.
TEST_F(OneWorkerSite, AShadowedModelIsComparedWithTheBackendsVerdicts) {
  const std::string models = ES_MODEL_DIR;
  if (!std::filesystem::exists(models + "/nanodet-320.onnx")) GTEST_SKIP() << "models absent";
  const auto edgesight = [](std::vector<std::string> args) {
    args.insert(args.begin(), EDGESIGHT_BIN);
    return es::testing::RunProcess(args, 120);
  };
  ASSERT_EQ(edgesight({"model", "keygen", "--out", dir + "/release"}).exit_code, 0);
  for (const auto& [version, file] :
       {std::pair<std::string, std::string>{"1", "nanodet-m-416"}, {"2", "nanodet-320"}}) {
    std::filesystem::create_directories(dir + "/v" + version);
    std::filesystem::copy_file(models + "/" + file + ".onnx", dir + "/v" + version + "/m.onnx");
    ASSERT_EQ(edgesight({"model", "pack", dir + "/v" + version, "--key", dir + "/release", "-o",
                         dir + "/det-" + version + ".esm", "--name", "det", "--version", version})
                  .exit_code,
              0);
  }
  ASSERT_EQ(edgesight({"model", "install", dir + "/det-1.esm", "--pub", dir + "/release.pub",
                       "--store", dir + "/store", "--activate"})
                .exit_code,
            0);
  std::filesystem::create_directories(dir + "/inbox");
  std::filesystem::copy_file(dir + "/det-2.esm", dir + "/inbox/det-2.esm");
  std::ofstream(dir + "/edge.yaml")
      << "source: {uri: \"" << kVtest << "\", stream_id: cam0, realtime: true}\n"
      << "uplink: {mqtt: \"" << url << "\", outbox: \"" << dir << "/outbox.db\"}\n"
      << "escalate: {enabled: true, audit_rate: 1, deadline_s: 10}\n"
      << "models: {store: \"" << dir << "/store\", trusted_keys: [\"" << dir
      << "/release.pub\"], inbox: \"" << dir << "/inbox\", poll_s: 0.2, shadow_frames: 60, "
      << "shadow_period_s: 0.1, watch_frames: 20, min_verdicts: 3}\n";
  auto run = es::testing::RunProcess({EDGESIGHT_BIN, "run", "--config", dir + "/edge.yaml",
                                      "--device", "edge1", "--max-frames", "250", "--json"},
                                     300);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto summary = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << run.out;
  const nlohmann::json& events = summary["models"]["events"];
  ASSERT_GE(events.size(), 2u) << summary["models"].dump();
  const nlohmann::json& decided = events[1];
  EXPECT_EQ(decided["action"], "promoted") << decided.dump();
  EXPECT_GT(decided["verdicts"].get<int>(), 0) << decided.dump();
  EXPECT_GE(decided["verdict_agreement"].get<double>(), 0.5) << decided.dump();
  EXPECT_LE(decided["verdict_agreement"].get<double>(), 1.0);
}

// The value of one Prometheus sample ("name{labels} value") on the edge's /metrics, or -1.
double EdgeMetric(int port, const std::string& sample) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2);
  auto r = c.Get("/metrics");
  if (!r || r->status != 200) return -1;
  const size_t at = r->body.find(sample + " ");
  if (at == std::string::npos) return -1;
  return std::stod(r->body.substr(at + sample.size() + 1));
}

// Cloud-fallback through the real binaries: the edge's model file is missing at start, so its
// camera detects on edgesight-backend's frame detector and tracks on the answers; once the
// model file appears, the next probe loads it and the camera is local again.
TEST_F(OneWorkerSite, CloudFallbackModelMissingSwitchesToTheBackendAndBackWhenItReturns) {
  if (!std::filesystem::exists(DefaultNanoDetModelPath())) GTEST_SKIP() << "embedded model absent";
  const std::string model = dir + "/model.onnx";  // absent for now
  const int edge_http = es::testing::FreePort();
  std::ofstream(dir + "/edge.yaml")
      << "source: {uri: \"" << kVtest << "\", stream_id: cam0, realtime: true}\n"
      << "detector: {type: onnx, format: nanodet, model: \"" << model << "\"}\n"
      << "uplink: {mqtt: \"" << url << "\", outbox: \"" << dir << "/outbox.db\"}\n"
      << "fallback: {enabled: true, max_fps: 5, timeout_s: 5, probe_s: 1}\n"
      << "http: {listen: \"127.0.0.1:" << edge_http << "\"}\n";
  const int edge = StartProcess({EDGESIGHT_BIN, "run", "--config", dir + "/edge.yaml", "--device",
                                 "edge1", "--max-frames", "250", "--json"},
                                dir + "/edge.out", dir + "/edge.err");
  pids.push_back(edge);
  const std::string answered =
      "edgesight_detection_backend_frames_total{camera=\"cam0\",outcome=\"answered\"}";
  ASSERT_TRUE(WaitFor([&] { return EdgeMetric(edge_http, answered) >= 5; }, 60))
      << Slurp(dir + "/edge.err") << Slurp(dir + "/w0.err");
  EXPECT_EQ(EdgeMetric(edge_http, "edgesight_detection_backend_mode{camera=\"cam0\"}"), 1);
  std::filesystem::copy_file(DefaultNanoDetModelPath(), model + ".part");
  std::filesystem::rename(model + ".part", model);  // appears whole, as an update would
  ASSERT_EQ(es::testing::WaitExit(edge, 120), 0) << Slurp(dir + "/edge.err");
  auto summary = nlohmann::json::parse(Slurp(dir + "/edge.out"), nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << Slurp(dir + "/edge.out");
  const nlohmann::json& fb = summary["fallback"];
  ASSERT_TRUE(fb.is_object()) << summary.dump();
  EXPECT_EQ(fb["mode"], "local") << fb.dump();
  EXPECT_EQ(fb["to_backend"], 1) << fb.dump();
  EXPECT_EQ(fb["to_local"], 1) << fb.dump();
  EXPECT_GE(fb["backend_answered"].get<int>(), 5) << fb.dump();
  EXPECT_GT(fb["round_trip_p50_ms"].get<double>(), 0) << fb.dump();
  // Tracks were made on the backend's detections and on the local ones after the switch.
  EXPECT_GT(summary["tracks"].get<int>(), 0) << summary.dump();
  EXPECT_GT(summary["detector_runs"].get<int>(), fb["backend_answered"].get<int>())
      << summary.dump();
  const std::string err = Slurp(dir + "/edge.err");
  EXPECT_NE(err.find("detecting on edgesight-backend"), std::string::npos) << err;
  EXPECT_NE(err.find("back to local detection"), std::string::npos) << err;
  kill(pid, SIGTERM);
  EXPECT_EQ(es::testing::WaitExit(pid, 30), 0);
  auto backend = nlohmann::json::parse(Slurp(dir + "/w0.out"), nullptr, false);
  ASSERT_FALSE(backend.is_discarded()) << Slurp(dir + "/w0.out");
  EXPECT_GE(backend["frames"]["answered"].get<int>(), 5) << backend.dump();
}

// The governor sheds the camera (pinned at its top level): with fallback.on_shed it detects on
// the backend at max_fps instead of locally at max_period_s; the run is not degraded by it.
TEST_F(OneWorkerSite, CloudFallbackForAShedCamera) {
  std::ofstream(dir + "/edge.yaml")
      << "source: {uri: \"" << kVtest << "\", stream_id: cam0, realtime: true}\n"
      << "uplink: {mqtt: \"" << url << "\", outbox: \"" << dir << "/outbox.db\"}\n"
      << "fallback: {enabled: true, max_fps: 5}\n"
      << "governor: {enabled: true, pinned: [\"cam0=6\"]}\n";
  auto run = RunProcess({EDGESIGHT_BIN, "run", "--config", dir + "/edge.yaml", "--device", "edge1",
                         "--max-frames", "60", "--json"},
                        120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto summary = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(summary.is_discarded()) << run.out;
  const nlohmann::json& fb = summary["fallback"];
  EXPECT_EQ(fb["mode"], "backend_shed") << fb.dump();
  EXPECT_EQ(fb["to_backend"], 1) << fb.dump();
  EXPECT_EQ(fb["local_failures"], 0) << fb.dump();
  // 6 s of footage at 5 fps: far more than the 3-4 runs the shed local period (2 s) allows.
  EXPECT_GE(fb["backend_answered"].get<int>(), 20) << fb.dump();
  EXPECT_EQ(summary["status"], "ok") << summary.dump();
  EXPECT_NE(run.err.find("shed by the governor"), std::string::npos) << run.err;
}

TEST(BackendCli, ConfigErrorsAreOneLineExit2) {
  const std::string dir = es::testing::TempDir();
  const std::string cfg = dir + "/b.yaml";
  std::ofstream(cfg) << "verify:\n  confirm_scor: 0.5\n";
  auto r = RunProcess({EDGESIGHT_BACKEND_BIN, "--config", cfg}, 30);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("confirm_score"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--config", dir + "/missing.yaml"}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--mqtt", "ftp://x"}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // PostgreSQL unreachable at start: exit 1, one line.
  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--db",
                  "postgresql://nobody@127.0.0.1:" + std::to_string(es::testing::FreePort()) + "/x",
                  "--http", "off"},
                 30);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // The store's directory does not exist: unreachable at start, exit 1, one line.
  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--db", dir + "/no/such/dir/b.db", "--http", "off"}, 30);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // A file that is not a store: bad input.
  std::ofstream(dir + "/junk.db") << std::string(4096, 'j');
  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--db", dir + "/junk.db", "--http", "off"}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // Flags obey the keys' rules: a worker id that would break the topic filters.
  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--worker", "a/b", "--http", "off"}, 30);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("mqtt.worker"), std::string::npos) << r.err;
  r = RunProcess({EDGESIGHT_BACKEND_BIN, "--keys"}, 30);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("verify.confirm_score"), std::string::npos);
}

}  // namespace
}  // namespace es
