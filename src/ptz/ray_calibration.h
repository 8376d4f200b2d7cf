// RayCalibration: maps a wide-lens pixel to the PTZ camera's pan/tilt (degrees) with a ray model.
//
// Model: pinhole intrinsics of the wide lens (fx = fy = f, principal point cx, cy) with an
// optional one-term radial distortion k1 (x_d = x_u * (1 + k1 * r_u^2) in normalized
// coordinates); the undistorted ray (x_u, y_u, 1) (x right, y down, z forward) is rotated by R
// into the PTZ base frame (the PTZ's frame at pan = tilt = 0), and
//   pan = atan2(x, z), tilt = atan2(-y, hypot(x, z))   (tilt positive up).
// FitCalibration() estimates R and f (and k1 if asked) from >= 4 pixel -> pan/tilt
// correspondences: Wahba/SVD initialisation over a grid of focal lengths, then
// Levenberg-Marquardt on (rotation increment, log f[, k1]) minimising the angular residuals.
// Thread-safety: RayCalibration is an immutable value after construction; safe to share.
// Failure: FitCalibration returns InvalidArgument for fewer than 4 points, non-finite values,
// duplicate pixels, pixels that are (nearly) collinear, or a fit that does not converge to a
// finite solution.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct PanTilt {
  double pan_deg = 0;
  double tilt_deg = 0;
};

struct RayCalibration {
  double width = 1920, height = 1080;               // wide image size, pixels
  double f = 960;                                   // focal length, pixels
  double cx = 960, cy = 540;                        // principal point, pixels
  double k1 = 0;                                    // radial distortion (normalized coordinates)
  Eigen::Matrix3d R = Eigen::Matrix3d::Identity();  // wide camera frame -> PTZ base frame

  // Unit ray of pixel (u, v) in the PTZ base frame.
  Eigen::Vector3d PixelToRay(double u, double v) const;
  PanTilt PixelToPanTilt(double u, double v) const;
};

// Unit direction of (pan, tilt) in the PTZ base frame (the inverse of the atan2 mapping).
Eigen::Vector3d PanTiltToRay(double pan_deg, double tilt_deg);
PanTilt RayToPanTilt(const Eigen::Vector3d& ray);
// Angle between two directions, degrees.
double AngleBetweenDeg(const Eigen::Vector3d& a, const Eigen::Vector3d& b);

struct CalibrationPoint {
  double u = 0, v = 0;               // wide-lens pixel
  double pan_deg = 0, tilt_deg = 0;  // PTZ position that centres that pixel
};

struct CalibrationFitOptions {
  double width = 1920, height = 1080;  // wide image size; the principal point is its centre
  double k1 = 0;                       // fixed distortion, or the initial value if fit_k1
  bool fit_k1 = false;
  double min_hfov_deg = 30, max_hfov_deg = 150;  // focal search range for the initialisation
  int max_iterations = 100;
  double min_point_distance_px = 2.0;  // closer pixel pairs are duplicates
  double min_spread_px = 10.0;         // the smaller principal std of the pixels must exceed this
};

struct CalibrationFit {
  RayCalibration calibration;
  double rms_deg = 0;  // RMS angular residual (pan*cos(tilt), tilt) over the points
  double max_deg = 0;  // largest per-point angular residual
  int iterations = 0;
};

Result<CalibrationFit> FitCalibration(const std::vector<CalibrationPoint>& points,
                                      const CalibrationFitOptions& options = {});

}  // namespace es
