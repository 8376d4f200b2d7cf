// Several cameras in one `edgesight run`: a file, a synthetic scene and an RTSP stream pushed by
// ffmpeg share one detector, one outbox and one broker connection; each camera's events carry
// its id; a camera whose source fails ends alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;

std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// Every line of a camera's events file is that camera's, and so is every event id.
int CheckCameraLines(const std::string& path, const std::string& device, const std::string& cam) {
  int events = 0;
  const auto lines = ReadJsonLines(path);
  EXPECT_FALSE(lines.empty()) << path;
  for (const auto& line : lines) {
    EXPECT_EQ(line["stream"], cam) << path;
    for (const auto& e : line["events"]) {
      EXPECT_EQ(e["id"].get<std::string>().rfind(device + "/" + cam + "/", 0), 0u) << e.dump();
      ++events;
    }
  }
  return events;
}

TEST(CliMultiCamera, FileSyntheticAndRtspInOneProcessKeepTheirIds) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing (Debian package opencv-doc)";
  const std::string dir = TempDir();
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const auto sub = EventSubscriber(broker.port(), "edgesight/v1/site1/+/events");
  ASSERT_TRUE(sub->WaitSubscribed(5));
  const int rtsp_port = FreePort();
  const std::string rtsp = "rtsp://127.0.0.1:" + std::to_string(rtsp_port) + "/live";
  const std::string cfg = WriteFile(dir + "/site.yaml", R"(
detector:
  type: motion
pipeline:
  max_frames: 60
  queue_policy: block
output:
  events_out: )" + dir + R"(/ev.jsonl
cameras:
  - id: hall
    source:
      uri: )" + kVtest + R"(
      realtime: false
  - id: yard
    source:
      uri: synthetic:walk
      realtime: false
    pipeline:
      priority: 80
  - id: gate
    source:
      uri: )" + rtsp + R"(
      rtsp_listen: true
      open_timeout_ms: 20000
)");
  ProcessResult r;
  std::thread edge([&] {
    r = RunProcess(
        {kBin, "run", "--config", cfg, "--device", "site1", "--mqtt",
         "mqtt://127.0.0.1:" + std::to_string(broker.port()), "--outbox", dir + "/outbox.db"},
        180);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const int ff = StartProcess({"ffmpeg",
                               "-nostdin",
                               "-loglevel",
                               "error",
                               "-re",
                               "-i",
                               kVtest,
                               "-t",
                               "10",
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
                               rtsp},
                              dir + "/ffmpeg.log");
  edge.join();
  StopProcess(ff);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["device"], "site1");
  EXPECT_EQ(s["status"], "ok") << s.dump();
  std::set<std::string> topics_expected;
  for (const std::string cam : {"hall", "yard", "gate"}) {
    SCOPED_TRACE(cam);
    const json& c = s["cameras"][cam];
    EXPECT_EQ(c["frames_read"], 60) << c.dump();
    EXPECT_EQ(c["frames"], 60);
    EXPECT_GT(c["schedule"]["runs"].get<int>(), 0);
    // The motion detector is per camera (stateful): one service thread runs them all.
    EXPECT_EQ(c["schedule"]["detector_workers"], 1);
    EXPECT_TRUE(c["latency_ms"].contains("glass_to_decision"));
    if (CheckCameraLines(dir + "/ev." + cam + ".jsonl", "site1", cam) > 0) {
      topics_expected.insert("edgesight/v1/site1/" + cam + "/events");
    }
  }
  EXPECT_GE(topics_expected.size(), 2u);  // people walk in the file and the synthetic scene
  // One outbox, one connection: every camera's events arrive under its own topic.
  EXPECT_EQ(s["uplink"]["depth"], 0);
  std::set<std::string> topics;
  mqtt_test::WaitFor(
      [&] {
        for (const auto& [topic, payload] : sub->messages()) topics.insert(topic);
        return topics == topics_expected;
      },
      5);
  EXPECT_EQ(topics, topics_expected);
}

TEST(CliMultiCamera, ACameraWhoseSourceFailsEndsAloneTheOthersGoOn) {
  const std::string dir = TempDir();
  const std::string cfg = WriteFile(dir + "/site.yaml", R"(
detector:
  type: motion
pipeline:
  max_frames: 40
  queue_policy: block
cameras:
  - id: broken
    source: )" + dir + R"(/missing.mp4
  - id: walk
    source:
      uri: synthetic:walk
      realtime: false
)");
  const auto r = RunProcess({kBin, "run", "--config", cfg}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["cameras"]["walk"]["frames"], 40);
  EXPECT_EQ(s["cameras"]["broken"]["frames"], 0);
  const std::string status = s["status"];
  EXPECT_EQ(status.rfind("degraded: broken: NotFound", 0), 0u) << status;
}

TEST(CliMultiCamera, EveryCameraFailingIsTheExitCodeOfTheFirst) {
  const std::string dir = TempDir();
  const std::string cfg = WriteFile(
      dir + "/site.yaml", "detector:\n  type: motion\ncameras:\n  - id: a\n    source: " + dir +
                              "/a.mp4\n  - id: b\n    source: " + dir + "/b.mp4\n");
  const auto r = RunProcess({kBin, "run", "--config", cfg}, 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r);
}

TEST(CliMultiCamera, RepeatedSourceFlagsAreCamerasAndBadSitesAreOneLineErrors) {
  const std::string dir = TempDir();
  const auto r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--source", "synthetic:walk",
                                 "--detector", "motion", "--max-frames", "20"}),
                            120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_EQ(s["cameras"]["cam0"]["frames"], 20);
  EXPECT_EQ(s["cameras"]["cam1"]["frames"], 20);

  const std::string dup = WriteFile(
      dir + "/dup.yaml", "cameras:\n  - id: a\n    source: x.mp4\n  - id: a\n    source: y.mp4\n");
  const auto d = RunProcess({kBin, "run", "--config", dup}, 30);
  EXPECT_EQ(d.exit_code, 2);
  ExpectOneLineError(d);
  EXPECT_NE(d.err.find("cameras[1].id: duplicate camera id"), std::string::npos) << d.err;

  const std::string ptz = WriteFile(
      dir + "/ptz.yaml", "cameras:\n  - id: tele\n    source: x.mp4\n    role: ptz\n    pair: w\n");
  const auto p = RunProcess({kBin, "run", "--config", ptz}, 30);
  EXPECT_EQ(p.exit_code, 2);
  ExpectOneLineError(p);
  EXPECT_NE(p.err.find("cameras[0].pair: unknown camera"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace es::testing
