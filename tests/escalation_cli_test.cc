// `edgesight run` with escalate: enabled on the embedded footage and a real broker: escalations
// are published with valid headers (framing, ids, deadlines, JPEG), the summary has an
// `escalation` block; bad escalate settings are one-line errors with exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "cli_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;

std::string Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// The JSON header of a crop-framed message ("ESCR", version, 4-byte big-endian length, JSON,
// JPEG); null when the framing is wrong.
json Header(const std::string& payload, std::string* jpeg) {
  if (payload.size() < 9 || payload.compare(0, 4, "ESCR") != 0 || payload[4] != 1) return nullptr;
  const uint32_t n = (static_cast<uint8_t>(payload[5]) << 24) |
                     (static_cast<uint8_t>(payload[6]) << 16) |
                     (static_cast<uint8_t>(payload[7]) << 8) | static_cast<uint8_t>(payload[8]);
  if (payload.size() < 9 + n) return nullptr;
  *jpeg = payload.substr(9 + n);
  return json::parse(payload.substr(9, n), nullptr, false);
}

TEST(CliEscalation, RunPublishesEscalationsWithValidHeaders) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing (Debian package opencv-doc)";
  const std::string dir = TempDir();
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const auto sub = EventSubscriber(broker.port(), "edgesight/v1/cli1/+/escalations");
  ASSERT_TRUE(sub->WaitSubscribed(5));
  // Every track is audited once (audit_rate 1); nothing answers, so each expires after 1 s.
  const std::string cfg = Write(dir + "/site.yaml", R"(
escalate:
  enabled: true
  audit_rate: 1
  deadline_s: 1
  max_attempts: 1
uplink:
  drain_timeout_s: 5
)");
  const auto r =
      RunProcess(Cmd({"run", "--config", cfg, "--source", kVtest, "--max-frames", "60", "--device",
                      "cli1", "--mqtt", "mqtt://127.0.0.1:" + std::to_string(broker.port()),
                      "--outbox", dir + "/outbox.db"}),
                 300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  // One camera: the hooks' blocks are at the top level of the summary.
  const json& esc = s["escalation"];
  ASSERT_TRUE(esc.is_object()) << s.dump();
  const int committed = esc["committed"].get<int>();
  EXPECT_GT(committed, 0) << esc.dump();
  EXPECT_EQ(s["escalate"]["committed"], committed) << s.dump();
  EXPECT_EQ(s["escalate"]["by_reason"]["audit"], committed);
  ASSERT_TRUE(sub->WaitCount(static_cast<size_t>(committed), 10)) << sub->count();
  std::set<std::string> ids;
  for (const auto& [topic, payload] : sub->messages()) {
    EXPECT_EQ(topic, "edgesight/v1/cli1/cam0/escalations");
    std::string jpeg;
    const json h = Header(payload, &jpeg);
    ASSERT_TRUE(h.is_object()) << "not a crop framing";
    EXPECT_EQ(h["v"], 1);
    const std::string id = h["id"];
    EXPECT_EQ(id.rfind("cli1/cam0/esc/", 0), 0u) << id;
    ids.insert(id);
    EXPECT_EQ(h["device"], "cli1");
    EXPECT_EQ(h["reason"], "audit");
    EXPECT_EQ(h["attempt"], 1);
    EXPECT_EQ(h["deadline_unix_ms"].get<int64_t>() - h["created_unix_ms"].get<int64_t>(), 1000);
    EXPECT_FALSE(h["model"].get<std::string>().empty());
    EXPECT_EQ(h["event_id"].get<std::string>().rfind("cli1/cam0/", 0), 0u) << h.dump();
    EXPECT_EQ(h["box"].size(), 4u);
    EXPECT_GT(h["width"].get<int>(), 0);
    ASSERT_GE(jpeg.size(), 4u);
    EXPECT_EQ(jpeg.substr(0, 2), "\xFF\xD8");
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(committed)) << "ids are unique";
}

// Deep analysis on the edge: persons in an armed zone covering the campus get pose events,
// published on the camera's events topic after the zone episode they name.
TEST(CliDeep, PersonsInAnArmedZoneGetPoseEvents) {
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing (Debian package opencv-doc)";
  const std::string dir = TempDir();
  mqtt_test::MosquittoProcess broker(FreePort(), "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  const auto sub = EventSubscriber(broker.port(), "edgesight/v1/cli1/+/events");
  ASSERT_TRUE(sub->WaitSubscribed(5));
  const std::string cfg = Write(dir + "/deep.yaml", R"(
analytics:
  zones:
    - {name: campus, polygon: [[0, 0], [768, 0], [768, 576], [0, 576]], armed: true}
deep: {enabled: true, min_interval_s: 2}
uplink: {drain_timeout_s: 5}
)");
  const auto r =
      RunProcess(Cmd({"run", "--config", cfg, "--source", kVtest, "--max-frames", "100", "--device",
                      "cli1", "--mqtt", "mqtt://127.0.0.1:" + std::to_string(broker.port()),
                      "--outbox", dir + "/outbox.db"}),
                 300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  const json& deep = s["deep"];
  ASSERT_TRUE(deep.is_object()) << s.dump();
  const int poses = deep["poses"].get<int>();
  EXPECT_GT(poses, 3) << deep.dump();
  EXPECT_GT(deep["person"].get<int>(), poses / 2) << deep.dump();  // vtest.avi: pedestrians
  EXPECT_EQ(deep["errors"], 0);
  const auto pose_count = [&] {
    int n = 0;
    for (const auto& [topic, payload] : sub->messages()) {
      n += payload.find("\"type\":\"pose\"") != std::string::npos;
    }
    return n;
  };
  ASSERT_TRUE(mqtt_test::WaitFor([&] { return pose_count() >= poses; }, 10)) << pose_count();
  std::set<std::string> zone_starts;
  int published = 0;
  for (const auto& [topic, payload] : sub->messages()) {
    const json e = json::parse(payload, nullptr, false);
    ASSERT_TRUE(e.is_object());
    if (e["type"] == "zone" && e["phase"] == "start")
      zone_starts.insert(e["id"].get<std::string>());
    if (e["type"] != "pose") continue;
    ++published;
    const std::string id = e["id"];
    const std::string episode = id.substr(0, id.find("/pose/"));
    EXPECT_TRUE(zone_starts.count(episode)) << "pose before its zone episode: " << id;
    EXPECT_EQ(e["zone"], "campus");
    EXPECT_EQ(e["keypoints"].size(), 33u);
    EXPECT_EQ(e["model"], "blazepose-lite");
  }
  EXPECT_EQ(published, poses);
}

TEST(CliEscalation, BadEscalateSettingsExitTwoWithOneLine) {
  const std::string dir = TempDir();
  const std::string band = Write(dir + "/band.yaml", "escalate:\n  score_band: [0.9, 0.1]\n");
  auto r = RunProcess(Cmd({"run", "--config", band, "--source", "synthetic:walk"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("escalate.score_band"), std::string::npos) << r.err;
  const std::string key = Write(dir + "/key.yaml", "escalate:\n  deadline: 3\n");
  r = RunProcess(Cmd({"run", "--config", key, "--source", "synthetic:walk"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("did you mean 'deadline_s'"), std::string::npos) << r.err;
  const std::string when = Write(
      dir + "/when.yaml", "alarm:\n  rules:\n    - {name: a, command: [true], when: later}\n");
  r = RunProcess(Cmd({"run", "--config", when, "--source", "synthetic:walk"}), 60);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  // Escalating needs the outbox.
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--set",
                      "escalate.enabled=true"}),
                 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("escalate.enabled needs the outbox"), std::string::npos) << r.err;
  // Cloud-fallback needs a broker, and its keys have ranges.
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--set",
                      "fallback.enabled=true"}),
                 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("fallback.enabled needs a broker"), std::string::npos) << r.err;
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--set",
                      "fallback.max_fps=0"}),
                 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("fallback.max_fps"), std::string::npos) << r.err;
  // Without fallback a model that does not load stays fatal: one line, exit 2.
  r = RunProcess(Cmd({"run", "--source", "synthetic:walk", "--max-frames", "5", "--set",
                      "detector.type=onnx", "--set", "detector.model=" + dir + "/none.onnx"}),
                 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  ExpectOneLineError(r);
}

}  // namespace
}  // namespace es::testing
