// `edgesight model ...` end to end on real models (the embedded NanoDet 416 and the 320 variant
// the set-up converts): keygen, pack (the manifest filled from the model), verify, install,
// activate, rollback; refused bundles are one line and exit 2 and change nothing; and a SIGKILL
// at each step of an install leaves a store whose active model is complete and verified.
#include <gtest/gtest.h>
#include <httplib.h>
#include <mosquitto.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;

class ModelCli : public ::testing::Test {
 protected:
  void SetUp() override {
    models_ = ConvertedModelDir();
    if (models_.empty())
      GTEST_SKIP() << "converted NanoDet models absent (scripts/fetch_assets.sh)";
    dir_ = TempDir();
    ASSERT_EQ(Model({"keygen", "--out", dir_ + "/release"}).exit_code, 0);
    fs::create_directories(dir_ + "/v1");
    fs::create_directories(dir_ + "/v2");
    fs::copy_file(models_ + "/nanodet-m-416.onnx", dir_ + "/v1/nanodet-m-416.onnx");
    fs::copy_file(models_ + "/nanodet-320.onnx", dir_ + "/v2/nanodet-m-416.onnx");
  }
  ProcessResult Model(std::vector<std::string> args, std::string crash_at = "") {
    std::vector<std::string> argv = {kBin, "model"};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!crash_at.empty())
      argv.insert(argv.begin(), {"/usr/bin/env", "EDGESIGHT_CRASH_AT=" + crash_at});
    return RunProcess(argv, 120);
  }
  std::string Pack(const std::string& version) {
    const std::string out = dir_ + "/det-" + version + ".esm";
    const ProcessResult r = Model({"pack", dir_ + "/v" + version, "--key", dir_ + "/release", "-o",
                                   out, "--name", "det", "--version", version});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  json List(const std::string& store) {
    const ProcessResult r = Model({"list", "--store", store});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  std::string models_, dir_;
};

TEST_F(ModelCli, PackFillsTheManifestFromTheModelAndTheStoreSwitchesAB) {
  const ProcessResult packed =
      Model({"pack", dir_ + "/v1", "--key", dir_ + "/release", "-o", dir_ + "/plain.esm"});
  ASSERT_EQ(packed.exit_code, 0) << packed.err;
  const json p = json::parse(packed.out);
  EXPECT_EQ(p["id"], "nanodet-m-416@1");  // name from the file, version 1
  EXPECT_EQ(p["head"], "nanodet");
  EXPECT_EQ(p["input_size"], 416);
  const std::string pub = dir_ + "/release.pub";
  const ProcessResult v = Model({"verify", dir_ + "/plain.esm", "--pub", pub});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(json::parse(v.out)["classes"].size(), 80u);

  const std::string b1 = Pack("1"), b2 = Pack("2");
  const std::string store = dir_ + "/store";
  ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  const ProcessResult i2 = Model({"install", b2, "--pub", pub, "--store", store});
  ASSERT_EQ(i2.exit_code, 0) << i2.err;
  EXPECT_EQ(json::parse(i2.out)["input_size"], 320);
  EXPECT_EQ(List(store)["active"], "det@1");
  ASSERT_EQ(Model({"activate", "det@2", "--store", store}).exit_code, 0);
  EXPECT_EQ(List(store)["active"], "det@2");
  ASSERT_EQ(Model({"rollback", "--store", store}).exit_code, 0);
  EXPECT_EQ(List(store)["active"], "det@1");
  // A device with the store runs its active model, and its events name it.
  const std::string events = dir_ + "/events.jsonl";
  const ProcessResult run =
      RunProcess(Cmd({"run", "--source", kVtest, "--max-frames", "40", "--set",
                      "models.store=" + store, "--events-out", events}),
                 120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::ifstream in(events);
  int named = 0, unnamed = 0;
  for (std::string line; std::getline(in, line);) {
    const json frame = json::parse(line, nullptr, false);
    if (!frame.is_object() || !frame.contains("events")) continue;
    for (const json& e : frame["events"]) (e.value("model", "") == "det@1" ? named : unnamed)++;
  }
  EXPECT_GT(named, 0);
  EXPECT_EQ(unnamed, 0);
}

TEST_F(ModelCli, RefusedBundlesAreOneLineExitTwoAndChangeNothing) {
  const std::string b1 = Pack("1");
  const std::string pub = dir_ + "/release.pub";
  const std::string store = dir_ + "/store";
  ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  std::string bytes;
  {
    std::ifstream in(b1, std::ios::binary);
    bytes.assign((std::istreambuf_iterator<char>(in)), {});
  }
  const auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << content;
    return dir_ + "/" + name;
  };
  std::string tampered = bytes;
  tampered[bytes.size() / 2] ^= 1;
  ASSERT_EQ(Model({"keygen", "--out", dir_ + "/other"}).exit_code, 0);
  struct Case {
    std::string bundle, pub, says;
  };
  const Case cases[] = {
      {write("tampered.esm", tampered), pub, "signature does not verify"},
      {write("truncated.esm", bytes.substr(0, bytes.size() / 3)), pub, "truncated"},
      {write("junk.esm", "not a bundle"), pub, "not a model bundle"},
      {b1, dir_ + "/other.pub", "does not trust"},
      {b1, dir_ + "/release", "not an edgesight public key"},
  };
  for (const Case& c : cases) {
    const ProcessResult r = Model({"install", c.bundle, "--pub", c.pub, "--store", store});
    EXPECT_EQ(r.exit_code, 2) << c.bundle;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  const json l = List(store);
  EXPECT_EQ(l["active"], "det@1");
  EXPECT_EQ(l["models"].size(), 1u);
  // Not a bundle file at all: a stream with no end, a folder. One line, exit 2, no hang.
  for (const std::string& path : {std::string("/dev/zero"), dir_}) {
    const ProcessResult r = Model({"verify", path, "--pub", pub});
    EXPECT_EQ(r.exit_code, 2) << path << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // Store commands: an id that is a path, and a store that does not exist.
  ProcessResult bad = Model({"activate", "../../tmp", "--store", store});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("expected NAME@VERSION"), std::string::npos) << bad.err;
  bad = Model({"list", "--store", dir_ + "/no-store"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_FALSE(fs::exists(dir_ + "/no-store"));
  // Model updates on a device: an inbox needs trusted keys, and a key file must be one.
  std::ofstream(dir_ + "/nokeys.yaml")
      << "models: {store: \"" << store << "\", inbox: \"" << dir_ << "/inbox\"}\n";
  ProcessResult run = RunProcess(Cmd({"run", "--config", dir_ + "/nokeys.yaml", "--source",
                                      "synthetic:walk", "--max-frames", "5"}),
                                 60);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("models.inbox: bundles need models.trusted_keys"), std::string::npos)
      << run.err;
  std::ofstream(dir_ + "/badkey.yaml")
      << "models: {store: \"" << store << "\", trusted_keys: [\"" << b1 << "\"]}\n";
  run = RunProcess(Cmd({"run", "--config", dir_ + "/badkey.yaml", "--source", "synthetic:walk",
                        "--max-frames", "5"}),
                   60);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find("not an edgesight public key"), std::string::npos) << run.err;
  // A folder whose model does not load cannot be packed.
  fs::create_directories(dir_ + "/broken");
  std::ofstream(dir_ + "/broken/m.onnx") << "not a model";
  const ProcessResult r =
      Model({"pack", dir_ + "/broken", "--key", dir_ + "/release", "-o", dir_ + "/b.esm"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(dir_ + "/b.esm"));
}

// Power loss: the process is SIGKILLed at each step of `install --activate` of det@2 over an
// active det@1. Afterwards the store lists without error (the active model's files verify
// against its manifest), the active model is det@1 or a complete det@2, and a retry succeeds.
TEST_F(ModelCli, AKillAtAnyInstallStepLeavesAValidActiveModel) {
  const std::string b1 = Pack("1"), b2 = Pack("2");
  const std::string pub = dir_ + "/release.pub";
  const struct {
    const char* step;
    const char* active_after;
    size_t installed_after;
  } steps[] = {{"install.files", "det@1", 1},
               {"install.rename", "det@1", 2},
               {"activate.previous", "det@1", 2},
               {"activate.active", "det@2", 2}};
  for (const auto& s : steps) {
    const std::string store = dir_ + "/store-" + s.step;
    ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
    const ProcessResult killed =
        Model({"install", b2, "--pub", pub, "--store", store, "--activate"}, s.step);
    EXPECT_EQ(killed.exit_code, -1) << s.step << ": expected a SIGKILL; " << killed.err;
    const json l = List(store);
    ASSERT_TRUE(l.is_object()) << s.step;
    EXPECT_EQ(l["active"], s.active_after) << s.step;
    EXPECT_EQ(l["models"].size(), s.installed_after) << s.step;
    EXPECT_TRUE(fs::is_empty(store + "/models") ||
                std::none_of(fs::directory_iterator(store + "/models"), fs::directory_iterator(),
                             [](const fs::directory_entry& e) {
                               return e.path().filename().string().rfind(".tmp-", 0) == 0;
                             }))
        << s.step << ": leftovers after the next open";
    const ProcessResult retry =
        Model({"install", b2, "--pub", pub, "--store", store, "--activate"});
    EXPECT_EQ(retry.exit_code, 0) << s.step << ": " << retry.err;
    EXPECT_EQ(List(store)["active"], "det@2") << s.step;
  }
}

// A full disk during an install (a file size limit: writes past 1 MiB fail with EFBIG, the
// signal ignored, as ENOSPC would): one line, a non-zero exit, the active model unchanged and
// no half-written folder; the same install succeeds once there is room.
TEST_F(ModelCli, AFullDiskDuringInstallLeavesTheActiveModel) {
  const std::string b1 = Pack("1"), b2 = Pack("2");
  const std::string pub = dir_ + "/release.pub";
  const std::string store = dir_ + "/store";
  ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  const ProcessResult full =
      RunProcess({"/bin/bash", "-c",
                  "trap '' XFSZ; ulimit -f 1024; exec \"$0\" model install \"$1\" --pub \"$2\" "
                  "--store \"$3\" --activate",
                  kBin, b2, pub, store},
                 120);
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 1) << full.err;
  EXPECT_NE(full.err.find("write failed (disk full?)"), std::string::npos) << full.err;
  const json l = List(store);
  EXPECT_EQ(l["active"], "det@1");
  EXPECT_EQ(l["models"].size(), 1u);
  EXPECT_EQ(std::distance(fs::directory_iterator(store + "/models"), fs::directory_iterator()), 1)
      << "a half-written model folder was left";
  EXPECT_EQ(Model({"install", b2, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  EXPECT_EQ(List(store)["active"], "det@2");
}

}  // namespace
}  // namespace es::testing

namespace es::testing {
namespace {

// Model updates on a running device (vtest.avi paced like a camera): bundles dropped into the
// inbox are verified, shadowed on live frames beside the active model, promoted with a hot swap
// or rejected; a promoted model that keeps fewer detections than the watch demands is rolled
// back. The broken candidate is made by tools/make_model_variant.py (class head silenced).
TEST_F(ModelCli, ARunningDeviceShadowsPromotesRejectsAndRollsBack) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing";
  fs::create_directories(dir_ + "/v3");
  const ProcessResult made = RunProcess(
      {"/usr/bin/python3", std::string(ES_SOURCE_DIR) + "/tools/make_model_variant.py", "--in",
       models_ + "/nanodet-m-416.onnx", "--out", dir_ + "/v3/nanodet-m-416.onnx", "--no-classes"},
      120);
  if (made.exit_code != 0) GTEST_SKIP() << "python3-onnx absent: " << made.err;
  fs::create_directories(dir_ + "/v4");
  ASSERT_EQ(
      RunProcess({"/usr/bin/python3", std::string(ES_SOURCE_DIR) + "/tools/make_model_variant.py",
                  "--in", models_ + "/nanodet-m-416.onnx", "--out", dir_ + "/v4/nanodet-m-416.onnx",
                  "--slow", "24"},
                 120)
          .exit_code,
      0);
  const std::string b1 = Pack("1"), b2 = Pack("2"), b3 = Pack("3"), b4 = Pack("4");
  const std::string pub = dir_ + "/release.pub";
  const std::string store = dir_ + "/store", inbox = dir_ + "/inbox";
  ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  fs::create_directories(inbox);
  std::string tampered;
  {
    std::ifstream in(b2, std::ios::binary);
    tampered.assign((std::istreambuf_iterator<char>(in)), {});
  }
  tampered[tampered.size() / 2] ^= 1;
  std::ofstream(inbox + "/a-tampered.esm", std::ios::binary) << tampered;
  fs::copy_file(b2, inbox + "/b-det2.esm");  // the 320 model: promoted
  fs::copy_file(b3, inbox + "/c-det3.esm");  // detects nothing: rejected in shadow
  fs::copy_file(b4, inbox + "/d-det4.esm");  // the same detections, ~7x slower: rejected
  const auto config = [&](double min_detection_ratio) {
    const std::string path = dir_ + "/run.yaml";
    std::ofstream(path) << "models: {store: \"" << store << "\", trusted_keys: [\"" << pub
                        << "\"], inbox: \"" << inbox
                        << "\", poll_s: 0.2, shadow_frames: 8, shadow_period_s: 0.2, "
                           "watch_frames: 20, min_detection_ratio: "
                        << min_detection_ratio << "}\n";
    return path;
  };
  ProcessResult r = RunProcess({kBin, "run", "--config", config(0.5), "--source", kVtest,
                                "--realtime", "--max-frames", "300", "--json"},
                               180);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json s = Summary(r);
  const json& m = s["models"];
  ASSERT_TRUE(m.is_object()) << s.dump();
  std::vector<std::string> actions;
  for (const json& e : m["events"])
    actions.push_back(e["action"].get<std::string>() + " " + e["model"].get<std::string>());
  EXPECT_EQ(actions, (std::vector<std::string>{"rejected a-tampered.esm", "received det@2",
                                               "promoted det@2", "received det@3", "rejected det@3",
                                               "received det@4", "rejected det@4"}))
      << m.dump();
  for (const json& e : m["events"]) {
    if (e["action"] == "promoted") {
      EXPECT_GE(e["f1"].get<double>(), 0.6) << e.dump();
      EXPECT_GT(e["active_p99_ms"].get<double>(), 0) << e.dump();
    }
    if (e["model"] == "det@4" && e["action"] == "rejected") {
      EXPECT_NE(e["reason"].get<std::string>().find("run p99"), std::string::npos) << e.dump();
    }
    if (e["model"] == "det@3") {
      EXPECT_TRUE(e["action"] == "received" ||
                  e["reason"].get<std::string>().find("found none") != std::string::npos)
          << e.dump();
    }
  }
  EXPECT_EQ(m["in_use"], "det@2");
  EXPECT_EQ(List(store)["active"], "det@2");
  EXPECT_TRUE(fs::exists(inbox + "/rejected/a-tampered.esm"));
  EXPECT_TRUE(fs::exists(inbox + "/processed/b-det2.esm"));
  EXPECT_EQ(s["status"], "ok") << s.dump();

  // The same promotion under a strict watch: the 320 model keeps fewer detections per frame
  // than the 416 one did, so it is rolled back to det@1.
  ASSERT_EQ(Model({"activate", "det@1", "--store", store}).exit_code, 0);
  fs::copy_file(b2, inbox + "/e-det2-again.esm");
  r = RunProcess({kBin, "run", "--config", config(1.0), "--source", kVtest, "--realtime",
                  "--max-frames", "250", "--json"},
                 180);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  s = Summary(r);
  actions.clear();
  for (const json& e : s["models"]["events"]) actions.push_back(e["action"].get<std::string>());
  EXPECT_EQ(actions, (std::vector<std::string>{"received", "promoted", "rolled_back"}))
      << s["models"].dump();
  EXPECT_EQ(s["models"]["in_use"], "det@1");
  EXPECT_EQ(List(store)["active"], "det@1");
}

}  // namespace
}  // namespace es::testing

namespace es::testing {
namespace {

// A bundle published (retained, QoS 1) on edgesight/v1/<device>/models reaches the running
// device's inbox and is promoted; the retained copy it gets again on reconnecting is skipped.
TEST_F(ModelCli, ABundlePublishedOverMqttIsPromoted) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing";
  const std::string b1 = Pack("1"), b2 = Pack("2");
  const std::string pub = dir_ + "/release.pub";
  const std::string store = dir_ + "/store";
  ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  std::string bytes;
  {
    std::ifstream in(b2, std::ios::binary);
    bytes.assign((std::istreambuf_iterator<char>(in)), {});
  }
  mosquitto_lib_init();
  mosquitto* m = mosquitto_new("publisher", true, nullptr);
  ASSERT_EQ(mosquitto_connect(m, "127.0.0.1", broker.port(), 30), MOSQ_ERR_SUCCESS);
  ASSERT_EQ(mosquitto_loop_start(m), MOSQ_ERR_SUCCESS);
  int mid = 0;
  ASSERT_EQ(mosquitto_publish(m, &mid, "edgesight/v1/d7/models", static_cast<int>(bytes.size()),
                              bytes.data(), 1, /*retain=*/true),
            MOSQ_ERR_SUCCESS);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
  std::ofstream(dir_ + "/mqtt.yaml")
      << "models: {store: \"" << store << "\", trusted_keys: [\"" << pub << "\"], inbox: \"" << dir_
      << "/inbox\", poll_s: 0.2, shadow_frames: 5, shadow_period_s: 0.2, watch_frames: 10}\n";
  const ProcessResult r = RunProcess({kBin, "run", "--config", dir_ + "/mqtt.yaml", "--source",
                                      kVtest, "--realtime", "--max-frames", "150", "--device", "d7",
                                      "--mqtt", "mqtt://127.0.0.1:" + std::to_string(broker.port()),
                                      "--outbox", dir_ + "/outbox.db", "--json"},
                                     120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  std::vector<std::string> actions;
  for (const json& e : s["models"]["events"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"received", "promoted"})) << s["models"].dump();
  EXPECT_EQ(List(store)["active"], "det@2");
}

// A bundle posted to the device's HTTP API (write access: the bearer token) is verified at once:
// a tampered one is 422 with the reason and a rejected event, a good one 202, then promoted.
TEST_F(ModelCli, ABundlePostedToTheHttpApiIsVerifiedAndPromoted) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing";
  const std::string b1 = Pack("1"), b2 = Pack("2");
  const std::string pub = dir_ + "/release.pub";
  const std::string store = dir_ + "/store";
  ASSERT_EQ(Model({"install", b1, "--pub", pub, "--store", store, "--activate"}).exit_code, 0);
  const std::string token = "model-update-token-0123456789";
  std::ofstream(dir_ + "/token") << token << "\n";
  fs::permissions(dir_ + "/token", fs::perms::owner_read | fs::perms::owner_write);
  const int port = FreePort();
  std::ofstream(dir_ + "/http.yaml")
      << "models: {store: \"" << store << "\", trusted_keys: [\"" << pub << "\"], inbox: \"" << dir_
      << "/inbox\", poll_s: 0.2, shadow_frames: 5, shadow_period_s: 0.2, watch_frames: 10}\n"
      << "http: {listen: \"127.0.0.1:" << port << "\", token_file: \"" << dir_ << "/token\"}\n";
  const int pid = StartProcess({kBin, "run", "--config", dir_ + "/http.yaml", "--source", kVtest,
                                "--realtime", "--max-frames", "150", "--json"},
                               dir_ + "/out.log", dir_ + "/err.log");
  httplib::Client c("127.0.0.1", port);
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    up = static_cast<bool>(c.Get("/healthz"));
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << Slurp(dir_ + "/err.log");
  std::string bytes = Slurp(b2);
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto r = c.Post("/api/models", bytes, "application/octet-stream");  // no token
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  std::string tampered = bytes;
  tampered[tampered.size() / 2] ^= 1;
  r = c.Post("/api/models", auth, tampered, "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("signature does not verify"), std::string::npos) << r->body;
  r = c.Post("/api/models", auth, bytes, "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ(json::parse(r->body)["model"], "det@2") << r->body;
  ASSERT_EQ(WaitExit(pid, 120), 0) << Slurp(dir_ + "/err.log");
  const json s = json::parse(Slurp(dir_ + "/out.log").substr(Slurp(dir_ + "/out.log").find('{')),
                             nullptr, false);
  std::vector<std::string> actions;
  for (const json& e : s["models"]["events"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"rejected", "received", "promoted"}))
      << s["models"].dump();
  EXPECT_EQ(List(store)["active"], "det@2");
}

}  // namespace
}  // namespace es::testing
