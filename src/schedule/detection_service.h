// DetectionService: one detector (one model in memory) shared by every camera of the device,
// served in the order the DetectionScheduler decides (deadline, priority, starvation bound,
// shedding).
//
// Contract
// - AddCamera() before Start(): each camera gets a DetectionClient for its detect stage. A
//   camera given a detector of its own (stateful detectors such as motion blobs keep per-camera
//   background models) runs it on the service thread too, so every camera's detector time is
//   scheduled from the same budget; otherwise it shares the service's detector.
// - Client::Due(now) asks the scheduler whether the camera's period has elapsed.
//   Client::Detect() enqueues one request (one in flight per camera: the caller blocks, and
//   frames arriving meanwhile are dropped by the camera's drop-oldest queue, latest wins), and
//   returns when the service thread has run the detector on it.
// - Request timeout (Client(cam, timeout), timeout > 0; cloud-fallback uses it): the client
//   copies the frame into the request and gives up after `timeout` with kUnavailable ("did not
//   answer within"): a request still queued is withdrawn; one already running is abandoned (the
//   worker finishes on the copy and discards the result). While an abandoned run of a camera
//   still runs (a stuck detector), that camera's next requests fail at once with kUnavailable.
//   Without a timeout the caller waits as long as the run takes, and no frame is copied.
// - Live settings: UpdateCamera() (period, max period, priority; the camera's client calls it
//   from DetectionClient::Configure) and SetArmed() take effect for the next decision.
// - Workers: the service runs one thread per shared detector given (each its own instance of
//   the same model: one session each, so runs never share buffers). With k workers up to k
//   cameras are detected at once; the scheduler counts a run's device cost as its time / k.
//   A camera's own detector is used by one worker at a time (one request per camera).
// - Stop(): no new runs; waiting clients get kCancelled. Call it after every pipeline returned
//   (a graceful stop lets the detect stages finish their frames first).
// - Hot swap (model updates): ReplaceShared(next) hands each worker its new instance; a worker
//   takes it between two runs (never during one), so requests queue and no frame is lost or
//   run on a half-swapped model. Cameras with their own detector are not affected.
// - Shadow tap (model updates): SetTap(tap) calls tap(image, detections, run time) on the worker
//   thread after every successful run of the shared detector; it must be quick (copy what it
//   keeps and return). Null turns it off.
// - Failure: a detector error goes back to the camera whose frame it was; the service goes on.
// Thread-safety: every method is thread-safe; each detector runs on one service thread at a time.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics_registry.h"
#include "detect/detector.h"
#include "pipeline/detection_client.h"
#include "schedule/detection_scheduler.h"

namespace es {

// The scheduler's view of a camera's live settings (period, bound, priority).
CameraSchedule ScheduleOf(const CameraSettings& settings);

class DetectionService {
 public:
  // `shared` may be null when every camera brings its own detector.
  DetectionService(std::unique_ptr<Detector> shared, SchedulerOptions options = {});
  // One worker per detector in `workers` (instances of one model; at least one, null allowed
  // only as the single entry when every camera brings its own detector).
  DetectionService(std::vector<std::unique_ptr<Detector>> workers, SchedulerOptions options);
  ~DetectionService();
  DetectionService(const DetectionService&) = delete;
  DetectionService& operator=(const DetectionService&) = delete;

  int AddCamera(std::string id, CameraSchedule schedule, std::unique_ptr<Detector> own = nullptr);
  std::unique_ptr<DetectionClient> Client(int cam, Duration timeout = {});
  void Start();
  void Stop();

  void UpdateCamera(int cam, CameraSchedule schedule);
  void SetArmed(int cam, bool armed);
  CameraScheduleStats stats(int cam) const;
  // One instance per worker (same count as the workers; see Hot swap above). `model` is the id
  // the answers of the new instances carry (DetectionResult::model; "" = their name()).
  Status ReplaceShared(std::vector<std::unique_ptr<Detector>> next, std::string model = "");
  // The id the shared detector's answers carry from now on ("" = the detector's name()).
  void SetModelId(std::string model);
  using Tap = std::function<void(const cv::Mat&, const std::vector<Detection>&, Duration)>;
  void SetTap(Tap tap);
  // The shared detector's name (the model in use now).
  std::string shared_name() const;
  // The id the shared detector's answers carry now (SetModelId / ReplaceShared's model).
  std::string model_id() const;
  size_t workers() const { return shared_.size(); }
  // How long the oldest request not yet answered has waited at `now` (steady clock); zero when
  // none waits. A detector that hangs shows here (/readyz).
  Duration OldestWait(Timestamp now) const;
  // Live figures on `metrics`, per camera added so far: achieved and effective detection
  // period, runs, shed and starved counts; and the oldest wait. The callbacks read this
  // service: stop every reader of `metrics` before destroying it.
  void RegisterMetrics(MetricsRegistry* metrics);

 private:
  class CameraClient;
  struct Camera {
    std::string id;
    std::unique_ptr<Detector> own;
    const cv::Mat* image = nullptr;  // the request in flight (the client blocks)
    Timestamp enqueued;
    bool running = false;  // a worker reads `image` now
    bool done = false;
    cv::Mat owned;           // the request's copy of the frame (with a timeout)
    bool abandoned = false;  // the requester gave up on the running request
    std::optional<Result<DetectionResult>> result;
  };
  Detector* DetectorOf(int cam, size_t worker = 0);
  Result<DetectionResult> Request(int cam, const cv::Mat& image, Timestamp now, Duration timeout);
  void Loop(size_t worker);

  std::vector<std::unique_ptr<Detector>> shared_;   // one per worker
  std::vector<std::unique_ptr<Detector>> pending_;  // per worker: its next instance (swap)
  std::vector<std::string> ids_;                    // per worker: its answers' model id
  std::vector<std::string> pending_ids_;
  std::shared_ptr<const Tap> tap_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  DetectionScheduler scheduler_;
  std::vector<Camera> cameras_;
  bool stop_ = false;
  bool started_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace es
