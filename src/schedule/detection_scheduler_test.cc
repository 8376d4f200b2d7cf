#include "schedule/detection_scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace es {
namespace {

// The fake clock: plain Timestamps built from milliseconds.
Timestamp Ms(int64_t ms) { return Timestamp::Micros(ms * 1000); }

CameraSchedule Schedule(int64_t period_ms, int64_t max_period_ms, int priority) {
  CameraSchedule s;
  s.period = Duration::Millis(static_cast<double>(period_ms));
  s.max_period = Duration::Millis(static_cast<double>(max_period_ms));
  s.priority = priority;
  return s;
}

// Serves `cam` alone at `at`: Enqueue, Pick (must pick `cam`), Done after `took_ms`.
void RunAt(DetectionScheduler& s, int cam, Timestamp at, int64_t took_ms) {
  s.Enqueue(cam, at);
  std::optional<int> picked = s.Pick(at);
  ASSERT_TRUE(picked.has_value());
  ASSERT_EQ(*picked, cam);
  s.Done(cam, Duration::Millis(static_cast<double>(took_ms)));
}

// Offers frames every 1e6 / fps us after a run at 0 and returns the first frame that is Due.
std::pair<int, Timestamp> FirstDueFrame(int fps) {
  DetectionScheduler s;
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  RunAt(s, cam, Ms(0), 10);
  for (int frame = 1; frame < 1000; ++frame) {
    const Timestamp t = Timestamp::Micros(int64_t{frame} * 1'000'000 / fps);
    if (s.Due(cam, t)) return {frame, t};
  }
  return {-1, Timestamp{}};
}

TEST(DetectionScheduler, DueRespectsPeriodInTimeNotFrames) {
  DetectionScheduler s;
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  EXPECT_TRUE(s.Due(cam, Ms(0))) << "a camera that never ran is due at once";
  RunAt(s, cam, Ms(0), 10);
  EXPECT_FALSE(s.Due(cam, Ms(199)));
  EXPECT_TRUE(s.Due(cam, Ms(200)));

  const auto [frame30, t30] = FirstDueFrame(30);
  const auto [frame5, t5] = FirstDueFrame(5);
  EXPECT_EQ(t30, Ms(200));
  EXPECT_EQ(t5, Ms(200));
  EXPECT_EQ(frame30, 6);  // same time, different frame counts
  EXPECT_EQ(frame5, 1);
}

TEST(DetectionScheduler, OnePendingRequestPerCameraLatestWins) {
  DetectionScheduler s;
  const int a = s.AddCamera(Schedule(200, 2000, 50));
  const int b = s.AddCamera(Schedule(200, 2000, 50));
  s.Enqueue(a, Ms(1));
  EXPECT_FALSE(s.Due(a, Ms(1000))) << "not due while a request is pending";
  s.Enqueue(b, Ms(2));
  s.Enqueue(a, Ms(3));  // replaces a's request at 1 ms: b's is now the earlier one
  EXPECT_EQ(s.stats(a).requests, 2u);
  EXPECT_EQ(s.Pick(Ms(4)), b);
  EXPECT_EQ(s.Pick(Ms(4)), a);
  EXPECT_EQ(s.Pick(Ms(4)), std::nullopt) << "a's two Enqueues are one request";
}

TEST(DetectionScheduler, CancelWithdrawsTheRequest) {
  DetectionScheduler s;
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  s.Enqueue(cam, Ms(0));
  s.Cancel(cam);
  EXPECT_EQ(s.Pick(Ms(1)), std::nullopt);
  EXPECT_TRUE(s.Due(cam, Ms(1)));
}

TEST(DetectionScheduler, PicksHighestPriorityThenLowestIndex) {
  DetectionScheduler s;
  for (int priority : {10, 90, 50, 50}) s.AddCamera(Schedule(200, 2000, priority));
  for (int cam = 0; cam < 4; ++cam) s.Enqueue(cam, Ms(0));
  std::vector<int> order;
  while (auto cam = s.Pick(Ms(1))) order.push_back(*cam);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 0}));
}

TEST(DetectionScheduler, EqualPriorityPicksEarliestDeadline) {
  DetectionScheduler s;
  const int a = s.AddCamera(Schedule(200, 2000, 50));
  const int b = s.AddCamera(Schedule(200, 2000, 50));
  RunAt(s, b, Ms(0), 0);   // due at 200 ms
  RunAt(s, a, Ms(50), 0);  // due at 250 ms
  s.Enqueue(a, Ms(300));
  s.Enqueue(b, Ms(300));
  EXPECT_EQ(s.Pick(Ms(300)), b);
  EXPECT_EQ(s.Pick(Ms(300)), a);
}

TEST(DetectionScheduler, ArmedBoostGoesFirst) {
  DetectionScheduler s;
  const int important = s.AddCamera(Schedule(200, 2000, 90));
  const int armed = s.AddCamera(Schedule(200, 2000, 20));
  s.SetArmed(armed, true);
  s.Enqueue(important, Ms(0));
  s.Enqueue(armed, Ms(0));
  EXPECT_EQ(s.Pick(Ms(0)), armed);
  EXPECT_EQ(s.Pick(Ms(0)), important);

  s.SetArmed(armed, false);
  s.Enqueue(important, Ms(500));
  s.Enqueue(armed, Ms(500));
  EXPECT_EQ(s.Pick(Ms(500)), important);
}

TEST(DetectionScheduler, StarvingCameraJumpsTheQueue) {
  SchedulerOptions options;
  options.starvation_lookahead_runs = 0;  // the plain bound: gap already beyond max_period
  DetectionScheduler s(options);
  const int high = s.AddCamera(Schedule(200, 2000, 100));
  const int low = s.AddCamera(Schedule(200, 2000, 0));
  RunAt(s, low, Ms(0), 0);
  s.Enqueue(low, Ms(1500));
  s.Enqueue(high, Ms(1500));
  EXPECT_EQ(s.Pick(Ms(1500)), high) << "gap 1.5 s: not starving yet";
  s.Done(high, Duration{});
  s.Enqueue(high, Ms(2100));
  EXPECT_EQ(s.Pick(Ms(2100)), low) << "gap 2.1 s > max_period 2 s";
  EXPECT_EQ(s.Pick(Ms(2100)), high);
}

TEST(DetectionScheduler, StarvingCamerasEarliestBoundFirst) {
  DetectionScheduler s;
  const int high = s.AddCamera(Schedule(200, 2000, 100));
  const int a = s.AddCamera(Schedule(200, 2000, 0));   // due 0.4 s, bound 2.2 s
  const int b = s.AddCamera(Schedule(1000, 1500, 0));  // due 1.1 s, bound 1.6 s
  RunAt(s, a, Ms(200), 0);
  RunAt(s, b, Ms(100), 0);
  for (int cam : {high, a, b}) s.Enqueue(cam, Ms(3000));
  EXPECT_EQ(s.Pick(Ms(3000)), b);
  EXPECT_EQ(s.Pick(Ms(3000)), a);
  EXPECT_EQ(s.Pick(Ms(3000)), high);
}

// Default lookahead (one run): a camera that would pass its bound while the detector serves one
// more run of measured cost goes first.
TEST(DetectionScheduler, StarvationLookaheadServesBeforeTheBound) {
  for (double lookahead : {1.0, 0.0}) {
    SchedulerOptions options;
    options.starvation_lookahead_runs = lookahead;
    DetectionScheduler s(options);
    const int high = s.AddCamera(Schedule(200, 2000, 100));
    const int low = s.AddCamera(Schedule(200, 2000, 0));
    RunAt(s, low, Ms(0), 100);  // cost 100 ms
    s.Enqueue(low, Ms(1850));
    s.Enqueue(high, Ms(1850));
    EXPECT_EQ(s.Pick(Ms(1850)), high) << "1.85 s + one 0.1 s run stays within 2 s";
    s.Done(high, Duration::Millis(100));
    s.Enqueue(high, Ms(1950));
    EXPECT_EQ(s.Pick(Ms(1950)), lookahead > 0 ? low : high) << "lookahead " << lookahead;
  }
}

TEST(DetectionScheduler, SheddingStretchesLowestPriorityFirstWithinMaxPeriod) {
  DetectionScheduler s;
  const std::vector<int> priorities = {30, 10, 40, 20};  // shed order: 1, 3, 0, then 2
  for (int p : priorities) s.AddCamera(Schedule(100, 1000, p));
  RunAt(s, 2, Ms(0), 50);  // cost 50 ms: planned load 4 x 0.5 = 2.0 > 0.9
  const Duration period = Duration::Millis(100);
  const Duration cap = Duration::Millis(1000) - s.cost();  // max_period - one-run guard
  EXPECT_EQ(s.stats(1).effective_period, cap);
  EXPECT_EQ(s.stats(3).effective_period, cap);
  EXPECT_GT(s.stats(0).effective_period, period);
  EXPECT_LT(s.stats(0).effective_period, cap);
  EXPECT_EQ(s.stats(2).effective_period, period) << "highest priority is not stretched";
  EXPECT_LE(s.planned_load(), 0.9 + 1e-9);
  EXPECT_GT(s.planned_load(), 0.89);
  for (int cam : {0, 1, 3}) {
    EXPECT_TRUE(s.stats(cam).shed_now) << cam;
    EXPECT_EQ(s.stats(cam).shed, 1u) << cam;
    EXPECT_LE(s.stats(cam).effective_period, Duration::Millis(1000)) << cam;
  }
  EXPECT_FALSE(s.stats(2).shed_now);
  EXPECT_EQ(s.stats(2).shed, 0u);
}

TEST(DetectionScheduler, SheddingNeverStretchesBeyondMaxPeriod) {
  SchedulerOptions options;
  options.starvation_lookahead_runs = 0;  // stretch cap is max_period itself
  DetectionScheduler s(options);
  for (int p : {10, 20, 30, 40}) s.AddCamera(Schedule(100, 1000, p));
  RunAt(s, 0, Ms(0), 500);  // load 4 x 0.5 = 2.0 even with every camera at 1 s
  for (int cam = 0; cam < 4; ++cam) {
    EXPECT_EQ(s.stats(cam).effective_period, Duration::Millis(1000)) << cam;
  }
  EXPECT_GT(s.planned_load(), 0.9) << "the load cannot fit; the bound still holds";
}

// Equal priorities share the stretch (no camera is sacrificed for its index); armed ones last.
TEST(DetectionScheduler, SheddingSharesTheStretchAmongEqualsArmedLast) {
  DetectionScheduler s;
  for (int i = 0; i < 3; ++i) s.AddCamera(Schedule(100, 2000, 50));
  RunAt(s, 0, Ms(0), 40);  // load 3 x 0.4 = 1.2 -> 0.9: every period x 4/3
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.stats(i).effective_period.millis(), 133.334, 0.01) << i;
  }
  EXPECT_NEAR(s.planned_load(), 0.9, 1e-4);  // periods are whole microseconds

  s.SetArmed(2, true);  // the two unarmed cameras carry the whole stretch: 0.8 -> 0.5, x 1.6
  EXPECT_EQ(s.stats(2).effective_period, Duration::Millis(100));
  EXPECT_EQ(s.stats(1).effective_period, Duration::Millis(160));
  EXPECT_EQ(s.stats(0).effective_period, Duration::Millis(160));
}

// Water-filling: a camera whose bound is near its target caps early; the others share the rest.
TEST(DetectionScheduler, SheddingCapsEarlyCamerasAndSharesTheRest) {
  SchedulerOptions o;
  o.starvation_lookahead_runs = 0;  // caps are exactly max_period
  DetectionScheduler s(o);
  const int tight = s.AddCamera(Schedule(100, 110, 50));
  const int a = s.AddCamera(Schedule(100, 2000, 50));
  const int b = s.AddCamera(Schedule(100, 2000, 50));
  RunAt(s, a, Ms(0), 40);  // load 1.2; tight caps at 110 ms, a and b share the rest
  EXPECT_EQ(s.stats(tight).effective_period, Duration::Millis(110));
  EXPECT_EQ(s.stats(a).effective_period, s.stats(b).effective_period);
  EXPECT_NEAR(s.planned_load(), 0.9, 1e-4);
}

TEST(DetectionScheduler, PeriodsRecoverWhenCostFalls) {
  DetectionScheduler s;
  s.AddCamera(Schedule(100, 1000, 90));
  const int low = s.AddCamera(Schedule(100, 1000, 10));
  RunAt(s, 0, Ms(0), 100);  // load 2.0
  ASSERT_TRUE(s.stats(low).shed_now);
  ASSERT_GT(s.stats(low).effective_period, Duration::Millis(100));

  for (int i = 1; i <= 40; ++i) RunAt(s, 0, Ms(100 * i), 5);  // cost EWMA falls to ~5 ms
  EXPECT_LT(s.cost(), Duration::Millis(10));
  EXPECT_FALSE(s.stats(low).shed_now);
  EXPECT_EQ(s.stats(low).effective_period, Duration::Millis(100));
  EXPECT_EQ(s.stats(low).shed, 1u);

  for (int i = 41; i <= 80; ++i) RunAt(s, 0, Ms(100 * i), 100);  // overload again
  EXPECT_TRUE(s.stats(low).shed_now);
  EXPECT_EQ(s.stats(low).shed, 2u) << "counts transitions into shed, not Recomputes";
}

TEST(DetectionScheduler, UpdateCameraTakesEffectOnNextDue) {
  DetectionScheduler s;
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  const int other = s.AddCamera(Schedule(200, 2000, 60));
  RunAt(s, cam, Ms(0), 0);
  EXPECT_FALSE(s.Due(cam, Ms(150)));
  s.UpdateCamera(cam, Schedule(100, 2000, 50));
  EXPECT_TRUE(s.Due(cam, Ms(150)));
  s.UpdateCamera(cam, Schedule(500, 2000, 50));
  EXPECT_FALSE(s.Due(cam, Ms(300)));
  EXPECT_EQ(s.stats(cam).effective_period, Duration::Millis(500));

  s.Enqueue(cam, Ms(600));
  s.Enqueue(other, Ms(600));
  s.UpdateCamera(cam, Schedule(500, 2000, 70));  // priority, too, applies at once
  EXPECT_EQ(s.Pick(Ms(600)), cam);
}

TEST(DetectionScheduler, StatsCountRunsMeanGapAndStarved) {
  DetectionScheduler s;
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  for (int64_t t : {0, 200, 500, 3000}) RunAt(s, cam, Ms(t), 10);
  const CameraScheduleStats& st = s.stats(cam);
  EXPECT_EQ(st.requests, 4u);
  EXPECT_EQ(st.runs, 4u);
  EXPECT_EQ(st.last_gap, Duration::Millis(2500));
  EXPECT_DOUBLE_EQ(st.mean_gap_s, 1.0);  // (0.2 + 0.3 + 2.5) / 3
  EXPECT_EQ(st.starved, 1u) << "only the 2.5 s gap exceeds max_period";
}

TEST(DetectionScheduler, InvalidCallsAreIgnored) {
  DetectionScheduler s;
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  EXPECT_FALSE(s.Due(7, Ms(0)));
  s.Enqueue(-1, Ms(0));
  s.Enqueue(7, Ms(0));
  EXPECT_EQ(s.Pick(Ms(0)), std::nullopt);
  s.Done(cam, Duration::Millis(50));  // no matching Pick
  EXPECT_EQ(s.stats(cam).runs, 0u);
  EXPECT_EQ(s.cost(), Duration{});
  EXPECT_EQ(s.stats(7).runs, 0u);
  EXPECT_EQ(s.size(), 1u);
}

// The detector is busy in 60 ms runs, so a 200 ms camera can only start on a 60 ms grid.
double MeanGapOnA60MsDetector(double phase_catch_up) {
  SchedulerOptions options;
  options.phase_catch_up = phase_catch_up;
  DetectionScheduler s(options);
  const int cam = s.AddCamera(Schedule(200, 2000, 50));
  for (Timestamp now = Ms(0); now < Ms(10'000); now = now + Duration::Millis(60)) {
    if (s.Due(cam, now)) s.Enqueue(cam, now);
    if (auto picked = s.Pick(now)) s.Done(*picked, Duration::Millis(60));
  }
  return s.stats(cam).mean_gap_s;
}

TEST(DetectionScheduler, PhaseCatchUpKeepsTheMeanPeriod) {
  EXPECT_NEAR(MeanGapOnA60MsDetector(0.5), 0.200, 0.005);
  EXPECT_DOUBLE_EQ(MeanGapOnA60MsDetector(0.0), 0.240) << "plain rule: every gap is 4 runs";
}

struct SimResult {
  std::vector<Duration> max_gap;
};

// Every step: each camera Enqueues when Due, the detector Picks one and runs for `cost`
// (the fake clock advances by it), then Done. An idle detector waits one 10 ms frame.
SimResult Simulate(DetectionScheduler& s, Duration cost, Timestamp end) {
  const int n = static_cast<int>(s.size());
  SimResult r{std::vector<Duration>(n)};
  std::vector<std::optional<Timestamp>> last(n);
  for (Timestamp now = Ms(0); now < end;) {
    for (int cam = 0; cam < n; ++cam) {
      if (s.Due(cam, now)) s.Enqueue(cam, now);
    }
    const std::optional<int> picked = s.Pick(now);
    if (!picked) {
      now = now + Duration::Millis(10);
      continue;
    }
    if (last[*picked]) r.max_gap[*picked] = std::max(r.max_gap[*picked], now - *last[*picked]);
    last[*picked] = now;
    now = now + cost;
    s.Done(*picked, cost);
  }
  return r;
}

TEST(DetectionScheduler, SimulationOverloadKeepsArmedPeriodAndBoundsTheRest) {
  DetectionScheduler s;
  const int armed = s.AddCamera(Schedule(200, 2000, 80));
  s.SetArmed(armed, true);
  for (int p = 10; p <= 70; p += 10) s.AddCamera(Schedule(200, 2000, p));  // cameras 1..7
  // 8 x 60 ms / 200 ms = 2.4x the detector.
  const SimResult r = Simulate(s, Duration::Millis(60), Ms(120'000));

  EXPECT_NEAR(s.stats(armed).mean_gap_s, 0.200, 0.020) << "armed camera keeps its period";
  EXPECT_EQ(s.stats(armed).effective_period, Duration::Millis(200));
  for (int cam : {1, 2, 3}) {  // the lowest priorities are stretched
    EXPECT_TRUE(s.stats(cam).shed_now) << cam;
    EXPECT_GT(s.stats(cam).mean_gap_s, 1.0) << cam;
  }
  for (int cam = 0; cam < 8; ++cam) {
    EXPECT_GT(s.stats(cam).runs, 50u) << cam;
    EXPECT_LE(s.stats(cam).effective_period, Duration::Seconds(2)) << cam;
    EXPECT_LE(r.max_gap[cam], Duration::Seconds(2)) << cam;
    EXPECT_EQ(s.stats(cam).starved, 0u) << cam;
  }
  EXPECT_LE(s.planned_load(), 0.9 + 1e-9);
}

}  // namespace
}  // namespace es

namespace es {
namespace {

// Period 0 (best effort, offline files): never counted in the load, never shed, served in turn.
TEST(DetectionScheduler, BestEffortCamerasAreNeverShedAndTakeTurns) {
  DetectionScheduler s;
  CameraSchedule best;
  best.period = Duration{};
  const int a = s.AddCamera(best);
  const int b = s.AddCamera(best);
  Timestamp now = Timestamp::Seconds(1);
  int runs_a = 0, runs_b = 0;
  for (int i = 0; i < 100; ++i) {
    for (int cam : {a, b}) {
      if (s.Due(cam, now)) s.Enqueue(cam, now);
    }
    auto pick = s.Pick(now);
    ASSERT_TRUE(pick.has_value());
    (*pick == a ? runs_a : runs_b)++;
    now = now + Duration::Millis(50);
    s.Done(*pick, Duration::Millis(50));
  }
  EXPECT_EQ(runs_a, 50);
  EXPECT_EQ(runs_b, 50);
  EXPECT_EQ(s.stats(a).shed, 0u);
  EXPECT_EQ(s.stats(b).shed, 0u);
  EXPECT_DOUBLE_EQ(s.planned_load(), 0.0);
}

TEST(DetectionScheduler, WorkersShareTheCostOfARun) {
  // Four cameras at 0.4 s with a 0.1 s run: load 1.0 on one worker (shed), 0.5 on two.
  SchedulerOptions two;
  two.workers = 2;
  DetectionScheduler one_worker, two_workers(two);
  for (DetectionScheduler* s : {&one_worker, &two_workers}) {
    for (int i = 0; i < 4; ++i) s->AddCamera(Schedule(400, 2000, 50));
    RunAt(*s, 0, Ms(0), 100);
  }
  EXPECT_TRUE(one_worker.stats(1).shed_now);  // shed down to the target utilisation
  EXPECT_EQ(one_worker.cost(), Duration::Millis(100));
  EXPECT_NEAR(two_workers.planned_load(), 0.5, 1e-9);
  EXPECT_EQ(two_workers.cost(), Duration::Millis(50));
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(two_workers.stats(i).shed_now) << i;
}

}  // namespace
}  // namespace es
