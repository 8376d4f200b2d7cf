// PtzHook: the `ptz:` section's driver + linkage on the decision path. Real parts only: the
// simulator in wall-clock mode, the ONVIF client against the in-process ONVIF emulator (with
// WS-Security), and a port where nothing listens. Calibration files are written per test.
#include "app/ptz_hook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/temp_dir_test_util.h"
#include "ptz/onvif_ptz_emulator.h"
#include "uplink/mqtt_test_util.h"

namespace es {
namespace {

using mqtt_test::FreePort;
using ::testing::HasSubstr;
using ::testing::Not;

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A 640x480 wide camera with focal length 500 px looking along the PTZ's home direction:
// each landmark's pan/tilt is its ray's direction (pan right, tilt up).
std::string PointsFile(const std::vector<std::pair<double, double>>& pixels) {
  std::string text = "size 640 480\n";
  for (auto [u, v] : pixels) {
    const double x = (u - 320) / 500, y = (v - 240) / 500;
    const double pan = std::atan2(x, 1.0) * 180 / M_PI;
    const double tilt = std::atan2(-y, std::hypot(x, 1.0)) * 180 / M_PI;
    text += std::to_string(u) + " " + std::to_string(v) + " " + std::to_string(pan) + " " +
            std::to_string(tilt) + "\n";
  }
  return text;
}

std::string GoodPoints() {
  return PointsFile({{40, 40},
                     {320, 40},
                     {600, 40},
                     {40, 240},
                     {320, 240},
                     {600, 240},
                     {40, 440},
                     {320, 440},
                     {600, 440}});
}

PtzConfig Config(const std::string& driver, const std::string& calibration) {
  PtzConfig c;
  c.driver = driver;
  c.linkage.calibration_file = calibration;
  c.onvif_timeout_ms = 500;
  return c;
}

// Feeds one person on the right of the wide image for `seconds` of wall time at ~25 fps.
void FeedPerson(PtzHook* hook, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    FramePacket p;
    p.frame.meta.capture = SteadyNow();
    TrackOutput t;
    t.id = 1;
    t.score = 0.9f;
    t.box = {500, 200, 40, 100};
    p.tracks.push_back(t);
    ASSERT_TRUE(hook->OnDecision(&p).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  FramePacket eos;
  eos.end_of_stream = true;
  ASSERT_TRUE(hook->OnDecision(&eos).ok());
}

TEST(PtzHookTest, SimulatorFollowsThePersonAndReportsOk) {
  const test_util::TempDir tmp("ptz_hook_test");
  const std::string& dir = tmp.path();
  Write(dir + "/points.txt", GoodPoints());
  auto hook = PtzHook::Create(Config("simulator", dir + "/points.txt"));
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  EXPECT_EQ((*hook)->name(), "ptz");
  FeedPerson(hook->get(), 1.5);
  ASSERT_TRUE((*hook)->Finish().ok());
  const nlohmann::json s = (*hook)->Summary();
  EXPECT_EQ(s["health"], "ok") << s.dump();
  EXPECT_GT(s["commands_sent"].get<int>(), 0) << s.dump();
  EXPECT_EQ(s["driver_errors"], 0);
  EXPECT_EQ(s["driver"], "simulator");
  EXPECT_EQ(s["probe"], "skipped");
  // The person is right of centre and a little below: the head turned right (about 19 deg).
  EXPECT_GT(s["head"]["pan_deg"].get<double>(), 10) << s.dump();
  EXPECT_LT(s["head"]["pan_deg"].get<double>(), 30) << s.dump();
  EXPECT_TRUE((*hook)->Finish().ok());  // idempotent
}

TEST(PtzHookTest, BadCalibrationFilesAreOneLineErrorsNamingTheFile) {
  const test_util::TempDir tmp("ptz_hook_test");
  const std::string& dir = tmp.path();
  Write(dir + "/three.txt", PointsFile({{40, 40}, {600, 40}, {320, 440}}));
  Write(dir + "/line.txt", PointsFile({{40, 40}, {200, 140}, {360, 240}, {520, 340}, {600, 375}}));
  Write(dir + "/junk.txt", "size 640 480\n10 20 abc 4\n");
  for (const char* name : {"three.txt", "line.txt", "junk.txt", "missing.txt"}) {
    const std::string path = dir + "/" + name;
    for (const char* driver : {"simulator", "onvif"}) {
      PtzConfig c = Config(driver, path);
      c.onvif_url = "http://127.0.0.1:" + std::to_string(FreePort()) + "/onvif/ptz_service";
      auto hook = PtzHook::Create(c);
      ASSERT_FALSE(hook.ok()) << name;
      const std::string m = hook.status().message();
      EXPECT_EQ(hook.status().code(), std::string(name) == "missing.txt"
                                          ? StatusCode::kNotFound
                                          : StatusCode::kInvalidArgument)
          << m;
      EXPECT_THAT(m, HasSubstr("ptz.calibration_file: "));
      EXPECT_THAT(m, HasSubstr(path));
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
}

TEST(PtzHookTest, UnreachableOnvifHeadDegradesButNeverStopsTheRun) {
  const test_util::TempDir tmp("ptz_hook_test");
  const std::string& dir = tmp.path();
  Write(dir + "/points.txt", GoodPoints());
  const int port = FreePort();  // nothing listens here
  PtzConfig c = Config("onvif", dir + "/points.txt");
  c.onvif_url = "http://127.0.0.1:" + std::to_string(port) + "/onvif/ptz_service";
  auto hook = PtzHook::Create(c);
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  // Before any frame: the failed probe already shows.
  nlohmann::json s = (*hook)->Summary();
  EXPECT_EQ(s["health"], "degraded");
  EXPECT_THAT(s["probe"].get<std::string>(), HasSubstr("127.0.0.1:" + std::to_string(port)));
  const auto t0 = std::chrono::steady_clock::now();
  FeedPerson(hook->get(), 0.5);
  ASSERT_TRUE((*hook)->Finish().ok());
  // Finish is bounded: 1 s idle wait + one Stop at most (connection refused is immediate).
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10);
  s = (*hook)->Summary();
  EXPECT_EQ(s["health"], "degraded") << s.dump();
  EXPECT_GT(s["driver_errors"].get<int>(), 0);
  EXPECT_EQ(s["commands_sent"], 0);
  const std::string err = s["last_error"];
  EXPECT_THAT(err, HasSubstr("127.0.0.1:" + std::to_string(port)));
  EXPECT_EQ(err.find('\n'), std::string::npos);
}

TEST(PtzHookTest, OnvifEmulatorWithCredentialsAndWithAWrongPassword) {
  const test_util::TempDir tmp("ptz_hook_test");
  const std::string& dir = tmp.path();
  Write(dir + "/points.txt", GoodPoints());
  Write(dir + "/good.pass", "s3cret-pw\n");
  Write(dir + "/bad.pass", "wrong-pw\n");
  OnvifPtzEmulatorOptions eo;
  eo.username = "operator";
  eo.password = "s3cret-pw";
  auto emu = OnvifPtzEmulator::Start(eo);
  ASSERT_TRUE(emu.ok()) << emu.status().ToString();
  PtzConfig c = Config("onvif", dir + "/points.txt");
  c.onvif_url = (*emu)->endpoint();
  c.onvif_configuration = eo.configuration_token;
  c.onvif_username = "operator";
  c.onvif_timeout_ms = 2000;

  c.onvif_password_file = dir + "/good.pass";
  {
    auto hook = PtzHook::Create(c);
    ASSERT_TRUE(hook.ok()) << hook.status().ToString();
    FeedPerson(hook->get(), 1.5);
    ASSERT_TRUE((*hook)->Finish().ok());
    const nlohmann::json s = (*hook)->Summary();
    EXPECT_EQ(s["probe"], "ok");
    EXPECT_EQ(s["health"], "ok") << s.dump();
    EXPECT_GT(s["commands_sent"].get<int>(), 0);
    EXPECT_EQ(s["driver"], "onvif " + (*emu)->endpoint());
    EXPECT_GT((*emu)->head().pan_deg, 5);  // the emulated head turned right
  }
  c.onvif_password_file = dir + "/bad.pass";
  {
    auto hook = PtzHook::Create(c);
    ASSERT_TRUE(hook.ok()) << hook.status().ToString();
    FeedPerson(hook->get(), 0.5);
    ASSERT_TRUE((*hook)->Finish().ok());
    const nlohmann::json s = (*hook)->Summary();
    EXPECT_EQ(s["health"], "degraded") << s.dump();
    EXPECT_EQ(s["commands_sent"], 0);
    const std::string err = s["last_error"];
    EXPECT_THAT(err, HasSubstr((*emu)->endpoint()));
    EXPECT_THAT(err, HasSubstr("NotAuthorized"));
    EXPECT_THAT(err, Not(HasSubstr("wrong-pw")));
    EXPECT_THAT(s.dump(), Not(HasSubstr("wrong-pw")));
  }
  EXPECT_GT((*emu)->counters().auth_failures, 0);
}

TEST(PtzHookTest, PasswordFileAndUrlErrorsAreBadInput) {
  const test_util::TempDir tmp("ptz_hook_test");
  const std::string& dir = tmp.path();
  Write(dir + "/points.txt", GoodPoints());
  Write(dir + "/empty.pass", "");
  PtzConfig c = Config("onvif", dir + "/points.txt");
  c.onvif_url = "http://127.0.0.1:1/onvif/ptz_service";
  c.onvif_username = "u";
  c.onvif_password_file = dir + "/none.pass";
  auto r = PtzHook::Create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("ptz.onvif_password_file: cannot open"));
  c.onvif_password_file = dir + "/empty.pass";
  r = PtzHook::Create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("is empty"));
  c.onvif_password_file = "";
  c.onvif_url = "http://user:pw@127.0.0.1:1/onvif";  // credentials in the URL
  r = PtzHook::Create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("ptz.onvif_url: "));
}

}  // namespace
}  // namespace es
