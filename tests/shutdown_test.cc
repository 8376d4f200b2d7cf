// Graceful shutdown of `edgesight run` (SIGINT, SIGTERM), end to end: a real mosquitto, real
// clips, the per-frame JSON lines. A stop must lose nothing, several times in a row.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;

struct StopRun {
  int exit_code = -3;
  json summary;
  std::vector<json> lines;  // --events-out
  std::string err;
};

// Starts a paced (live-like) run with the uplink, recording and an events file, waits until it
// has committed a few events, sends `sig`, and waits (bounded) for the exit.
StopRun RunAndStop(const std::string& dir, int port, int sig, bool sigint_ignored = false) {
  const std::string url = "mqtt://127.0.0.1:" + std::to_string(port);
  std::vector<std::string> argv = {
      kBin, "run", "--source", "synthetic:crowd", "--detector", "motion", "--device", "yard",
      "--realtime", "--mqtt", url, "--outbox", dir + "/outbox.db", "--events-out",
      dir + "/ev.jsonl",
      "--set", "recording.dir=" + dir + "/clips", "--set", "recording.pre_event_s=1",
      "--set", "recording.post_event_s=30"};
  if (sigint_ignored) {
    // A background job of a non-interactive shell inherits SIGINT as ignored.
    std::string cmd = "trap '' INT; exec";
    for (const auto& a : argv) cmd += " '" + a + "'";
    argv = {"/bin/sh", "-c", cmd};
  }
  const int pid = StartProcess(argv, dir + "/out.json", dir + "/err.txt");
  // Wait for a few committed events (track starts) so the stop has episodes and a clip open.
  for (int i = 0; i < 1500; ++i) {
    if (fs::exists(dir + "/ev.jsonl") && fs::file_size(dir + "/ev.jsonl") > 20'000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, sig);
  StopRun r;
  r.exit_code = WaitExit(pid, 30);
  std::ifstream out(dir + "/out.json");
  r.summary = json::parse(out, nullptr, /*allow_exceptions=*/false);
  r.lines = ReadJsonLines(dir + "/ev.jsonl");
  std::ifstream err(dir + "/err.txt");
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  return r;
}

void ExpectNothingLost(const StopRun& r, const std::string& dir,
                       mqtt_test::TestSubscriber& sub, const std::string& signal_name) {
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.summary.value("stopped_by", ""), signal_name) << r.summary.dump();
  EXPECT_EQ(r.summary.value("status", ""), "ok");
  ASSERT_FALSE(r.lines.empty());
  EXPECT_TRUE(r.lines.back().value("end_of_stream", false)) << "no closing line";
  // Every start has its end; every clip an event names is a finished, playable file.
  std::set<std::string> starts, ends, clips, ids;
  for (const auto& line : r.lines) {
    for (const auto& e : line["events"]) {
      ids.insert(e["id"].get<std::string>());
      if (e["phase"] == "start") starts.insert(e["id"].get<std::string>());
      if (e["phase"] == "end") ends.insert(e["start_id"].get<std::string>());
      if (e.contains("clip")) clips.insert(e["clip"].get<std::string>());
    }
  }
  ASSERT_FALSE(starts.empty());
  for (const auto& id : starts) EXPECT_TRUE(ends.count(id)) << "no end for " << id;
  ASSERT_FALSE(clips.empty()) << "no event names a clip";
  for (const auto& clip : clips) {
    const std::string path = dir + "/clips/" + clip;
    ASSERT_TRUE(fs::exists(path)) << path;
    const auto probe = RunProcess({"/usr/bin/ffprobe", "-v", "error", "-count_packets",
                                   "-show_entries", "stream=codec_type", "-of", "csv=p=0", path},
                                  30);
    EXPECT_EQ(probe.exit_code, 0) << clip << ": " << probe.err;
  }
  for (const auto& entry : fs::directory_iterator(dir + "/clips")) {
    EXPECT_NE(entry.path().extension(), ".part") << entry.path();
  }
  // Everything committed reached the broker during the drain; the outbox is empty.
  EXPECT_EQ(r.summary["uplink"]["depth"], 0) << r.summary["uplink"].dump();
  std::set<std::string> delivered;
  for (const auto& [topic, payload] : sub.messages()) {
    if (topic.find("/events") != std::string::npos) {
      delivered.insert(json::parse(payload)["id"].get<std::string>());
    }
  }
  for (const auto& id : ids) EXPECT_TRUE(delivered.count(id)) << id << " never reached the broker";
}

// The retained status a new subscriber gets: "offline" after a clean stop.
std::string RetainedState(int port) {
  auto status = EventSubscriber(port, "edgesight/v1/yard/status");
  mqtt_test::WaitFor([&] { return !status->messages().empty(); }, 5);
  const auto msgs = status->messages();
  if (msgs.empty()) return "(none)";
  return json::parse(msgs.back().second).value("state", "?");
}

class ShutdownTest : public ::testing::TestWithParam<int> {};

TEST_P(ShutdownTest, StopLosesNothingThreeTimesInARow) {
  const int sig = GetParam();
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string dir = TempDir();
    const auto sub = EventSubscriber(broker.port(), "edgesight/v1/yard/#");
    ASSERT_TRUE(sub->WaitSubscribed(5));
    const StopRun r = RunAndStop(dir, broker.port(), sig);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ExpectNothingLost(r, dir, *sub, strsignal(sig));
    EXPECT_EQ(RetainedState(broker.port()), "offline");
  }
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return info.param == SIGINT ? "SIGINT" : "SIGTERM"; });

// A SIGINT inherited as ignored (a background job) still stops the run gracefully.
TEST(ShutdownInheritedIgnore, SigintIgnoredByTheParentStillStops) {
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const std::string dir = TempDir();
  const auto sub = EventSubscriber(broker.port(), "edgesight/v1/yard/#");
  ASSERT_TRUE(sub->WaitSubscribed(5));
  const StopRun r = RunAndStop(dir, broker.port(), SIGINT, /*sigint_ignored=*/true);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ExpectNothingLost(r, dir, *sub, strsignal(SIGINT));
}

// SIGHUP re-reads the config and applies the live settings to the running camera: frames after
// it follow the new detection interval, none is lost, and a broken file changes nothing.
TEST(SignalReload, SighupAppliesLiveSettingsWithoutLosingAFrame) {
  const std::string dir = TempDir();
  const std::string cfg = dir + "/site.yaml";
  const std::string base =
      "source:\n  uri: synthetic:crowd\n  stream_id: yard\n  realtime: true\n"
      "detector:\n  type: motion\n"
      "pipeline:\n  queue_policy: block\n";
  std::ofstream(cfg) << base;
  const int pid = StartProcess({kBin, "run", "--config", cfg, "--events-out", dir + "/ev.jsonl"},
                               dir + "/out.json", dir + "/err.txt");
  auto frames_now = [&] { return ReadJsonLines(dir + "/ev.jsonl").size(); };
  mqtt_test::WaitFor([&] { return frames_now() >= 30; }, 30);
  std::ofstream(cfg) << "source: [broken\n";  // a reload that fails keeps the settings
  kill(pid, SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::ofstream(cfg) << base << "  detect_interval: 1000\n";
  kill(pid, SIGHUP);
  const size_t at_reload = frames_now();
  mqtt_test::WaitFor([&] { return frames_now() >= at_reload + 40; }, 30);
  kill(pid, SIGTERM);
  ASSERT_EQ(WaitExit(pid, 30), 0);
  std::ifstream out(dir + "/out.json");
  const json s = json::parse(out, nullptr, /*allow_exceptions=*/false);
  std::ifstream err_in(dir + "/err.txt");
  const std::string err((std::istreambuf_iterator<char>(err_in)), {});
  EXPECT_NE(err.find("edgesight: reload: "), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(s["schedule"]["settings_version"], 2) << s.dump();
  EXPECT_EQ(s["frames"], s["frames_read"]);  // nothing lost to the change
  EXPECT_EQ(s["frames_dropped"], 0);
  const auto frames = ReadFrames(dir + "/ev.jsonl");
  ASSERT_GT(frames.size(), at_reload + 30);
  int ran_after = 0;
  for (size_t i = at_reload + 10; i < frames.size(); ++i) {
    ran_after += frames[i]["detector"] != "interval" && frames[i]["frame"].get<int>() % 1000 != 0;
  }
  EXPECT_EQ(ran_after, 0);
  int ran_before = 0;
  for (size_t i = 0; i < 30; ++i) ran_before += frames[i]["detector"] != "interval";
  EXPECT_EQ(ran_before, 30);
}

}  // namespace
}  // namespace es::testing
