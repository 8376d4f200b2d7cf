// DetectionClient: how one camera's detect stage gets detections.
//
// Contract
// - Due(now) says whether the detector should run for the frame at hand, decided at `now`
//   (steady clock, the same clock as the runs' start times): the camera's detection period, a
//   time, has elapsed since its last run started. When it says no, the frame goes on as
//   "predict only" and the tracker covers it. (Not the capture time: a frame queued while the
//   previous one was detected was captured before that run started.)
// - Detect(image, now) runs the detector on the image, possibly after waiting for this
//   camera's turn on a detector shared by several cameras (schedule/detection_service.h). The
//   image must stay valid until Detect returns (the caller blocks). `run` is the detector's own
//   time, `wait` the time spent waiting for the turn.
// - Configure(settings) applies live settings (camera_settings.h) before the next Due().
// - Errors: a detector failure is returned as the Status; kCancelled when the service stopped.
//   A client that has a way around a failing detector (schedule/fallback_client.h) instead
//   answers with source kNone: no detector answered this frame, and the tracker predicts.
// Thread-safety: one client per camera, used from that camera's detect thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "edgesight/status.h"
#include "edgesight/time.h"
#include "edgesight/types.h"
#include "pipeline/camera_settings.h"

namespace es {

// Who answered: the device's own detector, edgesight-backend (cloud-fallback), or nobody.
enum class DetectionSource { kLocal, kBackend, kNone };

struct DetectionResult {
  std::vector<Detection> detections;
  Duration run;   // the detector itself (for kBackend: the round trip)
  Duration wait;  // queued behind other cameras
  DetectionSource source = DetectionSource::kLocal;
  std::string model;  // the model that answered (its id: events name it); "" = unknown
};

class DetectionClient {
 public:
  virtual ~DetectionClient() = default;
  virtual bool Due(Timestamp now) = 0;
  virtual Result<DetectionResult> Detect(const cv::Mat& image, Timestamp now) = 0;
  virtual std::string name() const = 0;
  // Live settings (camera_settings.h): the period, its bound and the priority changed.
  virtual void Configure(const CameraSettings& settings) {}
};

// A detector of this camera's own, run on every frame offered (no period, no sharing).
std::unique_ptr<DetectionClient> MakeDirectClient(std::unique_ptr<Detector> detector);

}  // namespace es
