// OnvifSpaceMapping: converts between the controller's units (degrees, degrees per second,
// zoom magnification) and ONVIF's generic normalised spaces.
//
// ONVIF generic spaces are unit-less: pan/tilt positions, translations and velocities span
// -1..1 and zoom positions 0..1. What 1.0 means physically is the device's business, so the
// caller states it here, e.g. a 360° head: pan 1.0 = 180°, tilt 1.0 = 90°; a head whose
// fastest pan is 120°/s: pan velocity 1.0 = 120°/s. Zoom 0..1 maps linearly to magnification
// 1..max_zoom (the common convention; devices that map it otherwise need their own table).
// Contract: pure arithmetic; Validate() rejects non-positive or non-finite factors and
// max_zoom < 1 with kInvalidArgument naming the field. Thread-safety: a plain value.
#pragma once

#include <cmath>
#include <string>

#include "edgesight/status.h"

namespace es {

struct OnvifSpaceMapping {
  double pan_deg_per_unit = 180.0;  // generic pan position/translation 1.0 in degrees
  double tilt_deg_per_unit = 90.0;  // generic tilt position/translation 1.0 in degrees
  double pan_dps_per_unit = 120.0;  // generic pan velocity 1.0 in degrees per second
  double tilt_dps_per_unit = 90.0;  // generic tilt velocity 1.0 in degrees per second
  double max_zoom = 20.0;           // generic zoom 1.0 as magnification (0.0 = 1x)

  Status Validate() const {
    auto positive = [](double v) { return std::isfinite(v) && v > 0; };
    if (!positive(pan_deg_per_unit)) return InvalidArgument("pan_deg_per_unit must be > 0");
    if (!positive(tilt_deg_per_unit)) return InvalidArgument("tilt_deg_per_unit must be > 0");
    if (!positive(pan_dps_per_unit)) return InvalidArgument("pan_dps_per_unit must be > 0");
    if (!positive(tilt_dps_per_unit)) return InvalidArgument("tilt_dps_per_unit must be > 0");
    if (!std::isfinite(max_zoom) || max_zoom < 1) return InvalidArgument("max_zoom must be >= 1");
    return Status::Ok();
  }

  double PanToUnit(double deg) const { return deg / pan_deg_per_unit; }
  double UnitToPan(double u) const { return u * pan_deg_per_unit; }
  double TiltToUnit(double deg) const { return deg / tilt_deg_per_unit; }
  double UnitToTilt(double u) const { return u * tilt_deg_per_unit; }
  double PanSpeedToUnit(double dps) const { return dps / pan_dps_per_unit; }
  double UnitToPanSpeed(double u) const { return u * pan_dps_per_unit; }
  double TiltSpeedToUnit(double dps) const { return dps / tilt_dps_per_unit; }
  double UnitToTiltSpeed(double u) const { return u * tilt_dps_per_unit; }
  double ZoomToUnit(double magnification) const {
    return max_zoom > 1 ? (magnification - 1.0) / (max_zoom - 1.0) : 0.0;
  }
  double UnitToZoom(double u) const { return 1.0 + u * (max_zoom - 1.0); }
};

}  // namespace es
