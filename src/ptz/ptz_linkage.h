// PtzLinkage: the dual-lens decision loop at run time. The pipeline calls OnFrame() once per
// wide-lens frame with the confirmed tracks; the linkage maps them to PTZ directions
// (RayCalibration), picks the target (TargetSelector: class priority, zone, stickiness,
// hand-off, hold / search / return home), chooses the zoom (ZoomSelector inside the controller)
// and decides a command (PredictiveController or ProportionalController), which a worker
// thread sends to the PtzDriver (simulator, ONVIF, ...).
//
// Never blocks the pipeline on the head: OnFrame() does the (microsecond) decision on the
// caller's thread and puts the command into a one-slot coalescing mailbox (core/bounded_queue.h)
// that a worker (core/worker.h) drains; a command not yet taken by the worker is replaced by
// the newer one (counted as superseded), a status request is kept beside it. The worker also
// polls GetStatus() every status_interval_s (requested from OnFrame, so a stalled pipeline
// polls nothing; the head's own continuous-move timeout then stops it). A status is stamped
// with the linkage clock when it arrives (one time base for frames, statuses and decisions).
// Driver errors are counted, never fatal: health is kDegraded with the last error's one-line
// message while the most recent driver call failed, kOk again after a success; selection and
// tracking go on. Searching: on losing the target (after hold_s) one AbsoluteMove to its last
// direction, zoomed out by search_zoom_out; after search_s one AbsoluteMove to home.
// Stop() (and the destructor) joins the worker and, if any command was sent, sends one Stop.
// Thread-safety: OnFrame() from one thread at a time; stats() and WaitIdle() from any thread.
// Failure: Create() returns the calibration file's error (NotFound / InvalidArgument, one line)
// and Validate()'s; the caller then runs without PTZ and the wide lens is unaffected.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analytics/geometry.h"
#include "core/bounded_queue.h"
#include "core/worker.h"
#include "edgesight/status.h"
#include "edgesight/time.h"
#include "edgesight/types.h"
#include "ptz/ptz_controller.h"
#include "ptz/ptz_driver.h"
#include "ptz/ray_calibration.h"
#include "ptz/target_selector.h"

namespace es {

// Flat options for the `ptz:` configuration section (key names as in YAML).
struct PtzLinkageOptions {
  std::string calibration_file;           // fitted JSON or points file (calibration_file.h)
  std::string controller = "predictive";  // predictive | proportional
  std::vector<int> class_priority;        // class ids (COCO), most wanted first; empty: any
  Polygon zone;                           // wide-image pixels; empty: the whole view
  std::string zone_mode = "only";         // only | prefer
  std::string rank = "largest";           // largest | longest_lived
  double switch_margin = 0.5;             // stickiness: a challenger must be this much better
  double switch_after_s = 1.0;            // ... for this long
  double hold_s = 0.5;                    // wait this long for a missing target
  double search_s = 5.0;                  // then search around its last direction this long
  double search_zoom_out = 2.0;           // zoom divided by this while searching (>= 1)
  double home_pan_deg = 0, home_tilt_deg = 0, home_zoom = 1;  // where the head rests
  double target_fill = 0.33;                                  // target height / PTZ frame height
  double ptz_hfov_deg = 60;        // PTZ horizontal field of view at zoom 1
  double ptz_aspect = 16.0 / 9.0;  // PTZ frame width / height
  double min_zoom = 1, max_zoom = 20;
  double zoom_hysteresis = 0.15;      // relative change needed to move the lens
  double command_latency_ms = 50;     // decision -> head motion, for the prediction
  double continuous_timeout_s = 1.0;  // ContinuousMove timeout (the head stops by itself)
  double status_interval_s = 0.1;     // GetStatus poll period

  // Ok, or InvalidArgument with one line naming the key: "ptz.controller: ...".
  Status Validate() const;
};

enum class PtzHealth { kOk, kDegraded };

struct PtzLinkageStats {
  PtzHealth health = PtzHealth::kOk;
  std::string last_error;  // one line; empty if none yet
  int driver_errors = 0;
  int commands_queued = 0, commands_sent = 0, commands_superseded = 0;
  int status_polls = 0;
  SelectorState selector = SelectorState::kIdle;
  int track_id = -1, handoffs = 0;
  nlohmann::json ToJson() const;
};

class PtzLinkage {
 public:
  using Clock = std::function<Timestamp()>;

  // Loads options.calibration_file; validates the options.
  static Result<std::unique_ptr<PtzLinkage>> Create(const PtzLinkageOptions& options,
                                                    std::shared_ptr<PtzDriver> driver,
                                                    Clock clock = SteadyNow);
  // Options must be valid (Validate()); the calibration is given directly.
  PtzLinkage(const PtzLinkageOptions& options, RayCalibration calibration,
             std::shared_ptr<PtzDriver> driver, Clock clock = SteadyNow);
  ~PtzLinkage();
  PtzLinkage(const PtzLinkage&) = delete;
  PtzLinkage& operator=(const PtzLinkage&) = delete;

  // One wide-lens frame: its confirmed tracks and capture time (same clock as `clock`).
  void OnFrame(const std::vector<TrackOutput>& tracks, Timestamp capture);
  // Waits (at most `timeout` of wall time) until the worker has nothing left to do.
  bool WaitIdle(Duration timeout);
  void Stop();
  PtzLinkageStats stats() const;

 private:
  // One mailbox item: what the worker has to do with the head.
  struct Job {
    std::optional<PtzCommand> command;
    bool want_status = false;
  };
  void Run();
  void Handle(const Job& job);
  void Record(const Status& s);  // mu_ held

  PtzLinkageOptions o_;
  std::shared_ptr<PtzDriver> driver_;
  Clock clock_;
  TargetSelector selector_;
  std::unique_ptr<PtzController> controller_;
  Timestamp last_status_request_;
  bool requested_status_ = false;

  mutable std::mutex mu_;
  bool stop_ = false;                // guarded by mu_
  std::optional<PtzStatus> status_;  // last status from the head; guarded by mu_
  PtzLinkageStats stats_;            // guarded by mu_
  BoundedQueue<Job> jobs_;
  Worker worker_;  // last: started after everything it uses exists
};

}  // namespace es
