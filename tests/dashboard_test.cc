// The dashboard in a real headless Chromium (Debian's chromium) against a running edgesight:
// the camera grid shows live images, zone events appear in the timeline with their crops, a
// clip plays (the video element's currentTime moves), and a screenshot is kept as an artifact
// (ES_ARTIFACT_DIR/dashboard.png).
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

std::string Chromium(const std::string& profile, std::vector<std::string> args,
                     const std::string& url, const std::string& out) {
  std::vector<std::string> argv = {"chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                                   "--no-first-run", "--mute-audio",
                                   "--autoplay-policy=no-user-gesture-required",
                                   "--user-data-dir=" + profile};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  const ProcessResult r = RunProcess(argv, 90);
  EXPECT_FALSE(r.timed_out);
  { std::ofstream(out) << r.out; }
  return r.out;
}

// data-NAME="VALUE" on <body>, or "".
std::string BodyData(const std::string& dom, const std::string& name) {
  std::smatch m;
  const std::regex re("data-" + name + "=\"([^\"]*)\"");
  return std::regex_search(dom, m, re) ? m[1].str() : "";
}

TEST(Dashboard, ShowsLiveCamerasEventsWithCropsAndPlaysAClip) {
  const std::string dir = TempDir();
  WriteYardSite(dir);
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const int edge = StartProcess({kBin, "run", "--config", dir + "/site.yaml", "--source",
                                 "synthetic:crowd", "--realtime", "--detector", "motion",
                                 "--max-frames", "6000", "--http",
                                 "127.0.0.1:" + std::to_string(port)},
                                dir + "/edge.out", dir + "/edge.err");
  httplib::Client c("127.0.0.1", port);
  // Wait for what the page should show: zone events, a crop, and two clips (the older one is
  // complete and is what ?autoplay=1 plays).
  bool ready = false;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ready && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto r = c.Get("/api/events?limit=50");
    if (!r || r->status != 200) continue;
    const json events = json::parse(r->body, nullptr, false).value("events", json::array());
    std::set<std::string> clips;
    bool zone = false, crop = false;
    for (const json& e : events) {
      zone = zone || e["type"] == "zone";
      crop = crop || e["has_crop"] == true;
      if (e.contains("clip")) clips.insert(e["clip"].get<std::string>());
    }
    ready = zone && crop && clips.size() >= 2;
  }
  ASSERT_TRUE(ready) << "the run produced no zone events, crops and clips in time";

  const std::string dom = Chromium(dir + "/profile", {"--virtual-time-budget=8000", "--dump-dom"},
                                   base + "/?autoplay=1", dir + "/dom.html");
  EXPECT_NE(dom.find("id=\"tile-cam0\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_GE(std::atoi(BodyData(dom, "cameras-live").c_str()), 1) << "no live image in the grid";
  EXPECT_GT(std::atoi(BodyData(dom, "events").c_str()), 0);
  EXPECT_GE(std::atoi(BodyData(dom, "crops").c_str()), 1) << "no crop in the timeline";
  EXPECT_NE(dom.find("<td>yard</td>"), std::string::npos) << "no zone event in the timeline";
  EXPECT_GT(std::atof(BodyData(dom, "clip-time").c_str()), 0.0)
      << "the clip did not play; error: " << BodyData(dom, "clip-error");

  // The screenshot, kept for people (and committed once to docs/).
  const std::string artifacts = ES_ARTIFACT_DIR;
  std::filesystem::create_directories(artifacts);
  const std::string png = artifacts + "/dashboard.png";
  std::filesystem::remove(png);
  Chromium(dir + "/profile2",
           {"--virtual-time-budget=6000", "--window-size=1280,1000", "--hide-scrollbars",
            "--screenshot=" + png},
           base + "/", dir + "/shot.log");
  std::ifstream shot(png, std::ios::binary);
  std::string magic(8, '\0');
  shot.read(magic.data(), 8);
  EXPECT_EQ(magic, std::string("\x89PNG\r\n\x1a\n", 8)) << "no screenshot at " << png;

  StopProcess(edge);
}

}  // namespace
}  // namespace es::testing
