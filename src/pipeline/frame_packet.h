// FramePacket: what travels between pipeline stages for one frame.
//
// Created by the capture loop, filled in by the detect stage (detections, whether the detector
// ran and why not), then by the track stage (tracks). Each stage records its own timing here so
// the summary can report per-stage latency and glass-to-decision latency per frame. Moved, never
// shared, between threads: one owner at a time.
#pragma once

#include <string>
#include <vector>

#include "analytics/event.h"
#include "edgesight/time.h"
#include "edgesight/types.h"

namespace es {

// kSkippedNoDetector: the detector was due but none answered (cloud-fallback without an answer).
enum class DetectDecision { kRan, kSkippedInterval, kSkippedNoMotion, kSkippedNoDetector };

const char* DetectDecisionName(DetectDecision d);

struct FramePacket {
  Frame frame;
  std::vector<Detection> detections;  // empty when the detector did not run
  std::vector<TrackOutput> tracks;    // confirmed tracks this frame
  std::vector<Event> events;          // analytics events decided on this frame
  // The last packet of a run carries the events that close open episodes (track end, zone
  // exit) and no image; sinks that draw frames skip it.
  bool end_of_stream = false;
  DetectDecision decision = DetectDecision::kRan;

  Duration decode_time;  // source Read()
  Duration gate_time;    // motion gate
  Duration detect_time;  // detector (0 when skipped)
  Duration detect_wait;  // waiting for this camera's turn on a shared detector
  Duration track_time;   // tracker update or predict
  // The camera's own motion since the previous frame as the tracker measured it (largest
  // corner displacement, pixels; track/camera_motion.h); -1 when not measured.
  double camera_motion_px = -1;
  std::string model;  // the model of this camera's latest detections (events carry it)
  Timestamp decided;  // steady time when tracks were ready (the decision)
};

}  // namespace es
