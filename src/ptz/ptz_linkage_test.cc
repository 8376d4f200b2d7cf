#include "ptz/ptz_linkage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ptz/ptz_metrics.h"
#include "ptz/ptz_sim.h"
#include "ptz/simulator_driver.h"

namespace es {
namespace {

namespace fs = std::filesystem;

class PtzLinkageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "es_linkage_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    // Correspondences of the standard wide lens, as an installer would measure them.
    const RayCalibration truth = TrueWideCalibration();
    calib_ = (fs::path(dir_) / "points.txt").string();
    std::ofstream f(calib_);
    f.precision(10);
    f << "k1 -0.05\n";
    for (int iy = 0; iy < 3; ++iy) {
      for (int ix = 0; ix < 4; ++ix) {
        const double u = 200 + ix * 500.0, v = 150 + iy * 390.0;
        const PanTilt pt = truth.PixelToPanTilt(u, v);
        f << u << " " << v << " " << pt.pan_deg << " " << pt.tilt_deg << "\n";
      }
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  PtzLinkageOptions Options() const {
    PtzLinkageOptions o;
    o.calibration_file = calib_;
    o.command_latency_ms = 30;  // the simulator's command delay
    o.status_interval_s = 0.04;
    return o;
  }

  std::string dir_, calib_;
};

const Scenario& Walker() {
  static const auto scenarios = StandardScenarios();
  for (const auto& s : scenarios) {
    if (s.name == "walker") return s;
  }
  return scenarios.front();
}

TrackOutput At(const Scenario& s, double t, int id = 1) {
  return TrackOutput{id, kClassPerson, 0.9f, s.objects[0].BoxAt(t), false};
}

ZoomOptions Zoom(const PtzLinkageOptions& o) {
  ZoomOptions z;
  z.hfov_wide_deg = o.ptz_hfov_deg;
  z.aspect = o.ptz_aspect;
  z.target_fill = o.target_fill;
  return z;
}

TEST_F(PtzLinkageTest, WalkerEndsUpCentredInThePtzFrame) {
  for (const char* controller : {"predictive", "proportional"}) {
    SCOPED_TRACE(controller);
    auto driver = std::make_shared<SimulatorDriver>();
    PtzLinkageOptions o = Options();
    o.controller = controller;
    auto linkage = PtzLinkage::Create(o, driver, [d = driver.get()] { return d->now(); });
    ASSERT_TRUE(linkage.ok()) << linkage.status().ToString();
    const Scenario& s = Walker();
    const RayCalibration truth = TrueWideCalibration();
    const Duration frame = Duration::Millis(40);
    int frames = 0, inner25 = 0;
    double max_nx = 0;
    for (Timestamp t{}; t.seconds() < s.duration_s; t = t + frame) {
      (*linkage)->OnFrame({At(s, t.seconds())}, t);
      ASSERT_TRUE((*linkage)->WaitIdle(Duration::Seconds(5)));
      driver->Advance(frame);
      if (t.seconds() < 3.0) continue;  // acquisition
      const BBox b = s.objects[0].BoxAt(driver->now().seconds());
      const PtzStatus head = driver->TrueStatus();
      const FramePosition fp = ProjectIntoPtz(truth.PixelToRay(b.cx(), b.cy()), head.pan_deg,
                                              head.tilt_deg, head.zoom, Zoom(o));
      ++frames;
      if (std::max(std::abs(fp.nx), std::abs(fp.ny)) <= 0.25) ++inner25;
      max_nx = std::max(max_nx, std::abs(fp.nx));
    }
    const PtzLinkageStats st = (*linkage)->stats();
    std::printf("%s: %d/%d frames inner 25%%, max |nx| %.3f, zoom %.2f, sent %d\n", controller,
                inner25, frames, max_nx, driver->TrueStatus().zoom, st.commands_sent);
    EXPECT_GT(frames, 300);
    EXPECT_EQ(st.health, PtzHealth::kOk) << st.last_error;
    EXPECT_EQ(st.driver_errors, 0);
    EXPECT_EQ(st.selector, SelectorState::kTracking);
    EXPECT_EQ(st.track_id, 1);
    EXPECT_GT(st.commands_sent, 0);
    EXPECT_GT(st.status_polls, 100);
    if (std::string(controller) == "predictive") {
      EXPECT_EQ(inner25, frames) << "max |nx| " << max_nx;
    } else {
      EXPECT_GE(inner25, frames * 0.9) << "max |nx| " << max_nx;  // stop-and-go lags
    }
    EXPECT_LT(max_nx, 1.0);                     // never lost from the PTZ frame
    EXPECT_GT(driver->TrueStatus().zoom, 1.5);  // zoomed in on the walker
    if (std::string(controller) == "predictive") {
      EXPECT_GT(std::abs(driver->TrueStatus().pan_speed_dps), 1.0);  // following the walker
    }
    (*linkage)->Stop();
    driver->Advance(Duration::Seconds(1));
    EXPECT_EQ(driver->TrueStatus().pan_speed_dps, 0);  // Stop() halted the head
  }
}

TEST_F(PtzLinkageTest, LostTargetSearchesThenReturnsHome) {
  auto driver = std::make_shared<SimulatorDriver>();
  PtzLinkageOptions o = Options();
  o.hold_s = 0.4;
  o.search_s = 2.0;
  o.home_pan_deg = 12;
  o.home_tilt_deg = -4;
  o.home_zoom = 1.0;
  auto linkage = PtzLinkage::Create(o, driver, [d = driver.get()] { return d->now(); });
  ASSERT_TRUE(linkage.ok());
  const Scenario& s = Walker();
  const Duration frame = Duration::Millis(40);
  Timestamp t{};
  for (; t.seconds() < 6.0; t = t + frame) {
    (*linkage)->OnFrame({At(s, t.seconds())}, t);
    ASSERT_TRUE((*linkage)->WaitIdle(Duration::Seconds(5)));
    driver->Advance(frame);
  }
  const PtzStatus tracking = driver->TrueStatus();
  ASSERT_GT(tracking.zoom, 1.5);
  bool searched = false;
  for (; t.seconds() < 12.0; t = t + frame) {
    (*linkage)->OnFrame({}, t);  // the target is gone
    ASSERT_TRUE((*linkage)->WaitIdle(Duration::Seconds(5)));
    driver->Advance(frame);
    const auto st = (*linkage)->stats();
    if (st.selector == SelectorState::kSearching && t.seconds() > 7.2 && !searched) {
      searched = true;
      const PtzStatus h = driver->TrueStatus();
      EXPECT_NEAR(h.pan_deg, tracking.pan_deg, 3.0);  // holds around the last direction
      EXPECT_LT(h.zoom, tracking.zoom);               // zoomed out to search
    }
  }
  EXPECT_TRUE(searched);
  EXPECT_EQ((*linkage)->stats().selector, SelectorState::kHome);
  const PtzStatus home = driver->TrueStatus();
  EXPECT_NEAR(home.pan_deg, 12, 0.05);
  EXPECT_NEAR(home.tilt_deg, -4, 0.05);
  EXPECT_NEAR(home.zoom, 1.0, 1e-6);
  // A target again: tracking resumes.
  (*linkage)->OnFrame({At(s, 9.0, 2)}, t);
  EXPECT_EQ((*linkage)->stats().selector, SelectorState::kTracking);
  EXPECT_EQ((*linkage)->stats().track_id, 2);
}

TEST_F(PtzLinkageTest, DriverErrorsDegradeButTrackingContinues) {
  auto driver = std::make_shared<SimulatorDriver>();
  driver->SetFailure(Unavailable("simulator: connection refused"));
  auto linkage = PtzLinkage::Create(Options(), driver, [d = driver.get()] { return d->now(); });
  ASSERT_TRUE(linkage.ok());
  const Scenario& s = Walker();
  const Duration frame = Duration::Millis(40);
  Timestamp t{};
  for (; t.seconds() < 1.0; t = t + frame) {
    (*linkage)->OnFrame({At(s, t.seconds())}, t);
    ASSERT_TRUE((*linkage)->WaitIdle(Duration::Seconds(5)));
    driver->Advance(frame);
  }
  PtzLinkageStats st = (*linkage)->stats();
  EXPECT_EQ(st.health, PtzHealth::kDegraded);
  EXPECT_EQ(st.last_error, "simulator: connection refused");
  EXPECT_GT(st.driver_errors, 10);
  EXPECT_EQ(st.commands_sent, 0);
  EXPECT_EQ(st.selector, SelectorState::kTracking);  // the wide lens keeps its target
  EXPECT_EQ(st.track_id, 1);
  EXPECT_EQ(st.ToJson()["health"], "degraded");
  driver->SetFailure(Status::Ok());  // the head comes back
  for (; t.seconds() < 2.0; t = t + frame) {
    (*linkage)->OnFrame({At(s, t.seconds())}, t);
    ASSERT_TRUE((*linkage)->WaitIdle(Duration::Seconds(5)));
    driver->Advance(frame);
  }
  st = (*linkage)->stats();
  EXPECT_EQ(st.health, PtzHealth::kOk);
  EXPECT_GT(st.commands_sent, 0);
  EXPECT_EQ(st.last_error, "simulator: connection refused");  // kept for the report
  EXPECT_LT(std::abs(driver->TrueStatus().pan_deg), 90);
  EXPECT_GT(std::abs(driver->TrueStatus().pan_deg), 1);  // it moved towards the walker
}

// A driver whose calls block until released: the head hangs (a dead TCP peer).
class BlockingDriver : public PtzDriver {
 public:
  Status ContinuousMove(double, double, std::optional<double>, Duration) override {
    return Block();
  }
  Status RelativeMove(double, double, std::optional<double>) override { return Block(); }
  Status AbsoluteMove(double, double, std::optional<double>) override { return Block(); }
  Status Stop() override { return Status::Ok(); }
  Result<PtzStatus> GetStatus() override {
    ES_RETURN_IF_ERROR(Block());
    return PtzStatus{};
  }
  Result<PtzCapabilities> GetConfigurationOptions() override { return PtzCapabilities{}; }
  std::string Describe() const override { return "blocking"; }
  void Release() {
    std::lock_guard<std::mutex> l(mu_);
    released_ = true;
    cv_.notify_all();
  }
  int calls() const { return calls_; }

 private:
  Status Block() {
    ++calls_;
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::seconds(10), [this] { return released_; });
    return Status::Ok();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::atomic<int> calls_{0};
};

TEST_F(PtzLinkageTest, HungDriverNeverBlocksFramesLatestCommandWins) {
  auto driver = std::make_shared<BlockingDriver>();
  std::atomic<int64_t> clock_us{0};
  auto linkage =
      PtzLinkage::Create(Options(), driver, [&] { return Timestamp::Micros(clock_us.load()); });
  ASSERT_TRUE(linkage.ok());
  const Scenario& s = Walker();
  // The first command blocks inside the driver; 49 more frames must all return.
  for (int i = 0; i < 50; ++i) {
    const Timestamp t = Timestamp::Seconds(i * 0.04);
    clock_us = t.us;
    (*linkage)->OnFrame({At(s, t.seconds())}, t);
    if (i == 0) {
      const Timestamp deadline = SteadyNow() + Duration::Seconds(5);
      while (driver->calls() == 0 && SteadyNow() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      ASSERT_EQ(driver->calls(), 1);
    }
  }
  PtzLinkageStats st = (*linkage)->stats();
  EXPECT_EQ(st.commands_queued, 50);
  EXPECT_EQ(st.commands_superseded, 48);  // one in the driver, one waiting (the newest)
  EXPECT_EQ(st.selector, SelectorState::kTracking);
  driver->Release();
  EXPECT_TRUE((*linkage)->WaitIdle(Duration::Seconds(5)));
  st = (*linkage)->stats();
  EXPECT_EQ(st.commands_sent, 2);
  (*linkage)->Stop();
}

TEST_F(PtzLinkageTest, OptionsValidateWithOneLineErrors) {
  EXPECT_TRUE(PtzLinkageOptions{}.Validate().ok());
  struct Case {
    std::function<void(PtzLinkageOptions*)> set;
    const char* want;
  } cases[] = {
      {[](auto* o) { o->controller = "pid"; },
       "ptz.controller: expected one of [predictive, proportional], got \"pid\""},
      {[](auto* o) { o->zone_mode = "inside"; }, "ptz.zone_mode: expected one of [only, prefer]"},
      {[](auto* o) { o->rank = "oldest"; }, "ptz.rank: expected one of [largest, longest_lived]"},
      {[](auto* o) {
         o->class_priority = {0, 2, 0};
       },
       "ptz.class_priority: class id 0 is listed"},
      {[](auto* o) { o->class_priority = {-7}; }, "ptz.class_priority: class id -7 is not"},
      {[](auto* o) {
         o->zone = {{0, 0}, {10, 10}};
       },
       "ptz.zone: "},
      {[](auto* o) { o->search_zoom_out = 0.5; }, "ptz.search_zoom_out: "},
      {[](auto* o) { o->home_zoom = 50; }, "ptz.home_zoom: "},
      {[](auto* o) { o->home_tilt_deg = 100; }, "ptz.home_tilt_deg: "},
      {[](auto* o) { o->target_fill = 0; }, "ptz.target_fill: "},
      {[](auto* o) { o->hold_s = -1; }, "ptz.hold_s: "},
      {[](auto* o) { o->status_interval_s = std::nan(""); }, "ptz.status_interval_s: "},
      {[](auto* o) { o->max_zoom = 0.5; }, "ptz.max_zoom: "},
  };
  for (const auto& c : cases) {
    PtzLinkageOptions o;
    c.set(&o);
    const Status s = o.Validate();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.want;
    EXPECT_EQ(s.message().rfind(c.want, 0), 0u) << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos);
  }
}

TEST_F(PtzLinkageTest, CreateReportsCalibrationErrors) {
  auto driver = std::make_shared<SimulatorDriver>();
  PtzLinkageOptions o = Options();
  o.calibration_file = (fs::path(dir_) / "missing.txt").string();
  auto r = PtzLinkage::Create(o, driver);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message().rfind("ptz.calibration_file: cannot open", 0), 0u);
  const std::string few = (fs::path(dir_) / "few.txt").string();
  std::ofstream(few) << "100 100 -40 20\n900 500 0 0\n";
  o.calibration_file = few;
  r = PtzLinkage::Create(o, driver);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("at least 4 points, got 2"), std::string::npos);
  o.calibration_file.clear();
  EXPECT_NE(PtzLinkage::Create(o, driver).status().message().find("required"), std::string::npos);
}

}  // namespace
}  // namespace es
