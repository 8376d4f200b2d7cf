// Pipeline stages: small, thread-agnostic units with Process(). The Pipeline runtime owns the
// threads and queues and calls each stage from exactly one thread; a stage never spawns a thread
// or sleeps. Errors are returned as Status and stop the pipeline.
#pragma once

#include <memory>

#include "analytics/analyzer.h"
#include "detect/detector.h"
#include "detect/motion_gate.h"
#include "edgesight/status.h"
#include "pipeline/detection_client.h"
#include "pipeline/frame_packet.h"
#include "track/frame_tracker.h"

namespace es {

// Cascade: the detection interval (every Nth frame) and the client's period (a time) decide
// whether this frame may use the detector; then the motion gate decides whether anything moved;
// otherwise the packet is marked skipped and the tracker predicts.
// Live settings: the stage loads the camera's settings snapshot once per frame and applies a new
// one (gate, interval, and the client's period and priority) before deciding that frame.
class DetectStage {
 public:
  DetectStage(std::unique_ptr<DetectionClient> client,
              std::shared_ptr<const CameraSettingsSlot> settings);
  DetectStage(std::unique_ptr<DetectionClient> client, GateOptions gate, int interval);
  // A detector of the stage's own, no period (tests, benchmarks).
  DetectStage(std::unique_ptr<Detector> detector, GateOptions gate, int interval);
  Status Process(FramePacket* packet);
  std::string detector_name() const { return client_->name(); }

 private:
  void ApplySettings();

  std::unique_ptr<DetectionClient> client_;
  std::shared_ptr<const CameraSettingsSlot> settings_;
  std::shared_ptr<const CameraSettings> applied_;
  MotionGate gate_;
  std::string model_;  // of the latest detector run (frames without one keep it)
};

// ByteTrack on the packet's detections, or a prediction when detection was skipped, with the
// frame-based cues of track/frame_tracker.h (camera-motion compensation on by default). Time is the
// frame's presentation time, so results do not depend on how fast the machine is.
class TrackStage {
 public:
  explicit TrackStage(ByteTrackOptions options) : tracker_(options) {}
  Status Process(FramePacket* packet);

 private:
  FrameTracker tracker_;
};

// Zones, lines, loitering and track lifecycle events on the tracks of each frame.
class AnalyticsStage {
 public:
  explicit AnalyticsStage(Analyzer analyzer) : analyzer_(std::move(analyzer)) {}
  Status Process(FramePacket* packet);
  // Closes every open episode at end of stream (the events name the latest model).
  std::vector<Event> Finish() {
    std::vector<Event> events = analyzer_.Finish();
    for (Event& e : events) e.model = model_;
    return events;
  }

 private:
  Analyzer analyzer_;
  std::string model_;  // the latest packet's (FramePacket::model)
};

}  // namespace es
