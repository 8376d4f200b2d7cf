// The governor against a real CPU hog beside the pipeline: a bounded busy loop on every core
// slows the real NanoDet detector; the governor must notice it in the glass-to-decision p95,
// slow the camera down, and give it its own settings back once the hog has stopped.
// Its own test program, run alone (RUN_SERIAL): other tests' load would be a hog of their own.
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "cli_test_util.h"

namespace es::testing {
namespace {

// Busy threads, eight per core, until `seconds` have passed (bounded: they always stop).
void Hog(double seconds) {
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  const unsigned n = 8 * std::max(1u, std::thread::hardware_concurrency());
  std::atomic<uint64_t> sink{0};
  for (unsigned i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      uint64_t x = i;
      while (std::chrono::steady_clock::now() < until) {
        for (int k = 0; k < 100000; ++k) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      }
      sink += x;
    });
  }
  for (auto& t : threads) t.join();
}

TEST(GovernorLoad, CpuHogBesideThePipelineIsRiddenAndForgotten) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/site.yaml") << R"(
source:
  uri: synthetic:crowd
  realtime: true
detector:
  threads: 1
pipeline:
  max_frames: 550
  detect_period_s: 0.2
governor:
  enabled: true
  interval_s: 0.5
  min_change_interval_s: 0.5
  hold_s: 1.0
  latency_p95_ms: 250
)";
  const int pid = StartProcess({kBin, "run", "--config", dir + "/site.yaml", "--json"},
                               dir + "/out.json", dir + "/err.log");
  std::this_thread::sleep_for(std::chrono::seconds(4));  // the model loads, the camera settles
  Hog(6);
  ASSERT_EQ(WaitExit(pid, 120), 0) << Slurp(dir + "/err.log");
  const json s = json::parse(Slurp(dir + "/out.json"));
  const json& g = s["governor"];
  ASSERT_TRUE(g.is_object()) << s.dump();
  int ups = 0, downs = 0;
  for (const json& c : g["changes"]) {
    if (c["to"] > c["from"]) {
      ++ups;
      EXPECT_EQ(c["reason"].get<std::string>().rfind("camera cam0 p95 ", 0), 0u) << c.dump();
    } else {
      ++downs;
    }
  }
  EXPECT_GE(ups, 1) << g.dump() << "\n" << s["latency_ms"].dump();
  EXPECT_EQ(ups, downs) << g.dump();
  EXPECT_EQ(g["level"], 0) << g.dump();
}

}  // namespace
}  // namespace es::testing
