// Zoom selection: field of view from magnification, and a zoom that makes the target's angular
// height fill a configured fraction of the PTZ frame, with hysteresis.
//
// hfov(zoom) = 2 * atan(tan(hfov_wide / 2) / zoom); vfov likewise from the frame aspect.
// ZoomSelector::Update() returns the zoom to command: the desired zoom (clamped to
// [min_zoom, max_zoom]) only when it differs from the current choice by more than
// `hysteresis` (relative), else the current choice, so small size changes never move the lens.
// Thread-safety: not thread-safe (holds the current choice). Failure: non-positive or
// non-finite angular heights leave the choice unchanged.
#pragma once

namespace es {

struct ZoomOptions {
  double hfov_wide_deg = 60.0;  // PTZ horizontal field of view at zoom 1
  double aspect = 16.0 / 9.0;   // PTZ frame width / height
  double min_zoom = 1.0;
  double max_zoom = 20.0;
  double target_fill = 0.33;  // desired target height / frame height
  double hysteresis = 0.15;   // change only when desired differs by more than this (relative)
};

double HfovAtZoomDeg(const ZoomOptions& o, double zoom);
double VfovAtZoomDeg(const ZoomOptions& o, double zoom);
// Zoom (unclamped) at which a target of `angular_height_deg` fills target_fill of the frame.
double DesiredZoom(const ZoomOptions& o, double angular_height_deg);

class ZoomSelector {
 public:
  explicit ZoomSelector(ZoomOptions options = {}) : options_(options), zoom_(options.min_zoom) {}
  double Update(double angular_height_deg);
  double zoom() const { return zoom_; }
  void Reset() { zoom_ = options_.min_zoom; }
  const ZoomOptions& options() const { return options_; }

 private:
  ZoomOptions options_;
  double zoom_;
};

}  // namespace es
