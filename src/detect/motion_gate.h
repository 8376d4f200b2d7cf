// MotionGate: cascade stage 1. Background subtraction on a downscaled frame decides whether
// the detector runs at all. Not thread-safe (one gate per stream, used by the detect stage).
//
// Per frame: the frame is downscaled to options.width (aspect kept; never upscaled) and turned
// to luma; pixels whose difference to a running-average background exceeds
// sqrt(var_threshold) * 4 grey levels are foreground; the mask is opened with a 3x3 ellipse to
// drop isolated noise pixels, and the fraction of remaining foreground pixels is the motion
// fraction (the very first frame counts as all motion). ShouldDetect returns true when that fraction >= min_area, and also on the first
// frame, when the gate is disabled, or when keepalive_s of Timestamp time have passed since it
// last returned true (never frame counts). A timestamp earlier than the last "true" is treated
// as a clock discontinuity (new source) and returns true.
// Failure: an empty image returns false and changes nothing (unless the gate is disabled);
// an OpenCV exception while processing fails open (returns true, fraction 1).
#pragma once

#include <memory>

#include <opencv2/core.hpp>

#include "detect/detector_options.h"
#include "edgesight/time.h"

namespace es {

class MotionGate {
 public:
  explicit MotionGate(GateOptions options);
  ~MotionGate();
  MotionGate(const MotionGate&) = delete;
  MotionGate& operator=(const MotionGate&) = delete;
  // Feeds the frame to the background model; returns true if the detector should run: motion
  // above min_area, the gate is disabled, it is the first frame, or keepalive_s passed since the
  // detector last ran.
  bool ShouldDetect(const cv::Mat& bgr, Timestamp t);
  // Live settings: new options from the next frame on (a new width restarts the background
  // model; the keepalive clock is kept).
  void SetOptions(GateOptions options);
  // Fraction of changed pixels in the last frame (for metrics).
  float last_motion_fraction() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es
