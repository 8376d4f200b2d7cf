// FallbackClient: a camera's detection client that falls back to edgesight-backend
// (cloud-fallback) while the camera's own detector cannot run, and switches back when it can.
//
// Contract
// - Wraps the camera's local client (normally the shared DetectionService's, built with a
//   request timeout of stall_s so a stuck detector answers kUnavailable instead of blocking)
//   and a Remote function (normally RemoteDetector::Detect over MQTT).
// - Local mode (the start): Due/Detect are the local client's. A failed local detection (any
//   error but kCancelled) is a failure; fewer than switch_after in a row: the frame is answered
//   with source kNone (the tracker predicts; the camera never stops for a detector error).
//   The switch_after-th consecutive failure switches the camera to backend mode (one log line
//   naming the error) and that frame already goes to the backend.
// - Backend mode: Due(now) is true from a quarter period before the next due time on a grid of
//   1/max_fps (a time, like the local period; a frame sent more than half a period late
//   restarts the grid, so the long-run rate never exceeds max_fps), or when a probe is due. Detect
//   sends the frame (Remote); its detections come back as source kBackend with run = the round
//   trip; no answer (timeout, no broker, a backend error) is source kNone. Every probe_s the local
//   detector is tried first on the frame at hand: when it answers, the camera is back in local mode
//   (one log line) and that answer is used.
// - Metrics (FallbackMetrics, on the device's registry, label camera): mode gauge (0 local,
//   1 backend), switches per direction, backend frames answered and unanswered, round trip
//   histogram (the latency that fallback adds is visible there), local failures.
// - Shed (fallback.on_shed): while the shed signal is set (the governor sets it while the
//   camera is at its top level; read in Due()), the camera sends frames to the backend as in
//   backend mode, without probing (the local detector is not failing); a frame the backend does not
//   answer goes to the local detector when the camera's (shed) period is due, so a shed camera
//   with a dead link is never worse off than without fallback. When the shedding ends the camera
//   is local again at once. One log line each way.
// - kCancelled from the local client (service stopping) is returned as is.
// Thread-safety: like every DetectionClient, one camera's detect thread; the metrics are atomic.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics_registry.h"
#include "detect/fallback_options.h"
#include "pipeline/detection_client.h"

namespace es {

// Metrics of one camera's fallback; pointers into the registry (which outlives the client).
struct FallbackMetrics {
  Gauge* mode = nullptr;  // 0 local, 1 backend (local detector failed), 2 backend (shed)
  Counter* to_backend = nullptr;
  Counter* to_local = nullptr;
  Counter* backend_answered = nullptr;
  Counter* backend_unanswered = nullptr;
  Counter* local_failures = nullptr;
  Counter* bytes_sent = nullptr;    // frame payload bytes sent to the backend (the caller's link)
  Histogram* round_trip = nullptr;  // seconds
  static FallbackMetrics Register(MetricsRegistry* registry, const std::string& camera);
};

// The backend's detections for one frame (source pixels) and the round trip.
struct RemoteDetections {
  std::vector<Detection> detections;
  Duration round_trip;
  std::string model;  // the backend's model id
};
using RemoteDetectFn = std::function<Result<RemoteDetections>(const cv::Mat& bgr, Timestamp now)>;

class FallbackClient final : public DetectionClient {
 public:
  // `log` gets one line per switch (may be empty). `shed`: the governor's signal for this
  // camera (may be null; ignored unless options.on_shed).
  FallbackClient(std::unique_ptr<DetectionClient> local, RemoteDetectFn remote,
                 FallbackOptions options, std::string camera, FallbackMetrics metrics,
                 std::function<void(const std::string&)> log = {},
                 std::shared_ptr<const std::atomic<bool>> shed = nullptr);

  bool Due(Timestamp now) override;
  Result<DetectionResult> Detect(const cv::Mat& image, Timestamp now) override;
  std::string name() const override;
  void Configure(const CameraSettings& settings) override { local_->Configure(settings); }

  // On the backend because the local detector failed / because the governor sheds the camera.
  bool on_backend() const { return backend_; }
  bool shed() const { return shed_; }

 private:
  Result<DetectionResult> DetectRemote(const cv::Mat& image, Timestamp now);
  void SwitchToBackend(const Status& why, Timestamp now);
  void SwitchToLocal();
  void UpdateMode();
  void PollShed();
  bool ProbeDue(Timestamp now) const { return now >= next_probe_; }

  std::unique_ptr<DetectionClient> local_;
  RemoteDetectFn remote_;
  FallbackOptions o_;
  std::string camera_;
  FallbackMetrics m_;
  std::function<void(const std::string&)> log_;
  std::shared_ptr<const std::atomic<bool>> shed_signal_;
  bool backend_ = false;
  bool shed_ = false;
  int failures_ = 0;  // consecutive local failures
  bool sent_ = false;
  Timestamp next_send_;  // the grid's next due time
  Timestamp next_probe_;
};

}  // namespace es
