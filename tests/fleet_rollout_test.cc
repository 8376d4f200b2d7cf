// `edgesight-backend rollout` across a fleet of ten real `edgesight run` processes on one real
// mosquitto: stage 1 passes and the rollout advances; two devices of stage 2 refuse the bundle
// (they trust another key), which is past the failure threshold, so the rollout pauses and the
// third stage never gets it; a device that was offline picks the retained bundle up when it
// returns. Plus the command's bad-input paths (one line, exit 2).
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "cli_test_util.h"
#include "uplink/mqtt_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;
const std::string kBackend = EDGESIGHT_BACKEND_BIN;

class FleetRollout : public ::testing::Test {
 protected:
  void SetUp() override {
    models_ = ConvertedModelDir();
    if (models_.empty())
      GTEST_SKIP() << "converted NanoDet models absent (scripts/fetch_assets.sh)";
    dir_ = TempDir();
    for (const char* key : {"release", "other"}) {
      ASSERT_EQ(RunProcess({kBin, "model", "keygen", "--out", dir_ + "/" + key}).exit_code, 0);
    }
    b1_ = Pack("1", "nanodet-m-416.onnx");
    b2_ = Pack("2", "nanodet-320.onnx");
  }
  void TearDown() override {
    for (int pid : pids_) StopProcess(pid);
  }
  std::string Pack(const std::string& version, const std::string& model) {
    const std::string folder = dir_ + "/v" + version;
    fs::create_directories(folder);
    fs::copy_file(models_ + "/" + model, folder + "/model.onnx");
    const std::string out = dir_ + "/det-" + version + ".esm";
    const ProcessResult r = RunProcess({kBin, "model", "pack", folder, "--key", dir_ + "/release",
                                        "-o", out, "--name", "det", "--version", version});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  ProcessResult Rollout(std::vector<std::string> args, double timeout_s = 60) {
    std::vector<std::string> argv = {kBackend, "rollout"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, timeout_s);
  }

  std::string models_, dir_, b1_, b2_;
  std::vector<int> pids_;
};

// The retained statuses of edgesight/v1/+/status, as a subscriber sees them.
class StatusWatcher {
 public:
  explicit StatusWatcher(int port) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, this);
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto* w = static_cast<StatusWatcher*>(self);
      const json j = json::parse(
          std::string(static_cast<const char*>(msg->payload), msg->payloadlen), nullptr, false);
      std::lock_guard lock(w->mu_);
      if (j.is_object()) w->status_[j.value("device", "")] = j;
    });
    mosquitto_connect(m_, "127.0.0.1", port, 30);
    mosquitto_subscribe(m_, nullptr, "edgesight/v1/+/status", 1);
    mosquitto_loop_start(m_);
  }
  ~StatusWatcher() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  // Waits until `n` devices report online with `model` in use.
  bool WaitOnline(size_t n, const std::string& model, double timeout_s) {
    for (int i = 0; i < timeout_s * 10; ++i) {
      {
        std::lock_guard lock(mu_);
        size_t online = 0;
        for (const auto& [d, j] : status_) {
          online += j.value("state", "") == "online" && j.value("model", "") == model;
        }
        if (online >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  mosquitto* m_ = nullptr;
  std::mutex mu_;
  std::map<std::string, json> status_;
};

TEST_F(FleetRollout, AStageWithFailuresPausesAndAnOfflineDevicePicksTheBundleUpLater) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing";
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const std::string url = "mqtt://127.0.0.1:" + std::to_string(broker.port());
  StatusWatcher watcher(broker.port());
  // Ten devices on det@1; site-02 and site-03 trust only another key.
  const auto device_dir = [&](int i) { return dir_ + "/site-0" + std::to_string(i); };
  const auto start = [&](int i, const std::string& frames) {
    const std::string d = device_dir(i);
    return StartProcess({kBin, "run", "--config", d + "/run.yaml", "--source", kVtest, "--realtime",
                         "--max-frames", frames, "--device", "site-0" + std::to_string(i), "--mqtt",
                         url, "--outbox", d + "/outbox.db", "--summary-json", d + "/summary.json"},
                        d + "/out.log", d + "/err.log");
  };
  for (int i = 0; i < 10; ++i) {
    const std::string d = device_dir(i);
    fs::create_directories(d);
    const std::string key = dir_ + (i == 2 || i == 3 ? "/other.pub" : "/release.pub");
    ASSERT_EQ(RunProcess({kBin, "model", "install", b1_, "--pub", dir_ + "/release.pub", "--store",
                          d + "/store", "--activate"})
                  .exit_code,
              0);
    std::ofstream(d + "/run.yaml")
        << "models: {store: \"" << d << "/store\", trusted_keys: [\"" << key << "\"], inbox: \""
        << d << "/inbox\", poll_s: 0.2, shadow_frames: 4, shadow_period_s: 0.2, watch_frames: 6}\n"
        << "pipeline: {detect_period_s: 0.5}\nuplink: {status_interval_s: 1}\n";
  }
  // site-04 has been seen, then went offline (its retained status says so).
  ASSERT_EQ(WaitExit(start(4, "3"), 60), 0) << Slurp(device_dir(4) + "/err.log");
  for (int i = 0; i < 10; ++i) {
    if (i != 4) pids_.push_back(start(i, "700"));
  }
  ASSERT_TRUE(watcher.WaitOnline(9, "det@1", 90)) << "the devices did not come online";

  // 10 devices at 10/50/100 %: stage 1 {site-00}, stage 2 {site-01..04}, stage 3 the rest.
  const ProcessResult r =
      Rollout({"--bundle", b2_, "--pub", dir_ + "/release.pub", "--devices", "site-*", "--stages",
               "10,50,100", "--max-failure-rate", "0.25", "--soak", "2s", "--report-timeout", "60s",
               "--mqtt", url, "--discover", "1s", "--json"},
              240);
  ASSERT_EQ(r.exit_code, 3) << r.err;  // paused
  const json state = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(state.is_object()) << r.out;
  EXPECT_EQ(state["state"], "paused");
  EXPECT_EQ(state["stage"], 2);
  EXPECT_NE(state["reason"].get<std::string>().find("2 of 5 device(s) failed"), std::string::npos)
      << state["reason"];
  std::map<std::string, json> dev;
  for (const json& d : state["devices"]) dev[d["device"]] = d;
  ASSERT_EQ(dev.size(), 10u);
  EXPECT_EQ(dev["site-00"]["state"], "passed") << dev["site-00"].dump();
  EXPECT_GT(dev["site-00"]["figures"].value("f1", 0.0), 0.5) << dev["site-00"].dump();
  for (const char* d : {"site-02", "site-03"}) {
    EXPECT_EQ(dev[d]["state"], "failed") << dev[d].dump();
    EXPECT_NE(dev[d]["reason"].get<std::string>().find("does not trust"), std::string::npos);
  }
  EXPECT_EQ(dev["site-04"]["state"], "sent");
  EXPECT_FALSE(dev["site-04"]["online"].get<bool>());
  for (int i = 5; i < 10; ++i) {
    const std::string d = "site-0" + std::to_string(i);
    EXPECT_EQ(dev[d]["state"], "pending") << d;
    EXPECT_FALSE(fs::exists(device_dir(i) + "/inbox/processed")) << d << " got the bundle";
  }
  EXPECT_NE(r.err.find("site-00: passed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("stage 2 of 3"), std::string::npos) << r.err;

  // The paused rollout is saved; starting it again only reports it.
  const ProcessResult again = Rollout({"status", "--bundle", b2_, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["state"], "paused");
  EXPECT_EQ(Rollout({"--bundle", b2_, "--pub", dir_ + "/release.pub", "--devices", "site-*",
                     "--mqtt", url})
                .exit_code,
            3);
  const ProcessResult table = Rollout({"status", "--bundle", b2_});
  EXPECT_NE(table.out.find("site-03"), std::string::npos) << table.out;

  // site-04 returns and takes the retained bundle.
  const int back = start(4, "150");
  ASSERT_EQ(WaitExit(back, 120), 0) << Slurp(device_dir(4) + "/err.log");
  const json s4 = json::parse(Slurp(device_dir(4) + "/summary.json"), nullptr, false);
  std::vector<std::string> actions;
  for (const json& e : s4["models"]["events"]) {
    actions.push_back(e["action"]);
    EXPECT_EQ(e["bundle_sha256"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"received", "promoted"})) << s4.dump();
}

TEST_F(FleetRollout, BadInputIsOneLineAndExitTwo) {
  const std::string pub = dir_ + "/release.pub";
  const auto expect_bad = [&](std::vector<std::string> args, const std::string& needle) {
    const ProcessResult r = Rollout(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("edgesight-backend: error: rollout: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  };
  expect_bad({"--bundle", b2_, "--pub", pub}, "--devices is required");
  expect_bad({"--bundle", b2_, "--pub", pub, "--devices", "x", "--stages", "50,20,100"}, "rise");
  expect_bad({"--bundle", b2_, "--pub", pub, "--devices", "x", "--soak", "ten"}, "--soak");
  expect_bad({"--bundle", b2_, "--pub", pub, "--devices", "x", "--max-failure-rate", "nan"},
             "--max-failure-rate");
  expect_bad({"--bundle", b2_, "--pub", pub, "--devices", "x", "--on-failure", "retry"},
             "--on-failure");
  expect_bad({"--bundle", b2_, "--pub", dir_ + "/other.pub", "--devices", "x"}, "does not trust");
  std::string bytes = Slurp(b2_);
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(dir_ + "/tampered.esm", std::ios::binary) << bytes;
  expect_bad({"--bundle", dir_ + "/tampered.esm", "--pub", pub, "--devices", "x"}, "");
  expect_bad({"status", "--state", dir_ + "/none.json"}, "cannot open");
  std::ofstream(dir_ + "/garbage.json") << "{";
  expect_bad({"status", "--state", dir_ + "/garbage.json"}, "not a rollout state");
  // No device matches the selector on a live broker.
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  expect_bad({"--bundle", b2_, "--pub", pub, "--devices", "nobody-*", "--mqtt",
              "mqtt://127.0.0.1:" + std::to_string(broker.port()), "--discover", "0.5s"},
             "no device matches");
}

}  // namespace
}  // namespace es::testing
