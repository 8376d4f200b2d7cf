// Helpers shared by the integration tests that run the real `edgesight` binary: the binary's
// path, offline flags, the JSON summary on stdout, --events-out files, the one-line error
// contract and an MQTT subscriber on a test broker. Test-only; include from tests/*.cc.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_process.h"
#include "uplink/mqtt_test_util.h"

namespace es::testing {

using nlohmann::json;

inline const std::string kBin = EDGESIGHT_BIN;
inline const std::string kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

// Offline flags: read the file as fast as the pipeline allows and process every frame.
#ifdef ES_MODEL_DIR
// The folder with the converted NanoDet models (416 and 320), or "" when the set-up has not
// made them (the caller skips).
inline std::string ConvertedModelDir() {
  const char* env = std::getenv("ES_MODEL_DIR");
  const std::string dir = env ? env : ES_MODEL_DIR;
  const bool ok = std::filesystem::exists(dir + "/nanodet-m-416.onnx") &&
                  std::filesystem::exists(dir + "/nanodet-320.onnx");
  return ok ? dir : "";
}
#endif

inline std::vector<std::string> Offline() {
  return {"--set", "source.realtime=false", "--set", "pipeline.queue_policy=block"};
}

inline std::vector<std::string> Cmd(std::vector<std::string> args, bool offline = true) {
  std::vector<std::string> argv = {kBin};
  argv.insert(argv.end(), args.begin(), args.end());
  if (offline) {
    auto o = Offline();
    argv.insert(argv.end(), o.begin(), o.end());
  }
  return argv;
}

// DIR/site.yaml for the synthetic scenes (640x480): one zone "yard" over the whole frame and
// 3-second clips in DIR/clips, so zone events, crops and clips come quickly.
inline void WriteYardSite(const std::string& dir) {
  std::ofstream cfg(dir + "/site.yaml");
  cfg << "analytics:\n  zones:\n    - name: yard\n"
      << "      polygon: [[0, 0], [640, 0], [640, 480], [0, 480]]\n"
      << "recording:\n  dir: " << dir << "/clips\n  pre_event_s: 1\n  post_event_s: 1\n"
      << "  max_clip_s: 3\n";
}

inline json Summary(const ProcessResult& r) {
  const auto start = r.out.find('{');
  if (start == std::string::npos) return json();
  return json::parse(r.out.substr(start), nullptr, /*allow_exceptions=*/false);
}

inline std::vector<json> ReadJsonLines(const std::string& path) {
  std::vector<json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(json::parse(line));
  return lines;
}

// The per-frame objects of an --events-out file, without the closing end-of-stream line.
inline std::vector<json> ReadFrames(const std::string& path) {
  std::vector<json> frames;
  for (auto& j : ReadJsonLines(path)) {
    if (!j.value("end_of_stream", false)) frames.push_back(std::move(j));
  }
  return frames;
}

// Exactly one line on stderr, starting with the program's error prefix.
inline void ExpectOneLineError(const ProcessResult& r) {
  EXPECT_EQ(r.err.rfind("edgesight: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A clean-session subscriber on a real mosquitto (started by the test on a free loopback port).
inline std::unique_ptr<mqtt_test::TestSubscriber> EventSubscriber(int port,
                                                                  const std::string& topic) {
  mqtt_test::SubscriberOptions o;
  o.port = port;
  o.topic = topic;
  return std::make_unique<mqtt_test::TestSubscriber>(std::move(o));
}

}  // namespace es::testing
