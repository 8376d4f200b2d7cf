// Integration tests: run the real `edgesight` binary end to end.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void RequireVtest() {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing (Debian package opencv-doc)";
}

float BoxIoU(const json& a, const std::vector<float>& b) {
  const float ax = a[0], ay = a[1], aw = a[2], ah = a[3];
  const float ix = std::max(0.f, std::min(ax + aw, b[0] + b[2]) - std::max(ax, b[0]));
  const float iy = std::max(0.f, std::min(ay + ah, b[1] + b[3]) - std::max(ay, b[1]));
  const float inter = ix * iy, uni = aw * ah + b[2] * b[3] - inter;
  return uni > 0 ? inter / uni : 0.f;
}

TEST(CliRun, VtestWithNanoDetFindsPeopleAndStableTracks) {
  RequireVtest();
  const std::string dir = TempDir();
  const auto r = RunProcess(Cmd({"run", "--source", kVtest, "--max-frames", "100", "--events-out",
                                 dir + "/ev.jsonl", "--annotate", dir + "/a.mp4"}),
                            300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  ASSERT_TRUE(s.is_object()) << r.out;
  EXPECT_EQ(s["frames"], 100);
  EXPECT_EQ(s["frames_dropped"], 0);
  EXPECT_GE(s["tracks"].get<int>(), 3);
  for (const char* stage : {"decode", "detect", "track", "glass_to_decision"}) {
    EXPECT_TRUE(s["latency_ms"].contains(stage)) << stage;
    EXPECT_GT(s["latency_ms"][stage]["p99"].get<double>(), 0.0) << stage;
  }

  const auto frames = ReadFrames(dir + "/ev.jsonl");
  ASSERT_EQ(frames.size(), 100u);
  int frames_with_person = 0;
  std::map<int, int> track_len;
  for (size_t i = 0; i < frames.size(); ++i) {
    const json& f = frames[i];
    EXPECT_EQ(f["frame"], static_cast<int>(i));
    EXPECT_EQ(f["stream"], "cam0");
    bool person = false;
    for (const auto& d : f["detections"]) person |= d["class"] == "person";
    frames_with_person += person;
    for (const auto& t : f["tracks"]) ++track_len[t["id"].get<int>()];
  }
  EXPECT_GE(frames_with_person, 95);
  int long_tracks = 0;  // vtest: several people walk through the whole first 10 s
  for (const auto& [id, n] : track_len) long_tracks += n >= 60;
  EXPECT_GE(long_tracks, 3);

  // Track lifecycle events: every confirmed track starts once and is ended by the end of the
  // run (the closing line carries the ends of tracks still open); event ids are unique.
  std::set<std::string> ids;
  std::map<int, int> starts, ends;
  for (const auto& line : ReadJsonLines(dir + "/ev.jsonl")) {
    for (const auto& e : line["events"]) {
      EXPECT_TRUE(ids.insert(e["id"].get<std::string>()).second) << e.dump();
      EXPECT_EQ(e["id"].get<std::string>().rfind("edge0/cam0/", 0), 0u);
      if (e["type"] != "track") continue;
      (e["phase"] == "start" ? starts : ends)[e["track_id"].get<int>()]++;
    }
  }
  EXPECT_EQ(starts.size(), track_len.size());
  EXPECT_EQ(starts, ends);
  EXPECT_EQ(s["events"].get<size_t>(), ids.size());
  // The annotated video is a real, playable video with every frame.
  const auto probe = RunProcess({"ffprobe", "-v", "error", "-count_frames", "-select_streams",
                                 "v:0", "-show_entries", "stream=nb_read_frames,width,height",
                                 "-of", "csv=p=0", dir + "/a.mp4"});
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  EXPECT_EQ(probe.out, "768,576,100\n");
}

// ONNX Runtime's own telemetry is off: nothing under $HOME/.cache/Microsoft, no
// /tmp/mat-debug-<pid>.log (ort_engine.cc; the library did both on every start).
TEST(CliRun, OnnxRuntimeLeavesNoTelemetryBehind) {
  const std::string dir = TempDir();
  const int pid = StartProcess({"/usr/bin/env", "-u", "ORT_DISABLE_TELEMETRY", "HOME=" + dir, kBin,
                                "run", "--source", "synthetic:walk", "--max-frames", "5"},
                               dir + "/out", dir + "/err");
  ASSERT_EQ(WaitExit(pid, 120), 0);
  ProcessResult r;
  std::ifstream out(dir + "/out");
  r.out.assign(std::istreambuf_iterator<char>(out), {});
  EXPECT_EQ(Summary(r)["detector"], "nanodet/ort");          // the run did use ONNX Runtime
  EXPECT_EQ(Summary(r)["schedule"]["detector_workers"], 1);  // one camera: one run, 2 threads
  EXPECT_FALSE(std::filesystem::exists(dir + "/.cache/Microsoft"));
  EXPECT_FALSE(std::filesystem::exists("/tmp/mat-debug-" + std::to_string(pid) + ".log"));
  std::ifstream err(dir + "/err");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(err), {}), "");
}

TEST(CliRun, SeveralCamerasShareTwoModelInstancesByDefault) {
  // detector.workers 0 (auto) with threads 2: two cameras get two instances on one thread each.
  const auto r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--source", "synthetic:empty",
                                 "--max-frames", "5"}),
                            120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  for (const std::string cam : {"cam0", "cam1"}) {
    EXPECT_EQ(s["cameras"][cam]["schedule"]["detector_workers"], 2) << s.dump();
  }
  const auto one =
      RunProcess(Cmd({"run", "--source", "synthetic:walk", "--source", "synthetic:empty",
                      "--max-frames", "5", "--set", "detector.workers=1"}),
                 120);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(Summary(one)["cameras"]["cam0"]["schedule"]["detector_workers"], 1);
}

TEST(CliRun, SyntheticSceneTracksMatchGroundTruth) {
  const std::string dir = TempDir();
  const auto r =
      RunProcess(Cmd({"run", "--source", "synthetic:walk", "--events-out", dir + "/ev.jsonl",
                      "--set", "source.ground_truth_out=" + dir + "/gt.txt"}),
                 300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto frames = ReadFrames(dir + "/ev.jsonl");
  ASSERT_GT(frames.size(), 100u);
  // gt: frame(1-based), id, x, y, w, h, ...
  std::map<int, std::vector<std::pair<int, std::vector<float>>>> gt;
  std::ifstream in(dir + "/gt.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ss(line);
    int frame, id;
    float x, y, w, h;
    ss >> frame >> id >> x >> y >> w >> h;
    gt[frame - 1].push_back({id, {x, y, w, h}});
  }
  ASSERT_FALSE(gt.empty());
  // For every ground-truth id: which track id covers it, frame by frame (IoU >= 0.5).
  std::map<int, std::map<int, int>> votes;
  std::map<int, int> visible;
  for (const auto& f : frames) {
    const int n = f["frame"];
    for (const auto& [gid, box] : gt[n]) {
      ++visible[gid];
      float best = 0.5f;
      int best_id = -1;
      for (const auto& t : f["tracks"]) {
        const float iou = BoxIoU(t["box"], box);
        if (iou >= best) best = iou, best_id = t["id"];
      }
      if (best_id >= 0) ++votes[gid][best_id];
    }
  }
  int checked = 0;
  for (const auto& [gid, n] : visible) {
    if (n < 30) continue;  // briefly visible at a border
    int dominant = 0;
    for (const auto& [tid, c] : votes[gid]) dominant = std::max(dominant, c);
    EXPECT_GE(static_cast<double>(dominant) / n, 0.7) << "ground-truth id " << gid;
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

TEST(CliRun, HogAndMotionDetectorsRun) {
  RequireVtest();
  for (const char* det : {"hog", "motion"}) {
    const auto r =
        RunProcess(Cmd({"run", "--source", kVtest, "--max-frames", "20", "--detector", det}), 300);
    ASSERT_EQ(r.exit_code, 0) << det << ": " << r.err;
    const json s = Summary(r);
    EXPECT_EQ(s["frames"], 20) << det;
    EXPECT_GT(s["detections"].get<int>(), 0) << det;
  }
}

TEST(CliRun, IntervalAndGateStillCoverEveryFrame) {
  RequireVtest();
  const std::string dir = TempDir();
  const auto r = RunProcess(
      Cmd({"run", "--source", kVtest, "--max-frames", "30", "--events-out", dir + "/ev.jsonl",
           "--set", "pipeline.detect_interval=3", "--set", "gate.enabled=true"}),
      300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["frames"], 30);
  EXPECT_LE(s["detector_runs"].get<int>(), 10);
  EXPECT_EQ(s["skipped"]["interval"].get<int>(), 20);
  const auto frames = ReadFrames(dir + "/ev.jsonl");
  ASSERT_EQ(frames.size(), 30u);
  int predicted_frames_with_tracks = 0;
  for (const auto& f : frames) {
    if (f["detector"] == "interval" && !f["tracks"].empty()) ++predicted_frames_with_tracks;
  }
  EXPECT_GE(predicted_frames_with_tracks, 15);  // tracks carried through skipped frames
}

TEST(CliRun, RealtimePacingDropsNothingWhenDetectorKeepsUp) {
  RequireVtest();
  // 20 frames at the file's 10 fps take about 2 s when paced like a camera.
  const auto r = RunProcess(
      Cmd({"run", "--source", kVtest, "--max-frames", "20", "--detector", "motion", "--realtime"},
          /*offline=*/false),
      120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["frames"], 20);
  EXPECT_EQ(s["frames_dropped"], 0);
  EXPECT_GE(s["wall_s"].get<double>(), 1.7);
}

// A newcomer's first run on a file processes every frame (the defaults read it as fast as the
// pipeline allows, with a blocking queue), even with a detector slower than the file's rate.
TEST(CliRun, FilesProcessEveryFrameByDefault) {
  RequireVtest();
  const auto r = RunProcess({kBin, "run", "--source", kVtest, "--max-frames", "40"}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["frames_read"], 40);
  EXPECT_EQ(s["frames"], 40);
  EXPECT_EQ(s["frames_dropped"], 0);
}

TEST(CliBench, EveryConfigurationRunsAndReports) {
  RequireVtest();
  const std::string dir = TempDir();
  const auto r = RunProcess({kBin, "bench", "--max-frames", "5", "--out", dir + "/b.json"}, 300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir + "/b.json");
  const json report = json::parse(in);
  ASSERT_GE(report["runs"].size(), 10u);
  for (const auto& run : report["runs"]) {
    EXPECT_EQ(run["frames"], 5) << run["name"];
    EXPECT_GT(run["fps"].get<double>(), 0.0) << run["name"];
    EXPECT_TRUE(run["detect_ms"].is_object()) << run["name"];  // the detector ran at least once
  }
}

// `bench --profile` on a few frames: the schema the planner reads, the reference agrees with
// itself, every F1 is a ratio, every latency positive.
TEST(CliBench, ProfileWritesTheOperatingPointsSchema) {
  RequireVtest();
  const std::string dir = TempDir();
  const auto r = RunProcess({kBin, "bench", "--profile", "--source", kVtest, "--max-frames", "5",
                             "--profile-out", dir + "/p.json"},
                            300);
  if (r.exit_code != 0 && r.err.find("ONNX Runtime") != std::string::npos) {
    GTEST_SKIP() << "built without ONNX Runtime: " << r.err;
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nanodet-416-fp32-t1"), std::string::npos) << r.out;  // the table
  std::ifstream in(dir + "/p.json");
  const json p = json::parse(in);
  EXPECT_EQ(p["schema"], "edgesight.profile/1");
  EXPECT_TRUE(std::regex_match(p["created"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_FALSE(p["machine"]["cpu"].get<std::string>().empty());
  EXPECT_GE(p["machine"]["cores"].get<int>(), 1);
  EXPECT_EQ(p["source"], kVtest);
  EXPECT_EQ(p["frames"], 5);
  EXPECT_EQ(p["reference"], "nanodet-416-fp32");
  EXPECT_NE(p["agreement_note"].get<std::string>().find("not accuracy"), std::string::npos);
  const std::string energy = p["energy_method"];
  EXPECT_TRUE(energy == "rapl" || energy.rfind("estimate: cpu_seconds x ", 0) == 0) << energy;
  const json& points = p["operating_points"];
  ASSERT_EQ(points.size(), 8 - 2 * p["skipped"].size());
  bool saw_reference = false, saw_frontier = false;
  for (const json& op : points) {
    const std::string name = op["name"];
    EXPECT_TRUE(std::regex_match(name, std::regex("nanodet-(416|320)-(fp32|int8)-t[12]"))) << name;
    EXPECT_TRUE(op["model"].is_string()) << name;
    EXPECT_TRUE(op["input_size"] == 416 || op["input_size"] == 320) << name;
    EXPECT_TRUE(op["precision"] == "fp32" || op["precision"] == "int8") << name;
    EXPECT_TRUE(op["threads"] == 1 || op["threads"] == 2) << name;
    EXPECT_GT(op["latency_ms"]["p50"].get<double>(), 0) << name;
    EXPECT_GE(op["latency_ms"]["p99"].get<double>(), op["latency_ms"]["p50"].get<double>());
    EXPECT_GT(op["throughput_fps"].get<double>(), 0) << name;
    EXPECT_GT(op["cpu_ms_per_inference"].get<double>(), 0) << name;
    EXPECT_GT(op["energy_j_per_inference"].get<double>(), 0) << name;
    const double f1 = op["agreement_f1"];
    EXPECT_GE(f1, 0.0) << name;
    EXPECT_LE(f1, 1.0) << name;
    for (const auto& [cls, a] : op["agreement"].items()) {
      for (const char* k : {"precision", "recall", "f1"}) {
        EXPECT_GE(a[k].get<double>(), 0.0) << name << " " << cls;
        EXPECT_LE(a[k].get<double>(), 1.0) << name << " " << cls;
      }
      EXPECT_GT(a["reference"].get<int>(), 0) << name << " " << cls;
    }
    ASSERT_TRUE(op["pareto"].is_boolean()) << name;
    saw_frontier = saw_frontier || op["pareto"].get<bool>();
    if (name == "nanodet-416-fp32-t1") {
      saw_reference = true;
      EXPECT_EQ(f1, 1.0);
      EXPECT_TRUE(op["agreement"].contains("person")) << op["agreement"];
    }
  }
  EXPECT_TRUE(saw_reference);
  EXPECT_TRUE(saw_frontier);
}

// A profile that could not be written is known before the sweep: one line, exit code 2.
TEST(CliBench, ProfileIntoMissingFolderIsOneLineError) {
  const std::string dir = TempDir();
  const auto r =
      RunProcess({kBin, "bench", "--profile", "--profile-out", dir + "/no/such/dir/p.json"}, 60);
  if (r.err.find("ONNX Runtime") != std::string::npos) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  const auto w = RunProcess({kBin, "bench", "--profile", "--watts-per-core", "-3"}, 60);
  EXPECT_EQ(w.exit_code, 2);
  ExpectOneLineError(w);
  const auto n = RunProcess({kBin, "bench", "--profile-out", dir + "/p.json"}, 60);
  EXPECT_EQ(n.exit_code, 2);  // --profile-out needs --profile
  ExpectOneLineError(n);
}

TEST(CliPtzSim, DeterministicJsonForEveryScenario) {
  const auto a = RunProcess({kBin, "ptz-sim", "--seed", "7"}, 120);
  const auto b = RunProcess({kBin, "ptz-sim", "--seed", "7"}, 120);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  const json j = json::parse(a.out);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_GE(j["runs"].size(), 20u);
  const auto bad = RunProcess({kBin, "ptz-sim", "--seed", "seven"}, 60);
  EXPECT_EQ(bad.exit_code, 2);
  ExpectOneLineError(bad);
}

TEST(CliRun, DeviceIdPrefixesEventIdsAndBadIdsAreRejected) {
  const std::string dir = TempDir();
  const auto r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "20",
                                 "--device", "yard-3", "--events-out", dir + "/ev.jsonl"}),
                            120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int events = 0;
  for (const auto& line : ReadJsonLines(dir + "/ev.jsonl")) {
    for (const auto& e : line["events"]) {
      EXPECT_EQ(e["id"].get<std::string>().rfind("yard-3/cam0/", 0), 0u) << e.dump();
      ++events;
    }
  }
  EXPECT_GT(events, 0);
  const auto bad = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--device", "a/b"}), 60);
  EXPECT_EQ(bad.exit_code, 2);
  ExpectOneLineError(bad);
}

// ---- Analytics, alarms and recording from the config ----

// A zone over the whole frame, a line, an alarm rule that appends each zone entry to a file, and
// recording: every zone start fires the alarm (up to the rate limit), the events name a clip
// that exists and plays (ffprobe), and the summary reports each part.
TEST(CliRun, ZonesAlarmsAndClipsFromTheConfig) {
  const std::string dir = TempDir();
  {
    std::ofstream cfg(dir + "/site.yaml");
    cfg << "source:\n  stream_id: yard\n"
        << "analytics:\n  zones:\n    - name: all\n"
        << "      polygon: [[0, 0], [640, 0], [640, 480], [0, 480]]\n      stream: yard\n"
        << "  lines:\n    - name: mid\n      a: [320, 0]\n      b: [320, 480]\n"
        << "alarm:\n  rules:\n    - name: entry\n      on: [zone.start]\n"
        << "      command: [\"/bin/sh\", \"-c\", \"cat >> " << dir << "/alarms.jsonl; echo >> "
        << dir << "/alarms.jsonl\"]\n      min_interval_s: 0\n"
        << "recording:\n  dir: " << dir << "/clips\n  pre_event_s: 1\n  post_event_s: 1\n";
  }
  const auto r =
      RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "150", "--detector",
                      "motion", "--config", dir + "/site.yaml", "--events-out", dir + "/ev.jsonl"}),
                 180);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  int zone_starts = 0;
  std::set<std::string> clips;
  for (const auto& line : ReadJsonLines(dir + "/ev.jsonl")) {
    for (const auto& e : line["events"]) {
      if (e["type"] == "zone" && e["phase"] == "start") {
        ++zone_starts;
        EXPECT_EQ(e["zone"], "all");
      }
      if (e.contains("clip")) clips.insert(e["clip"].get<std::string>());
    }
  }
  ASSERT_GT(zone_starts, 0);
  EXPECT_EQ(s["alarm"]["fired"], zone_starts) << s["alarm"].dump();
  std::ifstream alarms(dir + "/alarms.jsonl");
  int alarm_lines = 0;
  for (std::string l; std::getline(alarms, l);) {
    if (l.empty()) continue;
    EXPECT_EQ(json::parse(l)["type"], "zone");
    ++alarm_lines;
  }
  EXPECT_EQ(alarm_lines, zone_starts);
  ASSERT_FALSE(clips.empty()) << "no event names a clip";
  EXPECT_GE(s["recorder"]["clips_written"].get<int>(), 1) << s["recorder"].dump();
  for (const std::string& clip : clips) {
    const std::string path = dir + "/clips/" + clip;
    ASSERT_TRUE(fs::exists(path)) << path;
    const auto probe = RunProcess({"/usr/bin/ffprobe", "-v", "error", "-show_entries",
                                   "stream=codec_type", "-of", "csv=p=0", path},
                                  30);
    EXPECT_EQ(probe.exit_code, 0) << probe.err;
    EXPECT_NE(probe.out.find("video"), std::string::npos) << path;
  }
}

TEST(CliBadInput, MalformedZonesAndAlarmsNameTheItem) {
  const std::string dir = TempDir();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"analytics:\n  zones:\n    - name: bowtie\n"
       "      polygon: [[0, 0], [100, 100], [100, 0], [0, 100]]\n",
       "self-intersecting"},
      {"analytics:\n  zones:\n    - name: gate\n      polygon: [[0, 0], [9, 0], [9, 9]]\n"
       "      stream: cam9\n",
       "cam9"},
      {"alarm:\n  rules:\n    - name: siren\n      http: http://10.0.0.7/alarm\n", "siren"},
  };
  for (const auto& [yaml, needle] : cases) {
    std::ofstream(dir + "/bad.yaml") << yaml;
    const auto r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5",
                                   "--config", dir + "/bad.yaml"}),
                              60);
    EXPECT_EQ(r.exit_code, 2) << yaml << r.err;
    ExpectOneLineError(r);
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  }
}

// ---- Uplink: durable outbox and MQTT ----

std::vector<std::string> UplinkRun(const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"run",  "--source",   "synthetic:walk",  "--max-frames",
                                   "120",  "--detector", "motion",          "--device",
                                   "yard", "--outbox",   dir + "/outbox.db"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Cmd(args);
}

// Store and forward: a run with no broker keeps its events in the outbox; the next run, with a
// broker, delivers them and its own, and event ids continue across the restart (no reuse).
TEST(CliUplink, EventsOfAnOfflineRunArriveWithTheNextRunAndIdsNeverRepeat) {
  const std::string dir = TempDir();
  const auto offline = RunProcess(UplinkRun(dir, {}), 120);
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  const json s1 = Summary(offline);
  const int64_t first = s1["outbox"]["events_committed"];
  ASSERT_GT(first, 0);
  // Nothing sent without a broker: the outbox holds every event and every crop.
  EXPECT_EQ(s1["uplink"]["depth"], first + s1["outbox"]["crops"]["committed"].get<int64_t>());

  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const int port = broker.port();
  const auto sub = EventSubscriber(port, "edgesight/v1/yard/+/events");
  ASSERT_TRUE(sub->WaitSubscribed(5));
  const auto online =
      RunProcess(UplinkRun(dir, {"--mqtt", "mqtt://127.0.0.1:" + std::to_string(port)}), 120);
  ASSERT_EQ(online.exit_code, 0) << online.err;
  const json s2 = Summary(online);
  const int64_t second = s2["outbox"]["events_committed"];
  EXPECT_EQ(s2["uplink"]["depth"], 0) << s2.dump();
  const int64_t crops = s1["outbox"]["crops"]["committed"].get<int64_t>() +
                        s2["outbox"]["crops"]["committed"].get<int64_t>();
  EXPECT_GT(crops, 0);
  EXPECT_EQ(s2["uplink"]["acked"], first + second + crops);
  std::vector<std::pair<std::string, std::string>> msgs;
  for (int i = 0; i < 300 && static_cast<int64_t>(msgs.size()) < first + second; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    msgs = sub->messages();
  }
  broker.Kill(SIGTERM);
  ASSERT_EQ(static_cast<int64_t>(msgs.size()), first + second);
  std::set<std::string> ids;
  int64_t prev = 0;
  for (const auto& [topic, payload] : msgs) {
    EXPECT_EQ(topic, "edgesight/v1/yard/cam0/events");
    const json e = json::parse(payload);
    EXPECT_EQ(e["v"], 1);
    const std::string id = e["id"];
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    const int64_t n = std::stoll(id.substr(id.rfind('/') + 1));
    EXPECT_GT(n, prev) << "out of order: " << id;  // in order, across both runs
    prev = n;
  }
  // The report over both runs: nothing waiting, bytes per kind, and the raw-video comparison.
  const auto stats =
      RunProcess({kBin, "uplink-stats", "--outbox", dir + "/outbox.db", "--json"}, 30);
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const json st = json::parse(stats.out);
  EXPECT_EQ(st["depth"], 0);
  EXPECT_GT(st["sent"]["total"]["event"].get<int64_t>(), 0);
  EXPECT_GT(st["sent"]["total"]["crop"].get<int64_t>(), 0);
  EXPECT_GT(st["comparison"]["camera_hours"].get<double>(), 0);
  EXPECT_GT(st["comparison"]["reduction_pct"].get<double>(), 90);
  // One source for the byte figures: the first run sent nothing, so what the second run's
  // summary says it sent is what uplink-stats counts in total, kind by kind.
  EXPECT_EQ(s1["uplink"]["sent_bytes"]["all"], 0);
  for (const char* kind : {"event", "crop", "status", "all", "messages"}) {
    EXPECT_EQ(s2["uplink"]["sent_bytes"][kind], st["sent"]["total"][kind]) << kind;
  }
  const auto missing = RunProcess({kBin, "uplink-stats", "--outbox", dir + "/nope.db"}, 30);
  EXPECT_EQ(missing.exit_code, 2);
  ExpectOneLineError(missing);
}

TEST(CliUplink, UnreachableBrokerKeepsEventsAndBadSettingsAreOneLineErrors) {
  const std::string dir = TempDir();
  const int port = FreePort();  // nothing listens there
  const auto r = RunProcess(UplinkRun(dir, {"--mqtt", "mqtt://127.0.0.1:" + std::to_string(port),
                                            "--set", "pipeline.max_frames=60"}),
                            120);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // the edge keeps working without its uplink
  const json s = Summary(r);
  EXPECT_GT(s["outbox"]["events_committed"], 0);
  EXPECT_EQ(s["uplink"]["depth"], s["outbox"]["events_committed"].get<int64_t>() +
                                      s["outbox"]["crops"]["committed"].get<int64_t>());
  EXPECT_EQ(s["uplink"]["acked"], 0);
  // Honest status: the summary says the uplink never connected.
  EXPECT_EQ(s["status"].get<std::string>().rfind("degraded: uplink: never connected to ", 0), 0u)
      << s["status"];

  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--mqtt", "http://127.0.0.1:1883"},
        std::vector<std::string>{"--mqtt", "mqtt://user:hunter2@127.0.0.1:0"},
        std::vector<std::string>{"--outbox", dir + "/missing/dir/o.db"}}) {
    auto args = UplinkRun(dir, bad);
    const auto e = RunProcess(args, 60);
    EXPECT_EQ(e.exit_code, 2) << bad[1] << ": " << e.err;
    ExpectOneLineError(e);
    EXPECT_EQ(e.err.find("hunter2"), std::string::npos) << e.err;
  }
}

// The edge process SIGKILLed mid-run, then restarted: every event it committed reaches the
// broker (the restart drains the outbox), duplicates carry the same id, and ids have at most one
// short gap (ids persist with the events of a frame in one transaction, so the ids of the frame
// the kill interrupted are handed out again by the restart: usually no gap at all).
TEST(CliUplink, EdgeKilledWithSigkillLosesNothingItCommitted) {
  const std::string dir = TempDir();
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const int port = broker.port();
  const auto sub = EventSubscriber(port, "edgesight/v1/yard/+/events");
  ASSERT_TRUE(sub->WaitSubscribed(5));
  const std::string url = "mqtt://127.0.0.1:" + std::to_string(port);
  // Paced like a camera so the run is still going when it is killed.
  const int edge = StartProcess(
      {kBin, "run", "--source", "synthetic:crowd", "--realtime", "--detector", "motion", "--device",
       "yard", "--max-frames", "100000", "--mqtt", url, "--outbox", dir + "/outbox.db"},
      dir + "/edge.log");
  for (int i = 0; i < 3000 && sub->messages().size() < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(sub->messages().size(), 20u) << "no events from the first run";
  kill(-edge, SIGKILL);
  waitpid(edge, nullptr, 0);
  const auto restart =
      RunProcess(UplinkRun(dir, {"--mqtt", url, "--set", "pipeline.max_frames=30"}), 120);
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  EXPECT_EQ(Summary(restart)["uplink"]["depth"], 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto msgs = sub->messages();
  broker.Kill(SIGTERM);
  std::set<int64_t> counters;
  for (const auto& [topic, payload] : msgs) {
    const std::string id = json::parse(payload)["id"];
    ASSERT_EQ(id.rfind("yard/cam0/", 0), 0u) << id;
    counters.insert(std::stoll(id.substr(id.rfind('/') + 1)));
  }
  // Gaps: ids in 1..max that never arrived. At most one short run of them (the killed frame).
  std::vector<int64_t> missing;
  for (int64_t n = 1; n <= *counters.rbegin(); ++n) {
    if (!counters.count(n)) missing.push_back(n);
  }
  if (!missing.empty()) {
    EXPECT_LE(missing.size(), 16u);
    EXPECT_EQ(missing.back() - missing.front() + 1, static_cast<int64_t>(missing.size()))
        << "ids missing in more than one place: events were lost";
  }
}

// A broker that refuses the password: said on stderr at once (one line), every event kept in
// the outbox, the summary degraded, exit 2 (wrong credentials are bad configuration).
TEST(CliUplink, RefusedPasswordIsReportedAtOnceAndEventsAreKept) {
  const std::string dir = TempDir();
  mqtt_test::MosquittoProcess broker(FreePort(),
                                     "allow_anonymous false\npassword_file {dir}/passwd\n");
  const std::string passwd = broker.file("passwd");
  const auto made =
      RunProcess({"/usr/bin/mosquitto_passwd", "-b", "-c", passwd, "edge", "s3cret"}, 30);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  fs::permissions(passwd, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
  fs::permissions(broker.dir(), fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
  ASSERT_TRUE(broker.Start());
  const auto r = RunProcess(
      UplinkRun(dir, {"--mqtt", "mqtt://edge:wrong@127.0.0.1:" + std::to_string(broker.port()),
                      "--set", "pipeline.max_frames=60"}),
      120);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("refused the connection: CONNACK 5"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrong"), std::string::npos) << "password leaked: " << r.err;
  const json s = Summary(r);
  EXPECT_GT(s["outbox"]["events_committed"], 0);
  EXPECT_EQ(s["uplink"]["acked"], 0);
  EXPECT_GT(s["uplink"]["depth"], 0);
  EXPECT_EQ(s["status"].get<std::string>().rfind("degraded: uplink: never connected", 0), 0u)
      << s["status"];
}

// ---- RTSP over loopback ----

TEST(CliRtsp, ListensAndReceivesAStreamPushedByFfmpeg) {
  RequireVtest();
  const int port = FreePort();
  const std::string url = "rtsp://127.0.0.1:" + std::to_string(port) + "/live";
  ProcessResult r;
  std::thread edge([&] {
    r = RunProcess(Cmd({"run", "--source", url, "--set", "source.rtsp_listen=true", "--set",
                        "source.open_timeout_ms=20000", "--detector", "motion", "--max-frames",
                        "30", "--set", "pipeline.queue_policy=block"},
                       /*offline=*/false),
                   120);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const std::string dir = TempDir();
  const int ff = StartProcess({"ffmpeg",
                               "-nostdin",
                               "-loglevel",
                               "error",
                               "-re",
                               "-i",
                               kVtest,
                               "-t",
                               "8",
                               "-an",
                               "-c:v",
                               "libx264",
                               "-preset",
                               "ultrafast",
                               "-tune",
                               "zerolatency",
                               "-f",
                               "rtsp",
                               "-rtsp_transport",
                               "tcp",
                               url},
                              dir + "/ffmpeg.log");
  edge.join();
  StopProcess(ff);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["frames_read"], 30);
  EXPECT_EQ(s["frames"], 30);  // blocking queue: every received frame is processed
  EXPECT_GT(s["detections"].get<int>(), 0);
}

TEST(CliRtsp, UnreachableUrlFailsAfterBoundedRetries) {
  const int port = FreePort();  // nothing listens here
  const auto r =
      RunProcess(Cmd({"run", "--source", "rtsp://127.0.0.1:" + std::to_string(port) + "/live",
                      "--set", "source.reconnect_attempts=2", "--set",
                      "source.reconnect_backoff_ms=100", "--set", "source.open_timeout_ms=2000"},
                     false),
                 60);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ExpectOneLineError(r);
  EXPECT_LT(r.seconds, 30.0);
}

// ---- bad input: one line on stderr, exit 2, never a crash or a hang ----

TEST(CliBadInput, MissingVideo) {
  const auto r = RunProcess(Cmd({"run", "--source", "/nonexistent/clip.mp4"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("/nonexistent/clip.mp4"), std::string::npos);
}

TEST(CliBadInput, FileThatIsNotVideo) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/notes.mp4") << "this is not a video\n";
  const auto r = RunProcess(Cmd({"run", "--source", dir + "/notes.mp4"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  // A picture is not a one-frame video.
  for (const std::string ext : {"png", "jpg"}) {
    const std::string image = dir + "/still." + ext;
    const auto made = RunProcess({"ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                                  "color=c=red:s=64x64", "-frames:v", "1", image},
                                 30);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const auto p = RunProcess(Cmd({"run", "--source", image, "--detector", "motion"}), 60);
    EXPECT_EQ(p.exit_code, 2) << p.out;
    ExpectOneLineError(p);
    EXPECT_NE(p.err.find("a still image, not a video stream"), std::string::npos) << p.err;
  }
}

TEST(CliBadInput, TruncatedVideoKeepsGoodFramesThenFails) {
  RequireVtest();
  const std::string dir = TempDir();
  const auto size = fs::file_size(kVtest);
  {
    std::ifstream in(kVtest, std::ios::binary);
    std::vector<char> buf(size * 2 / 5);
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::ofstream(dir + "/cut.avi", std::ios::binary).write(buf.data(), in.gcount());
  }
  const auto r = RunProcess(Cmd({"run", "--source", dir + "/cut.avi", "--detector", "motion",
                                 "--events-out", dir + "/ev.jsonl"}),
                            120);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  const json s = Summary(r);
  ASSERT_TRUE(s.is_object()) << r.out;
  EXPECT_GT(s["frames"].get<int>(), 100);  // the good part was processed, nothing lost
  EXPECT_EQ(ReadFrames(dir + "/ev.jsonl").size(), s["frames"].get<size_t>());
}

TEST(CliBadInput, MissingModel) {
  RequireVtest();
  const auto r = RunProcess(
      Cmd({"run", "--source", kVtest, "--detector", "onnx:/nonexistent/model.onnx,format=yolov8"}),
      60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
}

TEST(CliBadInput, CorruptModel) {
  RequireVtest();
  const std::string dir = TempDir();
  std::ofstream(dir + "/bad.onnx") << "garbage, not a protobuf";
  for (const char* engine : {"opencv", "auto"}) {
    const auto r = RunProcess(Cmd({"run", "--source", kVtest, "--detector",
                                   "onnx:" + dir + "/bad.onnx,format=yolov8,engine=" + engine}),
                              60);
    EXPECT_EQ(r.exit_code, 2) << engine << ": " << r.err;
    ExpectOneLineError(r);
  }
}

TEST(CliBadInput, ConfigErrors) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/unknown.yaml") << "tracker:\n  trak_thresh: 0.5\n";
  std::ofstream(dir + "/range.yaml") << "detector:\n  score_threshold: 1.5\n";
  std::ofstream(dir + "/syntax.yaml") << "tracker: [unclosed\n";
  for (const char* name : {"unknown", "range", "syntax"}) {
    const auto r = RunProcess(
        Cmd({"run", "--source", "synthetic:walk", "--config", dir + "/" + name + ".yaml"}), 60);
    EXPECT_EQ(r.exit_code, 2) << name;
    ExpectOneLineError(r);
  }
  const auto missing =
      RunProcess(Cmd({"run", "--source", "synthetic:walk", "--config", dir + "/nope.yaml"}), 60);
  EXPECT_EQ(missing.exit_code, 2);
  ExpectOneLineError(missing);
  // A huge file is refused before the YAML parser sees it (50 MB took 44 s and 6.9 GB).
  {
    std::ofstream big(dir + "/big.yaml");
    for (int i = 0; i < 40000; ++i) big << "# padding padding padding padding padding padding\n";
  }
  const auto big =
      RunProcess(Cmd({"run", "--source", "synthetic:walk", "--config", dir + "/big.yaml"}), 60);
  EXPECT_EQ(big.exit_code, 2);
  ExpectOneLineError(big);
  EXPECT_NE(big.err.find("is larger than 1024 KiB"), std::string::npos) << big.err;
}

TEST(CliBadInput, BadFlagsAndSpecs) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", "--source", "synthetic:walk", "--detector", "yolo"},
           {"run", "--source", "synthetic:nosuchscene"},
           {"run", "--source", "synthetic:walk", "--max-frames", "-3"},
           {"run", "--source", "synthetic:walk", "--set", "pipeline.detect_interval=zero"},
           {"run", "--no-such-flag"},
           {"run", "--source", "synthetic:walk", "--device", "a#+"},
           {"run", "--source", "synthetic:walk", "--device", std::string(40000, 'x')},
           {"run"}}) {
    const auto r = RunProcess(Cmd(args), 60);
    EXPECT_EQ(r.exit_code, 2) << args.back().substr(0, 40);
    ExpectOneLineError(r);
    EXPECT_LT(r.err.size(), 300u) << r.err.substr(0, 300);  // no 309-digit ranges
  }
}

TEST(CliBadInput, UnwritableOutputs) {
  for (const char* flag : {"--events-out", "--annotate"}) {
    const auto r = RunProcess(
        Cmd({"run", "--source", "synthetic:walk", flag, "/nonexistent-dir/out.mp4"}), 60);
    EXPECT_EQ(r.exit_code, 2) << flag;
    ExpectOneLineError(r);
    EXPECT_NE(r.err.find("/nonexistent-dir/out.mp4"), std::string::npos) << r.err;
  }
  // The annotated video's container follows its extension; one we do not write is refused.
  const std::string dir = TempDir();
  const auto r =
      RunProcess(Cmd({"run", "--source", "synthetic:walk", "--annotate", dir + "/out.avi"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find(".mp4, .m4v, .mov, .mkv or .ts"), std::string::npos) << r.err;
}

// ---- PTZ in the pipeline (ptz: section) ----

// A calibration points file for the 640x480 synthetic scenes: a wide camera with a 500 px focal
// length looking along the PTZ's home direction (pan right, tilt up). `pixels` are landmarks.
std::string PtzPoints(const std::vector<std::pair<double, double>>& pixels) {
  std::ostringstream out;
  out << "# wide 640x480, f = 500 px\nsize 640 480\n";
  for (auto [u, v] : pixels) {
    const double x = (u - 320) / 500, y = (v - 240) / 500;
    out << u << " " << v << " " << std::atan2(x, 1.0) * 180 / M_PI << " "
        << std::atan2(-y, std::hypot(x, 1.0)) * 180 / M_PI << "\n";
  }
  return out.str();
}

std::string WritePtzPoints(const std::string& dir) {
  const std::string path = dir + "/ptz-points.txt";
  std::ofstream(path) << PtzPoints({{40, 40},
                                    {320, 40},
                                    {600, 40},
                                    {40, 240},
                                    {320, 240},
                                    {600, 240},
                                    {40, 440},
                                    {320, 440},
                                    {600, 440}});
  return path;
}

// synthetic:walk with the motion detector (fast) and the given ptz.* overrides.
std::vector<std::string> PtzRun(const std::vector<std::string>& sets, int frames = 120) {
  std::vector<std::string> args = {
      "run",        "--source", "synthetic:walk", "--max-frames", std::to_string(frames),
      "--detector", "motion"};
  for (const std::string& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return Cmd(args);
}

// Dual lens in one process: the wide camera drives the (simulated) head; the PTZ lens' feed is a
// camera too, at lower priority, whose own tracks confirm the followed target. Both lenses here
// are synthetic scenes, so confirmations may or may not happen; what must hold: both cameras
// run, the PTZ camera reports its confirmation hook, and every ptz start has its end.
TEST(CliPtz, DualLensPairRunsInOneProcess) {
  const std::string dir = TempDir();
  const std::string points = WritePtzPoints(dir);
  std::ofstream(dir + "/pair.yaml")
      << "detector: {type: motion}\n"
      << "pipeline: {max_frames: 150, queue_policy: block}\n"
      << "output: {events_out: " << dir << "/ev.jsonl}\n"
      << "cameras:\n"
      << "  - id: wide\n    source: {uri: synthetic:walk, realtime: false}\n"
      << "    role: wide\n    pair: tele\n"
      << "    ptz: {driver: simulator, calibration_file: " << points << "}\n"
      << "  - id: tele\n    source: {uri: synthetic:crowd, realtime: false}\n"
      << "    role: ptz\n    pair: wide\n    pipeline: {priority: 20}\n";
  const auto r = RunProcess({kBin, "run", "--config", dir + "/pair.yaml"}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["status"], "ok") << s.dump();
  EXPECT_GT(s["cameras"]["wide"]["ptz"]["commands_sent"].get<int>(), 0) << s.dump();
  ASSERT_TRUE(s["cameras"]["tele"].contains("ptz_confirm")) << s.dump();
  const json& c = s["cameras"]["tele"]["ptz_confirm"];
  EXPECT_EQ(c["confirmations"], c["losses"]) << c.dump();  // every start got its end
  std::set<std::string> starts, ends;
  for (const auto& line : ReadJsonLines(dir + "/ev.tele.jsonl")) {
    for (const auto& e : line["events"]) {
      if (e["type"] != "ptz") continue;
      (e["phase"] == "start" ? starts : ends).insert(e["start_id"].get<std::string>());
      EXPECT_TRUE(e.contains("wide_track_id")) << e.dump();
    }
  }
  EXPECT_EQ(starts, ends);
  EXPECT_EQ(static_cast<int>(starts.size()), c["confirmations"].get<int>());
}

// A calibration whose points disagree by degrees is used (the head still moves) but never
// silently: one warning line on stderr, and the run's status is degraded with the reason.
TEST(CliPtz, ABadlyFittingCalibrationIsUsedButSaidOutLoud) {
  const std::string dir = TempDir();
  std::string points = PtzPoints({{40, 40},
                                  {320, 40},
                                  {600, 40},
                                  {40, 240},
                                  {320, 240},
                                  {600, 240},
                                  {40, 440},
                                  {320, 440},
                                  {600, 440}});
  points += "100 300 -30 25\n";  // a landmark read off the wrong way: tens of degrees out
  std::ofstream(dir + "/bad.txt") << points;
  const auto r = RunProcess(
      PtzRun({"ptz.driver=simulator", "ptz.calibration_file=" + dir + "/bad.txt"}, 40), 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("edgesight: warning: ptz.calibration_file: residuals up to "),
            std::string::npos)
      << r.err;
  const json s = Summary(r);
  EXPECT_NE(s["ptz"].value("calibration_warning", "").find("measure the points again"),
            std::string::npos);
  EXPECT_EQ(s["status"].get<std::string>().rfind("degraded: ptz: ptz.calibration_file: ", 0), 0u)
      << s["status"];
  // The good points: no warning.
  const auto good = RunProcess(
      PtzRun({"ptz.driver=simulator", "ptz.calibration_file=" + WritePtzPoints(dir)}, 40), 120);
  EXPECT_EQ(good.err.find("warning"), std::string::npos) << good.err;
}

TEST(CliPtz, SimulatorHeadFollowsTheWalkers) {
  const std::string dir = TempDir();
  const std::string points = WritePtzPoints(dir);
  const auto r =
      RunProcess(PtzRun({"ptz.driver=simulator", "ptz.calibration_file=" + points}), 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  ASSERT_TRUE(s.contains("ptz")) << r.out;
  const json& p = s["ptz"];
  EXPECT_GT(s["tracks"].get<int>(), 0);
  EXPECT_EQ(p["health"], "ok") << p.dump();
  EXPECT_EQ(p["last_error"], "");
  EXPECT_GT(p["commands_sent"].get<int>(), 0) << p.dump();
  EXPECT_EQ(p["driver_errors"], 0);
  EXPECT_EQ(p["driver"], "simulator");
  EXPECT_GT(p["status_polls"].get<int>(), 0);
  // Without a ptz section (driver ""), the summary has no ptz object.
  const auto off = RunProcess(PtzRun({}, 20), 120);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_FALSE(Summary(off).contains("ptz"));
}

TEST(CliPtz, UnreachableOnvifHeadDoesNotStopTracking) {
  const std::string dir = TempDir();
  const std::string points = WritePtzPoints(dir);
  const int port = FreePort();  // nothing listens here
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/onvif/ptz_service";
  const auto r = RunProcess(PtzRun({"ptz.driver=onvif", "ptz.onvif_url=" + url,
                                    "ptz.onvif_timeout_ms=300", "ptz.calibration_file=" + points}),
                            120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_GT(s["tracks"].get<int>(), 0) << r.out;
  EXPECT_EQ(s["frames"], 120);
  const json& p = s["ptz"];
  EXPECT_EQ(p["health"], "degraded") << p.dump();
  EXPECT_GT(p["driver_errors"].get<int>(), 0);
  EXPECT_EQ(p["commands_sent"], 0);
  const std::string err = p["last_error"];
  EXPECT_NE(err.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
  EXPECT_NE(p["probe"].get<std::string>().find("127.0.0.1:" + std::to_string(port)),
            std::string::npos);
}

TEST(CliPtz, BadCalibrationFilesAreOneLineErrors) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/three.txt") << PtzPoints({{40, 40}, {600, 40}, {320, 440}});
  std::ofstream(dir + "/collinear.txt")
      << PtzPoints({{40, 40}, {200, 140}, {360, 240}, {520, 340}, {600, 375}});
  for (const char* name : {"three.txt", "collinear.txt", "missing.txt"}) {
    const std::string path = dir + "/" + name;
    const auto r =
        RunProcess(PtzRun({"ptz.driver=simulator", "ptz.calibration_file=" + path}, 10), 60);
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    ExpectOneLineError(r);
    EXPECT_NE(r.err.find("ptz.calibration_file: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << name;  // fails at start-up, before any frame
  }
  // Config errors of the section: driver without a calibration file, onvif without a URL.
  for (const std::vector<std::string>& sets :
       {std::vector<std::string>{"ptz.driver=simulator"},
        std::vector<std::string>{"ptz.driver=onvif", "ptz.calibration_file=x.txt"},
        std::vector<std::string>{"ptz.class_priority=[persn]"}}) {
    const auto r = RunProcess(PtzRun(sets, 10), 60);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    ExpectOneLineError(r);
    EXPECT_NE(r.err.find("ptz."), std::string::npos) << r.err;
  }
}

TEST(CliPtz, CalibrateReportsResidualsAndRejectsBadPoints) {
  const std::string dir = TempDir();
  const std::string good = WritePtzPoints(dir);
  const auto r = RunProcess({kBin, "calibrate", "--points", good, "--out", dir + "/c.json"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["points"], 9);
  EXPECT_LT(j["rms_deg"].get<double>(), 0.05);  // the points are exact up to 6 digits
  EXPECT_EQ(j["per_point"].size(), 9u);
  // The fitted file drives a run like the points file does.
  const auto run = RunProcess(
      PtzRun({"ptz.driver=simulator", "ptz.calibration_file=" + dir + "/c.json"}, 40), 120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Summary(run)["ptz"]["health"], "ok");

  std::ofstream(dir + "/collinear.txt")
      << PtzPoints({{40, 40}, {200, 140}, {360, 240}, {520, 340}, {600, 375}});
  const auto bad = RunProcess({kBin, "calibrate", "--points", dir + "/collinear.txt"}, 60);
  EXPECT_EQ(bad.exit_code, 2);
  ExpectOneLineError(bad);
  EXPECT_NE(bad.err.find("collinear.txt"), std::string::npos) << bad.err;
}

// `edgesight onvif-emulator` in its own process; returns its pid and endpoint ("" on failure).
std::pair<int, std::string> StartOnvifEmulator(const std::vector<std::string>& args,
                                               const std::string& log) {
  std::vector<std::string> argv = {kBin, "onvif-emulator"};
  argv.insert(argv.end(), args.begin(), args.end());
  const int pid = StartProcess(argv, log);
  for (int i = 0; i < 250; ++i) {  // 5 s
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      const json j = json::parse(line, nullptr, false);
      if (j.is_object() && j.contains("endpoint")) return {pid, j["endpoint"].get<std::string>()};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {pid, ""};
}

TEST(CliPtz, RunDrivesTheOnvifEmulatorAndReportsRejectedCredentials) {
  const std::string dir = TempDir();
  const std::string points = WritePtzPoints(dir);
  std::ofstream(dir + "/emu.pass") << "head-secret\n";
  std::ofstream(dir + "/good.pass") << "head-secret\n";
  std::ofstream(dir + "/bad.pass") << "not-the-secret\n";
  auto [pid, endpoint] = StartOnvifEmulator(
      {"--user", "operator", "--password-file", dir + "/emu.pass"}, dir + "/emu.log");
  ASSERT_FALSE(endpoint.empty()) << "emulator did not print its endpoint";
  auto run = [&](const std::string& pass) {
    return RunProcess(
        PtzRun({"ptz.driver=onvif", "ptz.onvif_url=" + endpoint,
                "ptz.onvif_configuration=PTZConfiguration_1", "ptz.onvif_username=operator",
                "ptz.onvif_password_file=" + pass, "ptz.calibration_file=" + points}),
        120);
  };
  const auto ok = run(dir + "/good.pass");
  const auto rejected = run(dir + "/bad.pass");
  StopProcess(pid);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const json p = Summary(ok)["ptz"];
  EXPECT_EQ(p["health"], "ok") << p.dump();
  EXPECT_EQ(p["probe"], "ok");
  EXPECT_GT(p["commands_sent"].get<int>(), 0) << p.dump();

  // Wrong credentials are bad configuration: one line on stderr when the head refused them,
  // tracking went on (the summary is complete), and the run exits 2.
  EXPECT_EQ(rejected.exit_code, 2) << rejected.err;
  ExpectOneLineError(rejected);
  EXPECT_EQ(rejected.err.rfind("edgesight: error: ptz: ", 0), 0u) << rejected.err;
  EXPECT_NE(rejected.err.find("NotAuthorized"), std::string::npos) << rejected.err;
  const json s = Summary(rejected);
  EXPECT_GT(s["tracks"].get<int>(), 0);
  EXPECT_EQ(s["status"].get<std::string>().rfind("degraded: ptz: ", 0), 0u) << s.dump();
  const json q = s["ptz"];
  EXPECT_EQ(q["health"], "degraded") << q.dump();
  EXPECT_EQ(q["commands_sent"], 0);
  const std::string err = q["last_error"];
  EXPECT_NE(err.find(endpoint), std::string::npos) << err;
  EXPECT_NE(err.find("NotAuthorized"), std::string::npos) << err;
  EXPECT_EQ(rejected.out.find("not-the-secret"), std::string::npos);
  EXPECT_EQ(rejected.err.find("not-the-secret"), std::string::npos);
  // The emulator's closing line counts the requests it served and the rejected ones.
  std::ifstream in(dir + "/emu.log");
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  const json counters = json::parse(last, nullptr, false);
  ASSERT_TRUE(counters.is_object()) << last;
  EXPECT_GT(counters["auth_failures"].get<int>(), 0);
  EXPECT_GT(counters["requests"].get<int>(), counters["auth_failures"].get<int>());
}

TEST(CliPtz, OnvifEmulatorBadFlagsAreOneLineErrors) {
  const auto r = RunProcess({kBin, "onvif-emulator", "--user", "u"}, 30);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  const auto missing =
      RunProcess({kBin, "onvif-emulator", "--user", "u", "--password-file", "/nonexistent/p"}, 30);
  EXPECT_EQ(missing.exit_code, 2);
  ExpectOneLineError(missing);
}

// ---- the README documents every flag each command accepts (and no command grows silently) ----

// The flags `edgesight CMD --help` lists.
std::set<std::string> HelpFlags(const std::string& command) {
  const auto r = RunProcess({kBin, command, "--help"}, 30);
  std::set<std::string> flags;
  std::istringstream in(r.out);
  std::string line;
  const std::regex flag(R"(^\s+(?:-\w, )?(--[a-z][a-z-]*))");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, flag) && m[1] != "--help") flags.insert(m[1]);
  }
  return flags;
}

// The README's "Command line" block, lines grouped by the command they describe (a line that
// starts with "edgesight CMD", and the indented lines after it).
std::map<std::string, std::string> ReadmeCommands() {
  std::ifstream in(std::string(ES_SOURCE_DIR) + "/README.md");
  std::string line, current;
  std::map<std::string, std::string> out;
  bool in_section = false, in_block = false;
  while (std::getline(in, line)) {
    if (line.rfind("## Command line", 0) == 0) in_section = true;
    if (!in_section) continue;
    if (line.rfind("```", 0) == 0) {
      if (in_block) break;
      in_block = true;
      continue;
    }
    if (!in_block) continue;
    if (line.rfind("edgesight ", 0) == 0) {
      std::istringstream words(line);
      std::string bin;
      words >> bin >> current;
    }
    if (!current.empty()) out[current] += line + "\n";
  }
  return out;
}

TEST(CliDocs, ReadmeDocumentsEveryFlagOfEveryCommand) {
  const auto readme = ReadmeCommands();
  for (const char* command : {"run", "bench", "track", "eval", "calibrate", "uplink-stats",
                              "ptz-sim", "onvif-emulator", "plan", "governor-sim"}) {
    ASSERT_TRUE(readme.count(command))
        << "README's Command line block lacks `edgesight " << command << "`";
    const std::set<std::string> flags = HelpFlags(command);
    EXPECT_FALSE(flags.empty()) << command;
    for (const std::string& f : flags) {
      const std::regex word(f + "(?![a-z-])");
      EXPECT_TRUE(std::regex_search(readme.at(command), word))
          << "README does not document `edgesight " << command << " " << f << "`";
    }
  }
}

// `synth-mot` writes crowd sequences that `track` and `eval` read as they are; bad values and an
// unwritable folder are one-line errors with exit code 2.
TEST(CliSynthMot, WritesSequencesThatTrackAndEvalRead) {
  const std::string dir = TempDir();
  const auto r = RunProcess({kBin, "synth-mot", "--out", dir + "/seqs", "--sequences", "2",
                             "--frames", "60", "--people", "12", "--seed", "7"},
                            60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  ASSERT_EQ(s["sequences"].size(), 2u);
  EXPECT_EQ(s["sequences"][1]["name"], "crowd-2");
  EXPECT_EQ(s["sequences"][1]["seed"], 8);
  EXPECT_GT(s["sequences"][0]["detections"].get<int>(), 0);
  const auto t =
      RunProcess({kBin, "track", "--mot-dir", dir + "/seqs", "--out-dir", dir + "/res"}, 60);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  // Detections only (no img1/): no frame-based cue ran, and the summary says so.
  EXPECT_EQ(json::parse(t.out)["sequences"][0]["frame_cues"], json::array()) << t.out;
  const auto e =
      RunProcess({kBin, "eval", "--gt-dir", dir + "/seqs", "--res-dir", dir + "/res"}, 60);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const json ev = json::parse(e.out);
  EXPECT_EQ(ev["sequences"][0]["gt_format"], "mot16");
  EXPECT_GT(ev["sequences"][2]["HOTA"].get<double>(), 10);

  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--out", dir + "/x", "--miss-rate", "2"},
        std::vector<std::string>{"--out", dir + "/x", "--sequences", "0"},
        std::vector<std::string>{"--out", dir + "/x", "--people", "500", "--frames", "100000"},
        std::vector<std::string>{"--out", "/proc/edgesight-no-such-dir"},
        std::vector<std::string>{}}) {
    std::vector<std::string> args = {kBin, "synth-mot"};
    args.insert(args.end(), bad.begin(), bad.end());
    const auto b = RunProcess(args, 30);
    EXPECT_EQ(b.exit_code, 2) << b.err;
    ExpectOneLineError(b);
  }
}

// A sequence with frames (synth-mot --render writes img1/*.jpg) is tracked with the frame-based
// cues, and the summary says which ran; a corrupt or missing frame, or frames that are not JPEG,
// are one-line errors with exit code 2, not a crash.
TEST(CliTrack, SequencesWithFramesUseTheFrameCues) {
  const std::string dir = TempDir();
  const auto r = RunProcess(
      {kBin, "synth-mot", "--out", dir + "/seqs", "--sequences", "1", "--frames", "40", "--people",
       "10", "--width", "640", "--height", "360", "--camera-shake", "6", "--render"},
      60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::is_regular_file(dir + "/seqs/crowd-1/img1/000040.jpg"));
  const auto t =
      RunProcess({kBin, "track", "--mot-dir", dir + "/seqs", "--out-dir", dir + "/res"}, 60);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const json seq = json::parse(t.out)["sequences"][0];
  EXPECT_EQ(seq["frame_cues"], json({"camera_motion", "appearance"})) << t.out;
  EXPECT_EQ(seq["camera_motion_measured"], 39) << t.out;  // every frame after the first
  EXPECT_GT(seq["camera_motion_max_px"].get<double>(), 1.0) << t.out;
  const auto off = RunProcess({kBin, "track", "--mot-dir", dir + "/seqs", "--out-dir", dir + "/res",
                               "--set", "tracker.camera_motion=false"},
                              60);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(json::parse(off.out)["sequences"][0]["frame_cues"], json({"appearance"}));

  std::ofstream(dir + "/seqs/crowd-1/img1/000010.jpg") << "not a jpeg";
  const auto bad =
      RunProcess({kBin, "track", "--mot-dir", dir + "/seqs", "--out-dir", dir + "/res"}, 60);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  ExpectOneLineError(bad);
  EXPECT_NE(bad.err.find("000010.jpg"), std::string::npos) << bad.err;
  fs::remove(dir + "/seqs/crowd-1/img1/000010.jpg");
  const auto missing =
      RunProcess({kBin, "track", "--mot-dir", dir + "/seqs", "--out-dir", dir + "/res"}, 60);
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("000010.jpg"), std::string::npos) << missing.err;
  std::ofstream(dir + "/seqs/crowd-1/seqinfo.ini")
      << "[Sequence]\nframeRate=25\nimDir=img1\nimExt=.png\n";
  const auto png =
      RunProcess({kBin, "track", "--mot-dir", dir + "/seqs", "--out-dir", dir + "/res"}, 60);
  EXPECT_EQ(png.exit_code, 2) << png.err;
  EXPECT_NE(png.err.find("imExt"), std::string::npos) << png.err;
}

// The pipeline's track stage measures the camera's own motion on the frames (tracker.
// camera_motion, on by default) and the run summary reports it: a rendered crowd filmed by a
// shaking camera, made into a video, shows its shake; with the cue off nothing is measured.
TEST(CliRun, TheSummaryReportsTheCamerasMotion) {
  const std::string dir = TempDir();
  const auto r =
      RunProcess({kBin, "synth-mot", "--out", dir, "--sequences", "1", "--frames", "40", "--people",
                  "8", "--width", "640", "--height", "360", "--camera-shake", "6", "--render"},
                 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string video = dir + "/shake.avi";
  const auto made = RunProcess({"ffmpeg", "-nostdin", "-loglevel", "error", "-framerate", "25",
                                "-i", dir + "/crowd-1/img1/%06d.jpg", "-c:v", "copy", video},
                               60);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto on =
      RunProcess(Cmd({"run", "--source", video, "--detector", "motion", "--json"}), 120);
  ASSERT_EQ(on.exit_code, 0) << on.err;
  const json m = json::parse(on.out)["camera_motion"];
  EXPECT_GE(m["measured_frames"].get<int>(), 35) << on.out;  // all but the first, about
  EXPECT_GT(m["max_px"].get<double>(), 3.0) << on.out;
  EXPECT_LT(m["max_px"].get<double>(), 60.0) << on.out;
  const auto off = RunProcess(Cmd({"run", "--source", video, "--detector", "motion", "--json",
                                   "--set", "tracker.camera_motion=false"}),
                              120);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(json::parse(off.out)["camera_motion"]["measured_frames"], 0) << off.out;
}

}  // namespace
}  // namespace es::testing

namespace es::testing {
namespace {

// The footprint (docs/packaging.md): `run` initialises fewer than 60 shared libraries, none of
// them Debian's libavcodec/libavformat (FFmpeg is linked in, built with only what cameras use,
// scripts/build_ffmpeg.sh), while it decodes the demo footage (MPEG-4 Part 2 in AVI).
TEST(CliFootprint, RunLoadsFewerThanSixtyLibrariesAndNotDebiansFfmpeg) {
  const ProcessResult r =
      RunProcess({"/usr/bin/env", "LD_DEBUG=files", kBin, "run", "--source", kVtest, "--detector",
                  "motion", "--max-frames", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  size_t inits = 0;
  for (size_t p = r.err.find("calling init:"); p != std::string::npos;
       p = r.err.find("calling init:", p + 1)) {
    ++inits;
  }
  EXPECT_GT(inits, 10u);  // LD_DEBUG worked
  EXPECT_LT(inits, 60u) << r.err.substr(0, 4000);
  EXPECT_EQ(r.err.find("libavcodec.so"), std::string::npos) << "Debian's FFmpeg was loaded";
  EXPECT_EQ(r.err.find("libavformat.so"), std::string::npos);
  EXPECT_EQ(r.err.find("libopencv_videoio"), std::string::npos);
}

}  // namespace
}  // namespace es::testing
