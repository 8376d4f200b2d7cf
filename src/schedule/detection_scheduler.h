// DetectionScheduler: decides which camera a shared object detector serves next.
//
// A pure policy: no threads, no sleeping, no clock of its own. The caller passes every
// Timestamp (steady clock live, a fake clock in tests), so the same calls give the same picks.
// Flow: a frame of camera `cam` offered at `now` asks Due(cam, now); if true the caller
// Enqueue()s a request (at most one pending per camera, latest wins). When the detector is free
// the caller Pick()s a camera, runs detection on that camera's latest frame and reports Done()
// with the detector time the run took.
//
// Period (time, not frames): a camera is due when `now` reaches its last run start plus its
// effective period. Runs can only start when the detector is free, so they start a little late;
// a run that starts late by L <= phase_catch_up x effective period keeps the camera on its
// period grid (the next run is due at the previous due time + period, i.e. last start + period
// - L), so the achieved mean period matches the target. A run later than that restarts the grid
// at its own start. phase_catch_up = 0 gives the plain rule "last run start + period".
//
// Pick order among pending cameras:
//   1) starving: its gap since the last run start (since its request, if it never ran) would
//      exceed max_period if it waited starvation_lookahead_runs more detector runs (measured
//      cost). With lookahead 0 (or before any cost is measured): the gap already exceeds
//      max_period. Earliest bound (last run start, or request, + max_period) first.
//   2) highest effective priority (priority + armed_boost while armed);
//   3) ties: earliest deadline (the time it became due), then lowest index.
//
// Load shedding (Recompute after AddCamera, UpdateCamera, SetArmed and Done): with c the EWMA of
// the detector time per run (one value for the device, not per camera) the planned load is
// sum_i c / effective_period_i. While it exceeds target_utilisation, the cameras with the LOWEST
// effective priority are stretched first, each up to its stretch cap, until the load fits or
// every camera is at its cap. Cameras of equal effective priority share the stretch: their
// periods grow by one common factor (water-filling: a camera that reaches its cap stays there
// and the others share the rest), so no camera is sacrificed for its index. Armed cameras,
// being boosted, go last. The
// stretch cap is max_period - starvation guard (guard = starvation_lookahead_runs x c), so a
// stretched camera asks before its bound is at risk; it is never below the target period and
// never above max_period (so when the guard is at least max_period - period, nothing is
// stretched: every camera keeps asking at its period and Pick order alone protects the bound).
// Every Recompute starts from the target periods, so periods return to them as the load falls.
//
// Starvation bound: no camera's gap between run starts exceeds max_period as long as the
// detector can serve every camera once per max_period (roughly sum_i c / max_period_i <= 1, and
// cameras rarely turn starving at the same moment). Beyond that the bound is best effort: a
// late run is counted in CameraScheduleStats::starved.
//
// Thread-safety: not thread-safe; the caller synchronises (one mutex around every call).
// Ownership: plain values only; keeps no pointers or references to the caller's data.
// Failure: nothing here fails at run time, so there is no Status. Options and camera settings
// are clamped into range (see the field comments). An out-of-range camera index, or a Done()
// without a matching Pick(), is a caller bug and is ignored: Due() returns false and stats()
// returns an empty record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "edgesight/time.h"

namespace es {

struct CameraSchedule {
  // Target detection period (time, not frames). Zero or negative: best effort, the detector
  // whenever it is free for this camera (offline processing of files); such a camera is not
  // counted in the planned load and never shed (Pick order and the starvation bound still
  // apply). Otherwise clamped to >= 1 us.
  Duration period = Duration::Millis(200);
  // Starvation bound: shedding never stretches the period beyond this. Clamped to >= period.
  Duration max_period = Duration::Seconds(2);
  // 0..100 (clamped), higher = more important.
  int priority = 50;
};

struct SchedulerOptions {
  // Fraction of detector time the scheduler plans to use; shedding starts above it. > 0.
  double target_utilisation = 0.9;
  // Weight of the newest run in the EWMA of detector time per run, in (0, 1]; the first run
  // sets the estimate outright.
  double cost_ewma_alpha = 0.2;
  // Added to the priority while the camera is armed (active track in an armed zone).
  int armed_boost = 100;
  // A run that starts at most this fraction of the effective period after it was due keeps the
  // camera on its period grid (see above); later runs restart the grid. In [0, 1]; 0 = plain
  // "last run start + period".
  double phase_catch_up = 0.5;
  // A pending camera is starving when waiting this many more detector runs (at the measured
  // cost) would take its gap past max_period; also sets the shedding guard. >= 0; 0 = starving
  // only once the gap already exceeds max_period, and stretching up to max_period itself.
  double starvation_lookahead_runs = 1.0;
  // Detector runs that can go on at once (DetectionService workers). A run's measured time
  // counts as time / workers of device capacity. Clamped to >= 1.
  int workers = 1;
};

struct CameraScheduleStats {
  uint64_t requests = 0;      // Enqueue calls
  uint64_t runs = 0;          // requests served (Done)
  uint64_t shed = 0;          // transitions into shed (a Recompute stretched it while it was not)
  bool shed_now = false;      // gauge: effective period currently above the target period
  bool armed = false;         // gauge: an armed zone holds a track (SetArmed)
  uint64_t starved = 0;       // runs that started later than max_period after the previous run
  Duration effective_period;  // current period after shedding
  Duration last_gap;          // time between the last two run starts
  double mean_gap_s = 0;      // achieved detection period (mean gap between run starts)
};

class DetectionScheduler {
 public:
  explicit DetectionScheduler(SchedulerOptions options = {});

  // Returns a dense index 0, 1, 2...
  int AddCamera(CameraSchedule s);
  // Live settings: the new period, max_period and priority take effect at once.
  void UpdateCamera(int cam, CameraSchedule s);
  void SetArmed(int cam, bool armed);

  // Whether a frame of `cam` offered at `now` should ask for detection: true when no request is
  // pending for it and it never ran or `now` has reached its due time (see Period above).
  bool Due(int cam, Timestamp now) const;
  // One pending request per camera: a second Enqueue replaces the first one's time.
  void Enqueue(int cam, Timestamp now);
  // Withdraws a pending request (camera stopping); no-op when none is pending.
  void Cancel(int cam);
  // The pending camera the detector serves next (order above), or nullopt when none is pending.
  // Removes it from pending and marks its run start at `now`.
  std::optional<int> Pick(Timestamp now);
  // The run of `cam` picked earlier finished after `took` of detector time: updates the cost
  // EWMA, counts the run and recomputes shedding.
  void Done(int cam, Duration took);

  const CameraScheduleStats& stats(int cam) const;
  size_t size() const { return cams_.size(); }
  // The EWMA of detector time per run (zero before the first Done).
  Duration cost() const { return Duration::Micros(static_cast<int64_t>(cost_us_)); }
  // sum_i cost / effective_period_i after the last Recompute.
  double planned_load() const;

 private:
  struct Cam {
    CameraSchedule settings;
    bool best_effort = false;  // target period <= 0
    bool armed = false;
    bool pending = false;
    Timestamp request;       // time of the pending request (latest Enqueue)
    bool ran = false;        // a run has started
    Timestamp last_start;    // start of the latest run
    Duration lateness;       // how long after its due time the latest run started
    int running = 0;         // runs picked and not yet Done
    int64_t gap_sum_us = 0;  // sum of gaps between run starts
    uint64_t gaps = 0;       // number of gaps
    CameraScheduleStats stats;
  };

  bool Valid(int cam) const { return cam >= 0 && static_cast<size_t>(cam) < cams_.size(); }
  int EffectivePriority(const Cam& c) const;
  Timestamp DueTime(const Cam& c) const;
  Duration Guard() const;
  Timestamp StarvationBound(const Cam& c) const;
  bool Starving(const Cam& c, Timestamp now) const;
  bool ServeBefore(int a, int b, Timestamp now) const;
  void MarkRunStart(Cam& c, Timestamp now);
  void Recompute();
  std::vector<int> ShedOrder() const;
  double StretchGroup(std::vector<int> group, double excess);
  Duration StretchCap(const Cam& c) const;

  SchedulerOptions options_;
  std::vector<Cam> cams_;
  double cost_us_ = 0;       // EWMA of detector time per run, microseconds
  bool cost_known_ = false;  // a run has been measured
};

}  // namespace es
