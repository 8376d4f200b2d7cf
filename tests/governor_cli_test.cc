// The governor in a real run: two paced synthetic cameras, a temperature file the test heats and
// cools. The summary and the log must show the cameras degraded under heat, lowest priority
// first, and given back their own settings once it has cooled.
#include <chrono>
#include <fstream>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

TEST(CliGovernor, ThermalRampDegradesThenRestores) {
  const std::string dir = TempDir();
  const std::string temp = dir + "/temp";
  std::ofstream(temp) << "95000\n";  // 95 C: over the limit from the first step
  std::ofstream(dir + "/site.yaml") << R"(
source:
  realtime: true
detector:
  type: motion
pipeline:
  max_frames: 300
  detect_period_s: 0.1
governor:
  enabled: true
  interval_s: 0.2
  min_change_interval_s: 0.4
  hold_s: 1.0
  latency_p95_ms: 100000
  temp_limit_c: 85
  temp_resume_c: 75
  thermal_path: )" + temp + R"(
cameras:
  - id: yard
    source: synthetic:crowd
    pipeline:
      priority: 20
  - id: gate
    source: synthetic:walk
    pipeline:
      priority: 80
      max_frames: 300
)";
  const int pid = StartProcess({kBin, "run", "--config", dir + "/site.yaml", "--json"},
                               dir + "/out.json", dir + "/err.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::ofstream(temp) << "50000\n";  // cooled down
  ASSERT_EQ(WaitExit(pid, 90), 0) << Slurp(dir + "/err.log");
  const json s = json::parse(Slurp(dir + "/out.json"));
  const json& yard = s["cameras"]["yard"]["governor"];
  const json& gate = s["cameras"]["gate"]["governor"];
  ASSERT_TRUE(yard.is_object()) << s.dump();
  ASSERT_FALSE(yard["changes"].empty()) << s.dump();
  // Heat: the low-priority camera goes up first, one level per step, because of the temperature.
  const json& first = yard["changes"][0];
  EXPECT_EQ(first["from"], 0);
  EXPECT_EQ(first["to"], 1);
  EXPECT_EQ(first["reason"], "temperature 95 C >= 85 C");
  EXPECT_DOUBLE_EQ(first["detect_period_s"].get<double>(), 0.15);  // 0.1 s x 1.5
  // Cool: every level given back; the run ends at the cameras' own settings.
  bool relieved = false;
  for (const json& c : yard["changes"]) {
    if (c["to"] < c["from"]) {
      relieved = true;
      EXPECT_EQ(c["reason"].get<std::string>().rfind("relief held ", 0), 0u) << c.dump();
    }
  }
  EXPECT_TRUE(relieved) << yard.dump();
  EXPECT_EQ(yard["level"], 0) << yard.dump();
  EXPECT_EQ(gate["level"], 0) << gate.dump();
  // Never more often than min_change_interval_s, camera by camera and together.
  std::vector<double> times;
  for (const json* cam : {&yard, &gate}) {
    for (const json& c : (*cam)["changes"]) times.push_back(c["t_s"].get<double>());
  }
  std::sort(times.begin(), times.end());
  for (size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], 0.39) << i;
  const std::string log = Slurp(dir + "/err.log");
  EXPECT_NE(log.find("governor: camera yard: level 0 -> 1 (temperature 95 C >= 85 C)"),
            std::string::npos)
      << log;
}

TEST(CliGovernor, APinnedLevelAppliesFromTheStart) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/site.yaml") << R"(
detector:
  type: motion
pipeline:
  max_frames: 20
  detect_period_s: 0.1
governor:
  enabled: true
  pinned: ["gate=2"]
cameras:
  - id: gate
    source: synthetic:walk
)";
  const auto r = RunProcess({kBin, "run", "--config", dir + "/site.yaml", "--json"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  const json& cam = s;  // one camera: the single-camera summary
  EXPECT_EQ(cam["governor"]["level"], 2) << cam.dump();
  EXPECT_DOUBLE_EQ(cam["schedule"]["period_target_s"].get<double>(), 0.2);  // 0.1 s x 2
  EXPECT_NE(r.err.find("governor: camera gate: pinned at level 2"), std::string::npos) << r.err;
}

TEST(CliGovernor, SimulationReportAndCharts) {
  const std::string dir = TempDir();
  const auto r = RunProcess({kBin, "governor-sim", "--charts", dir + "/charts"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  ASSERT_EQ(report["scenarios"].size(), 3u);
  for (const json& s : report["scenarios"]) {
    const std::string name = s["name"];
    EXPECT_GT(s["changes"].get<int>(), 0) << name;
    EXPECT_LE(s["max_changes_per_minute"].get<int>(), 12) << name;
    for (const auto& [camera, level] : s["final_level"].items()) EXPECT_EQ(level, 0) << name;
    EXPECT_EQ(s["peak_level"]["low"], 6) << name;  // the lowest priority is slowed the most
    for (const char* suffix : {".svg", "-levels.svg"}) {
      EXPECT_EQ(Slurp(dir + "/charts/" + name + suffix).rfind("<svg", 0), 0u) << name << suffix;
    }
  }
  std::ofstream(dir + "/file") << "x";
  const auto bad = RunProcess({kBin, "governor-sim", "--charts", dir + "/file/sub"}, 60);
  EXPECT_EQ(bad.exit_code, 2);
  ExpectOneLineError(bad);
}

TEST(CliGovernor, BadSettingsAreOneLineErrors) {
  const auto r = RunProcess({kBin, "run", "--source", "synthetic:walk", "--max-frames", "5",
                             "--set", "governor.temp_resume_c=90"},
                            30);
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("governor.temp_resume_c: expected below governor.temp_limit_c"),
            std::string::npos)
      << r.err;
  const auto pin = RunProcess({kBin, "run", "--source", "synthetic:walk", "--max-frames", "5",
                               "--set", "governor.pinned=[\"cam0=9\"]"},
                              30);
  EXPECT_EQ(pin.exit_code, 2);
  ExpectOneLineError(pin);
  EXPECT_NE(pin.err.find("governor.pinned[0]: expected"), std::string::npos) << pin.err;
}

}  // namespace
}  // namespace es::testing
