// The operations API end to end (docs/operations.md): the real binary with --http, a real HTTP
// client on loopback; readiness against an RTSP server that goes away and comes back; bad
// --http settings.
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

constexpr char kToken[] = "operator-token-0123456789";

bool WaitUntil(const std::function<bool()>& done, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// An edgesight run in the background with its API on a free loopback port.
class Edge {
 public:
  Edge(std::vector<std::string> args, const std::string& dir) : dir_(dir), port_(FreePort()) {
    std::vector<std::string> argv = {kBin, "run", "--http", "127.0.0.1:" + std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = StartProcess(argv, dir + "/out.json", dir + "/err.log");
  }
  ~Edge() {
    if (pid_ > 0) StopProcess(pid_);
  }
  int port() const { return port_; }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(5, 0);
    return c;
  }
  bool Answers() const { return WaitUntil([&] { return static_cast<bool>(Client().Get("/healthz")); }, 30); }
  // SIGINT, then the summary.
  json Stop(int* exit_code) {
    kill(pid_, SIGINT);
    *exit_code = WaitExit(pid_, 30);
    pid_ = -1;
    return json::parse(ReadText(dir_ + "/out.json"), nullptr, false);
  }
  std::string err() const { return ReadText(dir_ + "/err.log"); }

 private:
  std::string dir_;
  int port_;
  int pid_ = -1;
};

json Body(const httplib::Result& r) { return r ? json::parse(r->body, nullptr, false) : json(); }

// The status of GET path, or 0 when there was no answer.
int StatusOf(httplib::Client& c, const std::string& path) {
  auto r = c.Get(path);
  return r ? r->status : 0;
}

double Metric(httplib::Client& c, const std::string& series) {
  auto r = c.Get("/metrics");
  if (!r) return -1;
  const size_t at = r->body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(r->body.substr(at + series.size() + 2));
}

TEST(OperationsApi, HealthMetricsCamerasAndLiveSettings) {
  const std::string dir = TempDir();
  { std::ofstream(dir + "/token") << kToken << "\n"; }
  Edge edge({"--source", "synthetic:crowd", "--realtime", "--detector", "motion", "--max-frames",
             "3000", "--set", "gate.enabled=false", "--set", "http.token_file=" + dir + "/token"},
            dir);
  ASSERT_TRUE(edge.Answers()) << edge.err();
  EXPECT_NE(edge.err().find("edgesight: http: serving on http://127.0.0.1:" +
                            std::to_string(edge.port())),
            std::string::npos)
      << edge.err();
  auto c = edge.Client();

  auto r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["status"], "alive");
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(c, "/readyz") == 200; }, 20))
      << Body(c.Get("/readyz")).dump();
  EXPECT_EQ(Body(c.Get("/readyz"))["checks"]["camera cam0"]["ok"], true);

  r = c.Get("/metrics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* want :
       {"# TYPE edgesight_glass_to_decision_seconds histogram", "edgesight_frames_read_total{camera=\"cam0\"} ",
        "edgesight_detection_period_seconds{camera=\"cam0\"} ", "edgesight_build_info{version=\"0.1.0\"} 1",
        "edgesight_model_info{model=\"motion\"} 1", "edgesight_queue_depth{camera=\"cam0\",queue=\"detect\"} "}) {
    EXPECT_NE(r->body.find(want), std::string::npos) << want << "\n" << r->body;
  }
  // promtool (Debian's prometheus package) agrees it is valid exposition text.
  { std::ofstream(dir + "/metrics.txt") << r->body; }
  const auto lint = RunProcess({"/bin/sh", "-c", "promtool check metrics < " + dir + "/metrics.txt"}, 60);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;

  r = c.Get("/api/cameras");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json cams = Body(r)["cameras"];
  ASSERT_EQ(cams.size(), 1u);
  EXPECT_EQ(cams[0]["id"], "cam0");
  EXPECT_EQ(cams[0]["state"], "running");
  EXPECT_EQ(StatusOf(c, "/api/cameras/nope"), 404);

  // Live view: a snapshot, then a few frames of the MJPEG stream (the client hangs up).
  r = c.Get("/api/cameras/cam0/snapshot.jpg");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
  ASSERT_GT(r->body.size(), 1000u);
  EXPECT_EQ(static_cast<unsigned char>(r->body[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(r->body[1]), 0xD8);  // JPEG SOI
  {
    std::string stream;
    int parts = 0;
    auto mjpeg = c.Get(
        "/api/cameras/cam0/live.mjpg", httplib::Headers{},
        [&](const httplib::Response& res) {
          return res.get_header_value("Content-Type") == "multipart/x-mixed-replace; boundary=frame";
        },
        [&](const char* data, size_t n) {
          stream.append(data, n);
          parts = 0;
          for (size_t at = stream.find("--frame\r\n"); at != std::string::npos;
               at = stream.find("--frame\r\n", at + 1)) {
            ++parts;
          }
          return parts < 4;  // enough: hang up
        });
    EXPECT_GE(parts, 4) << stream.substr(0, 200);
    EXPECT_NE(stream.find("Content-Type: image/jpeg\r\nContent-Length: "), std::string::npos);
  }
  EXPECT_EQ(StatusOf(c, "/healthz"), 200);  // a viewer that hung up costs nothing

  // Live settings: read, change without a token (refused), change with it.
  r = c.Get("/api/cameras/cam0/settings");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["version"], 1);
  EXPECT_EQ(Body(r)["pipeline"]["detect_period_s"], 0.0);
  const std::string patch = R"({"pipeline": {"detect_period_s": 0.5}})";
  r = c.Patch("/api/cameras/cam0/settings", patch, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  const double runs_before = Metric(c, "edgesight_detector_runs_total{camera=\"cam0\"}");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double runs_fast = Metric(c, "edgesight_detector_runs_total{camera=\"cam0\"}") - runs_before;
  r = c.Patch("/api/cameras/cam0/settings", auth, patch, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["version"], 2);
  EXPECT_EQ(Body(r)["pipeline"]["detect_period_s"], 0.5);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double runs_after = Metric(c, "edgesight_detector_runs_total{camera=\"cam0\"}");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double runs_slow = Metric(c, "edgesight_detector_runs_total{camera=\"cam0\"}") - runs_after;
  EXPECT_GT(runs_fast, 15) << "25 fps, every frame detected";
  EXPECT_LE(runs_slow, 6) << "one run per 0.5 s";
  EXPECT_EQ(Body(c.Get("/api/cameras/cam0"))["detection"]["period_target_s"], 0.5);

  // Bad changes: 4xx, one-line JSON error, nothing changed.
  struct Bad {
    std::string body;
    int status;
    std::string error;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"{not json", 400, "settings: invalid JSON"},
           {R"({"gate": {"var_treshold": 30}})", 400, "did you mean 'var_threshold'"},
           {R"({"pipeline": {"detect_period_s": 100}})", 400, "pipeline.detect_period_s"},
           {R"({"pipeline": {"queue_capacity": 4}})", 400, "not a live setting"},
           {R"({"source": {"uri": "x.mp4"}})", 400, "not a live setting"},
           {"[1, 2]", 400, "expected a JSON object"},
           {std::string(70 * 1024, ' '), 413, "request body too large"}}) {
    r = c.Patch("/api/cameras/cam0/settings", auth, bad.body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, bad.status) << bad.body.substr(0, 60) << " -> " << r->body;
    const std::string error = Body(r).value("error", "");
    EXPECT_NE(error.find(bad.error), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
  EXPECT_EQ(Body(c.Get("/api/cameras/cam0/settings"))["version"], 2);
  EXPECT_EQ(Body(c.Get("/readyz"))["ready"], true);  // the pipeline is unaffected

  int code = -3;
  const json summary = edge.Stop(&code);
  EXPECT_EQ(code, 0) << edge.err();
  EXPECT_EQ(summary["schedule"]["settings_version"], 2) << summary.dump();
}

TEST(OperationsApi, EventsWithCropsAndClipsWithRanges) {
  const std::string dir = TempDir();
  WriteYardSite(dir);
  Edge edge({"--config", dir + "/site.yaml", "--source", "synthetic:crowd", "--realtime",
             "--detector", "motion", "--max-frames", "3000"},
            dir);
  ASSERT_TRUE(edge.Answers()) << edge.err();
  auto c = edge.Client();
  // Zone events arrive, and some track ends with a crop.
  json zone, cropped;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const json page = Body(c.Get("/api/events?camera=cam0&limit=500"));
        for (const json& e : page.value("events", json::array())) {
          if (e["type"] == "zone" && zone.is_null()) zone = e;
          if (e["has_crop"] == true && cropped.is_null()) cropped = e;
        }
        return !zone.is_null() && !cropped.is_null();
      },
      40))
      << edge.err();
  EXPECT_EQ(zone["zone"], "yard");
  EXPECT_GT(zone["t_unix_ms"].get<int64_t>(), 1700000000000);
  auto r = c.Get("/api/events/crop?id=" + cropped["id"].get<std::string>());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(static_cast<unsigned char>(r->body[0]), 0xFF);
  EXPECT_EQ(StatusOf(c, "/api/events/crop?id=edge0/cam0/999999999"), 404);
  // Filters and pages.
  const json tracks = Body(c.Get("/api/events?type=track&limit=2"));
  ASSERT_EQ(tracks["events"].size(), 2u);
  for (const json& e : tracks["events"]) EXPECT_EQ(e["type"], "track");
  const int64_t next = tracks["next_before"].get<int64_t>();
  const json older = Body(c.Get("/api/events?type=track&limit=2&before=" + std::to_string(next)));
  ASSERT_FALSE(older["events"].empty());
  EXPECT_LT(older["events"][0]["seq"].get<int64_t>(), next);
  for (const char* bad : {"/api/events?limit=0", "/api/events?limit=x", "/api/events?type=cat",
                          "/api/events?since=-5", "/api/events?track=1.5"}) {
    r = c.Get(bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_FALSE(Body(r).value("error", "").empty()) << bad;
  }

  // The clip an event names, with a byte range (a browser seeking); names never leave the dir.
  std::string clip;
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const json& e : Body(c.Get("/api/events?limit=500")).value("events", json::array())) {
          if (e.contains("clip")) clip = e["clip"];
        }
        return !clip.empty() && std::filesystem::exists(dir + "/clips/" + clip) &&
               std::filesystem::file_size(dir + "/clips/" + clip) > 1000;
      },
      30));
  // The recorder's figures are live metrics too.
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(c, "edgesight_recording_clips_total{camera=\"cam0\"}") >= 1; }, 20));
  EXPECT_GT(Metric(c, "edgesight_recording_bytes_total{camera=\"cam0\"}"), 1000);
  r = c.Get("/api/cameras/cam0/clips/" + clip, {{"Range", "bytes=100-199"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body.size(), 100u);
  EXPECT_EQ(r->get_header_value("Accept-Ranges"), "bytes");
  EXPECT_EQ(r->get_header_value("Content-Range").rfind("bytes 100-199/", 0), 0u);
  std::ifstream file(dir + "/clips/" + clip, std::ios::binary);
  std::string head(200, '\0');
  file.read(head.data(), 200);
  EXPECT_EQ(r->body, head.substr(100, 100));
  for (const char* bad : {"/api/cameras/cam0/clips/..", "/api/cameras/cam0/clips/%2e%2e",
                          "/api/cameras/cam0/clips/.hidden", "/api/cameras/cam0/clips/a%20b"}) {
    EXPECT_EQ(StatusOf(c, bad), 400) << bad;
  }
  EXPECT_EQ(StatusOf(c, "/api/cameras/cam0/clips/..%2f..%2fetc%2fpasswd"), 404);
  EXPECT_EQ(StatusOf(c, "/api/cameras/cam0/clips/nope.mp4"), 404);
}

TEST(OperationsApi, ReadinessFailsWhileTheCameraIsDownAndRecovers) {
  const std::string dir = TempDir();
  const int rtsp_port = FreePort();
  const std::string server = std::string(ES_SOURCE_DIR) + "/tests/rtsp_server.py";
  auto start_rtsp = [&] {
    return StartProcess({"/usr/bin/python3", server, std::to_string(rtsp_port)}, dir + "/rtsp.log");
  };
  int rtsp = start_rtsp();
  Edge edge({"--source", "rtsp://127.0.0.1:" + std::to_string(rtsp_port) + "/test", "--detector",
             "motion", "--set", "pipeline.stall_after_s=1", "--set", "source.read_timeout_ms=1000",
             "--set", "source.reconnect_attempts=100", "--set", "source.reconnect_backoff_ms=200",
             "--set", "source.open_timeout_ms=2000"},
            dir);
  ASSERT_TRUE(edge.Answers()) << edge.err();
  auto c = edge.Client();
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(c, "/readyz") == 200; }, 30))
      << Body(c.Get("/readyz")).dump() << edge.err();

  StopProcess(rtsp);  // the camera goes away
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(c, "/readyz") == 503; }, 20));
  const json down = Body(c.Get("/readyz"));
  ASSERT_FALSE(down["failed"].empty());
  EXPECT_EQ(down["failed"][0].get<std::string>().rfind("camera cam0: ", 0), 0u) << down.dump();
  EXPECT_EQ(StatusOf(c, "/healthz"), 200);  // alive all the same

  rtsp = start_rtsp();  // and comes back
  EXPECT_TRUE(WaitUntil([&] { return StatusOf(c, "/readyz") == 200; }, 60))
      << Body(c.Get("/readyz")).dump() << edge.err();
  StopProcess(rtsp);
}

// On a terminal (a pty from script(1)): a progress line on stderr and a human summary; the
// JSON goes to --summary-json. Without one (every other test), stdout is the JSON.
TEST(RunOnATerminal, ShowsProgressAndAHumanSummary) {
  const std::string dir = TempDir();
  const std::string cmd = kBin + " run --source " + kVtest +
                          " --detector motion --realtime --max-frames 40 --summary-json " +
                          dir + "/summary.json";
  const auto r = RunProcess({"script", "-qec", cmd, "/dev/null"}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("/40 frames"), std::string::npos) << r.out;  // progress, with a total
  EXPECT_NE(r.out.find(" fps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("40 frames in "), std::string::npos) << r.out;  // the human summary
  EXPECT_NE(r.out.find("glass-to-decision p50 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status: ok"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"frames_read\""), std::string::npos) << "no JSON on a terminal";
  std::ifstream in(dir + "/summary.json");
  const json s = json::parse(in, nullptr, false);
  ASSERT_FALSE(s.is_discarded());
  EXPECT_EQ(s["frames_read"], 40);
  // Commands that work through a list show which item they are on.
  const auto track = RunProcess({"script", "-qec",
                                 kBin + " track --mot-dir " + std::string(ES_SOURCE_DIR) +
                                     "/tests/data/mot --out-dir " + dir + "/res",
                                 "/dev/null"},
                                120);
  EXPECT_EQ(track.exit_code, 0) << track.out;
  EXPECT_NE(track.out.find("[1/9] "), std::string::npos) << track.out;
  EXPECT_NE(track.out.find("[9/9] "), std::string::npos) << track.out;
  // --json: the JSON on a terminal too.
  const auto j = RunProcess({"script", "-qec", cmd + " --json", "/dev/null"}, 120);
  EXPECT_NE(j.out.find("\"frames_read\": 40"), std::string::npos) << j.out;
}

TEST(OperationsApi, BadHttpSettingsAreOneLineErrors) {
  auto r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--http",
                           "0.0.0.0:0"}),
                      60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("not a loopback address: set http.token_file"), std::string::npos) << r.err;
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--http", "8080"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("http.listen: '8080' is not HOST:PORT"), std::string::npos) << r.err;
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--set",
                      "http.listen=127.0.0.1:0", "--set", "http.token_file=/nonexistent/token"}),
                 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("http.token_file: cannot open '/nonexistent/token'"), std::string::npos)
      << r.err;
  // A taken port: the run does not start.
  const std::string dir = TempDir();
  Edge first({"--source", "synthetic:walk", "--realtime", "--detector", "motion"}, dir);
  ASSERT_TRUE(first.Answers());
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--http",
                      "127.0.0.1:" + std::to_string(first.port())}),
                 60);
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace es::testing
