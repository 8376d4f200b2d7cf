#include "app/progress.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(Progress, LineShowsFramesRateAndTimeLeftPerCamera) {
  MetricsRegistry m;
  m.GetGauge("edgesight_source_declared_frames", "", {{"camera", "gate"}})->Set(1000);
  m.GetGauge("edgesight_source_declared_frames", "", {{"camera", "yard"}})->Set(-1);  // live
  ProgressReporter p(&m, {"gate", "yard"});
  EXPECT_EQ(p.Line({400, 90}, {375, 65}, 1.0),
            "gate 400/1000 frames 25.0 fps ETA 0:24 | yard 90 frames 25.0 fps");
  EXPECT_EQ(p.Line({1000, 90}, {1000, 90}, 1.0),
            "gate 1000/1000 frames 0.0 fps | yard 90 frames 0.0 fps");
}

TEST(Progress, StepLineWithElapsedAndTimeLeft) {
  EXPECT_EQ(StepProgress::Line(1, 7, "MOT17-02", 0.4), "[1/7] MOT17-02  0:00 elapsed");
  EXPECT_EQ(StepProgress::Line(3, 7, "MOT17-04", 12), "[3/7] MOT17-04  0:12 elapsed, ETA 0:30");
}

TEST(Progress, HumanSummaryOfOneCameraAndOfASite) {
  nlohmann::ordered_json one = {
      {"source", "vtest.avi"}, {"frames", 795},       {"frames_dropped", 0},
      {"detector_runs", 412},  {"tracks", 23},        {"events", 57},
      {"wall_s", 31.8},        {"fps", 25.0},
      {"latency_ms", {{"glass_to_decision", {{"p50", 41.2}, {"p99", 78.0}}}}},
      {"status", "ok"}};
  EXPECT_EQ(HumanSummary(one),
            "vtest.avi: 795 frames in 31.8 s (25.0 fps), 0 dropped; 412 detector runs, 23 "
            "tracks, 57 events\n  glass-to-decision p50 41.2 ms, p99 78.0 ms\nstatus: ok\n");
  nlohmann::ordered_json site = {{"device", "edge0"},
                                 {"cameras", {{"gate", one}, {"yard", one}}},
                                 {"uplink", {{"acked", 57}, {"depth", 3}}},
                                 {"status", "degraded: yard: ended"}};
  const std::string s = HumanSummary(site);
  EXPECT_EQ(s.rfind("gate: 795 frames", 0), 0u) << s;
  EXPECT_NE(s.find("\nyard: 795 frames"), std::string::npos) << s;
  EXPECT_NE(s.find("uplink: 57 delivered, 3 waiting in the outbox\n"), std::string::npos) << s;
  EXPECT_NE(s.find("status: degraded: yard: ended\n"), std::string::npos) << s;
}

}  // namespace
}  // namespace es
