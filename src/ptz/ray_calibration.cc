#include "ptz/ray_calibration.h"

#include <Eigen/Dense>
#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <string>

namespace es {
namespace {

constexpr double kDeg = 180.0 / M_PI;
constexpr double kRad = M_PI / 180.0;

Eigen::Vector3d UndistortedRay(double u, double v, double f, double cx, double cy, double k1) {
  const double xd = (u - cx) / f, yd = (v - cy) / f;
  double xu = xd, yu = yd;
  if (k1 != 0) {
    for (int i = 0; i < 20; ++i) {
      const double s = 1.0 + k1 * (xu * xu + yu * yu);
      if (std::abs(s) < 1e-6) break;
      xu = xd / s;
      yu = yd / s;
    }
  }
  return Eigen::Vector3d(xu, yu, 1.0).normalized();
}

Eigen::Matrix3d Wahba(const std::vector<Eigen::Vector3d>& a,
                      const std::vector<Eigen::Vector3d>& b) {
  Eigen::Matrix3d h = Eigen::Matrix3d::Zero();
  for (size_t i = 0; i < a.size(); ++i) h += b[i] * a[i].transpose();
  Eigen::JacobiSVD<Eigen::Matrix3d> svd(h, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix3d d = Eigen::Matrix3d::Identity();
  d(2, 2) = (svd.matrixU() * svd.matrixV().transpose()).determinant() < 0 ? -1.0 : 1.0;
  return svd.matrixU() * d * svd.matrixV().transpose();
}

// Residuals (degrees): pan difference scaled by cos(tilt) and tilt difference, per point.
Eigen::VectorXd Residuals(const RayCalibration& c, const std::vector<CalibrationPoint>& pts) {
  Eigen::VectorXd r(2 * pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    const PanTilt pt = c.PixelToPanTilt(pts[i].u, pts[i].v);
    double dp = std::remainder(pt.pan_deg - pts[i].pan_deg, 360.0);
    r(2 * i) = dp * std::cos(pts[i].tilt_deg * kRad);
    r(2 * i + 1) = pt.tilt_deg - pts[i].tilt_deg;
  }
  return r;
}

// Parameters: (rx, ry, rz) rotation increment applied on the left of base_R, log f, [k1].
RayCalibration Apply(const RayCalibration& base, const Eigen::VectorXd& p) {
  RayCalibration c = base;
  const Eigen::Vector3d w = p.head<3>();
  const double angle = w.norm();
  if (angle > 0) c.R = Eigen::AngleAxisd(angle, w / angle).toRotationMatrix() * base.R;
  c.f = base.f * std::exp(p(3));
  if (p.size() > 4) c.k1 = base.k1 + p(4);
  return c;
}

Status CheckPoints(const std::vector<CalibrationPoint>& pts, const CalibrationFitOptions& o) {
  if (pts.size() < 4) {
    return InvalidArgument("calibration needs at least 4 points, got " +
                           std::to_string(pts.size()));
  }
  for (size_t i = 0; i < pts.size(); ++i) {
    const auto& p = pts[i];
    if (!std::isfinite(p.u) || !std::isfinite(p.v) || !std::isfinite(p.pan_deg) ||
        !std::isfinite(p.tilt_deg) || std::abs(p.tilt_deg) >= 90.0) {
      return InvalidArgument("calibration point " + std::to_string(i) + " is not finite/valid");
    }
    for (size_t j = 0; j < i; ++j) {
      if (std::hypot(p.u - pts[j].u, p.v - pts[j].v) < o.min_point_distance_px) {
        return InvalidArgument("calibration points " + std::to_string(j) + " and " +
                               std::to_string(i) + " are duplicates");
      }
    }
  }
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();
  for (const auto& p : pts) mean += Eigen::Vector2d(p.u, p.v);
  mean /= static_cast<double>(pts.size());
  Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
  for (const auto& p : pts) {
    const Eigen::Vector2d d = Eigen::Vector2d(p.u, p.v) - mean;
    cov += d * d.transpose();
  }
  cov /= static_cast<double>(pts.size());
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> es(cov);
  const double minor_std = std::sqrt(std::max(0.0, es.eigenvalues()(0)));
  if (minor_std < o.min_spread_px) {
    return InvalidArgument("calibration points are (nearly) collinear: spread " +
                           std::to_string(minor_std) + " px across their line, need " +
                           std::to_string(o.min_spread_px));
  }
  return Status::Ok();
}

}  // namespace

Eigen::Vector3d RayCalibration::PixelToRay(double u, double v) const {
  return R * UndistortedRay(u, v, f, cx, cy, k1);
}

PanTilt RayCalibration::PixelToPanTilt(double u, double v) const {
  return RayToPanTilt(PixelToRay(u, v));
}

Eigen::Vector3d PanTiltToRay(double pan_deg, double tilt_deg) {
  const double p = pan_deg * kRad, t = tilt_deg * kRad;
  return {std::cos(t) * std::sin(p), -std::sin(t), std::cos(t) * std::cos(p)};
}

PanTilt RayToPanTilt(const Eigen::Vector3d& r) {
  return {std::atan2(r.x(), r.z()) * kDeg, std::atan2(-r.y(), std::hypot(r.x(), r.z())) * kDeg};
}

double AngleBetweenDeg(const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
  return std::atan2(a.cross(b).norm(), a.dot(b)) * kDeg;
}

Result<CalibrationFit> FitCalibration(const std::vector<CalibrationPoint>& points,
                                      const CalibrationFitOptions& options) {
  ES_RETURN_IF_ERROR(CheckPoints(points, options));
  RayCalibration base;
  base.width = options.width;
  base.height = options.height;
  base.cx = options.width / 2;
  base.cy = options.height / 2;
  base.k1 = options.k1;

  std::vector<Eigen::Vector3d> targets;
  for (const auto& p : points) targets.push_back(PanTiltToRay(p.pan_deg, p.tilt_deg));
  // Initialisation: Wahba rotation for each focal length on a grid of fields of view.
  double best_cost = INFINITY;
  for (double hfov = options.min_hfov_deg; hfov <= options.max_hfov_deg; hfov += 2.0) {
    RayCalibration c = base;
    c.f = (options.width / 2) / std::tan(hfov * kRad / 2);
    std::vector<Eigen::Vector3d> rays;
    for (const auto& p : points) rays.push_back(UndistortedRay(p.u, p.v, c.f, c.cx, c.cy, c.k1));
    c.R = Wahba(rays, targets);
    const double cost = Residuals(c, points).squaredNorm();
    if (cost < best_cost) {
      best_cost = cost;
      base = c;
    }
  }
  // Levenberg-Marquardt with a forward-difference Jacobian.
  const int np = options.fit_k1 ? 5 : 4;
  double lambda = 1e-3;
  Eigen::VectorXd r = Residuals(base, points);
  double cost = r.squaredNorm();
  int it = 0;
  bool converged = false;
  for (; it < options.max_iterations && !converged; ++it) {
    Eigen::MatrixXd j(r.size(), np);
    for (int k = 0; k < np; ++k) {
      Eigen::VectorXd dp = Eigen::VectorXd::Zero(np);
      const double h = 1e-7;
      dp(k) = h;
      j.col(k) = (Residuals(Apply(base, dp), points) - r) / h;
    }
    const Eigen::MatrixXd jtj = j.transpose() * j;
    const Eigen::VectorXd g = j.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 10 && !improved; ++tries) {
      Eigen::MatrixXd a = jtj;
      a.diagonal() += lambda * (jtj.diagonal().array() + 1e-9).matrix();
      const Eigen::VectorXd step = a.ldlt().solve(-g);
      if (!step.allFinite()) break;
      const RayCalibration cand = Apply(base, step);
      const Eigen::VectorXd rc = Residuals(cand, points);
      const double cc = rc.squaredNorm();
      if (std::isfinite(cc) && cc < cost && cand.f > 0) {
        converged = cost - cc < 1e-14 * (1 + cost);
        base = cand;
        r = rc;
        cost = cc;
        lambda = std::max(lambda / 10, 1e-12);
        improved = true;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  if (!std::isfinite(cost) || !(base.f > 0)) {
    return InvalidArgument("calibration fit did not converge");
  }
  CalibrationFit fit;
  fit.calibration = base;
  fit.iterations = it;
  double sum = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const double e = AngleBetweenDeg(base.PixelToRay(points[i].u, points[i].v), targets[i]);
    sum += e * e;
    fit.max_deg = std::max(fit.max_deg, e);
  }
  fit.rms_deg = std::sqrt(sum / static_cast<double>(points.size()));
  return fit;
}

}  // namespace es
