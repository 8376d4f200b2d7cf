#include "pipeline/stages.h"

namespace es {

const char* DetectDecisionName(DetectDecision d) {
  switch (d) {
    case DetectDecision::kRan:
      return "ran";
    case DetectDecision::kSkippedInterval:
      return "interval";
    case DetectDecision::kSkippedNoMotion:
      return "no_motion";
  }
  return "unknown";
}

DetectStage::DetectStage(std::unique_ptr<Detector> detector, GateOptions gate, int interval)
    : detector_(std::move(detector)),
      gate_(gate),
      gate_enabled_(gate.enabled),
      interval_(interval < 1 ? 1 : interval) {}

Status DetectStage::Process(FramePacket* p) {
  const Timestamp media = Timestamp::Micros(p->frame.meta.pts_us);
  if (p->frame.meta.seq % interval_ != 0) {
    p->decision = DetectDecision::kSkippedInterval;
    return Status::Ok();
  }
  const Timestamp g0 = SteadyNow();
  const bool motion = gate_.ShouldDetect(p->frame.image, media);
  p->gate_time = SteadyNow() - g0;
  if (gate_enabled_ && !motion) {
    p->decision = DetectDecision::kSkippedNoMotion;
    return Status::Ok();
  }
  const Timestamp d0 = SteadyNow();
  auto dets = detector_->Detect(p->frame.image);
  p->detect_time = SteadyNow() - d0;
  if (!dets.ok()) return dets.status().WithContext("detector " + detector_->name());
  p->detections = std::move(dets).value();
  p->decision = DetectDecision::kRan;
  return Status::Ok();
}

Status TrackStage::Process(FramePacket* p) {
  const Timestamp media = Timestamp::Micros(p->frame.meta.pts_us);
  const Timestamp t0 = SteadyNow();
  if (p->decision == DetectDecision::kRan) {
    p->tracks = tracker_.Update(p->detections, media);
  } else {
    p->tracks = tracker_.Predict(media);
  }
  p->decided = SteadyNow();
  p->track_time = p->decided - t0;
  return Status::Ok();
}

Status AnalyticsStage::Process(FramePacket* p) {
  p->events = analyzer_.Update(p->tracks, Timestamp::Micros(p->frame.meta.pts_us), p->frame.meta);
  return Status::Ok();
}

}  // namespace es
