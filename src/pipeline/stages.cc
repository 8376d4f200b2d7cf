#include "pipeline/stages.h"

#include <algorithm>

namespace es {

const char* DetectDecisionName(DetectDecision d) {
  switch (d) {
    case DetectDecision::kRan:
      return "ran";
    case DetectDecision::kSkippedInterval:
      return "interval";
    case DetectDecision::kSkippedNoMotion:
      return "no_motion";
    case DetectDecision::kSkippedNoDetector:
      return "no_detector";
  }
  return "unknown";
}

namespace {

class DirectClient final : public DetectionClient {
 public:
  explicit DirectClient(std::unique_ptr<Detector> d) : detector_(std::move(d)) {}
  bool Due(Timestamp) override { return true; }
  Result<DetectionResult> Detect(const cv::Mat& image, Timestamp) override {
    const Timestamp t0 = SteadyNow();
    auto dets = detector_->Detect(image);
    if (!dets.ok()) return dets.status();
    DetectionResult r{std::move(dets).value(), SteadyNow() - t0, Duration{}};
    r.model = detector_->name();
    return r;
  }
  std::string name() const override { return detector_->name(); }

 private:
  std::unique_ptr<Detector> detector_;
};

}  // namespace

std::unique_ptr<DetectionClient> MakeDirectClient(std::unique_ptr<Detector> detector) {
  return std::make_unique<DirectClient>(std::move(detector));
}

DetectStage::DetectStage(std::unique_ptr<DetectionClient> client,
                         std::shared_ptr<const CameraSettingsSlot> settings)
    : client_(std::move(client)),
      settings_(std::move(settings)),
      applied_(settings_->Load()),
      gate_(applied_->gate) {}

DetectStage::DetectStage(std::unique_ptr<DetectionClient> client, GateOptions gate, int interval)
    : DetectStage(std::move(client),
                  std::make_shared<CameraSettingsSlot>(CameraSettings{gate, interval})) {}

DetectStage::DetectStage(std::unique_ptr<Detector> detector, GateOptions gate, int interval)
    : DetectStage(MakeDirectClient(std::move(detector)), gate, interval) {}

void DetectStage::ApplySettings() {
  std::shared_ptr<const CameraSettings> now = settings_->Load();
  if (now == applied_) return;
  applied_ = std::move(now);
  gate_.SetOptions(applied_->gate);
  client_->Configure(*applied_);
}

Status DetectStage::Process(FramePacket* p) {
  p->model = model_;
  ApplySettings();
  const Timestamp media = Timestamp::Micros(p->frame.meta.pts_us);
  const int64_t interval = std::max(1, applied_->detect_interval);
  if (p->frame.meta.seq % interval != 0 || !client_->Due(SteadyNow())) {
    p->decision = DetectDecision::kSkippedInterval;
    return Status::Ok();
  }
  const Timestamp g0 = SteadyNow();
  const bool motion = gate_.ShouldDetect(p->frame.image, media);
  p->gate_time = SteadyNow() - g0;
  if (applied_->gate.enabled && !motion) {
    p->decision = DetectDecision::kSkippedNoMotion;
    return Status::Ok();
  }
  auto r = client_->Detect(p->frame.image, SteadyNow());
  if (!r.ok()) return r.status().WithContext("detector " + client_->name());
  if (r->source == DetectionSource::kNone) {
    p->decision = DetectDecision::kSkippedNoDetector;
    return Status::Ok();
  }
  if (!r->model.empty()) model_ = r->model;
  p->model = model_;  // frames that skip the detector keep the latest model (set above)
  p->detect_time = r->run;
  p->detect_wait = r->wait;
  p->detections = std::move(r->detections);
  p->decision = DetectDecision::kRan;
  return Status::Ok();
}

Status TrackStage::Process(FramePacket* p) {
  const Timestamp media = Timestamp::Micros(p->frame.meta.pts_us);
  const Timestamp t0 = SteadyNow();
  if (p->decision == DetectDecision::kRan) {
    p->tracks = tracker_.Update(p->frame.image, p->detections, media);
  } else {
    p->tracks = tracker_.Predict(p->frame.image, media);
  }
  p->camera_motion_px = tracker_.last_motion_px();
  p->decided = SteadyNow();
  p->track_time = p->decided - t0;
  return Status::Ok();
}

Status AnalyticsStage::Process(FramePacket* p) {
  p->events = analyzer_.Update(p->tracks, Timestamp::Micros(p->frame.meta.pts_us), p->frame.meta);
  if (!p->model.empty()) model_ = p->model;
  for (Event& e : p->events) e.model = model_;
  return Status::Ok();
}

}  // namespace es
