#include "track/kalman_filter.h"

#include <Eigen/LU>
#include <cmath>

namespace es {

namespace {
inline double Sq(double v) { return v * v; }
}  // namespace

KalmanFilter::KalmanFilter(KalmanOptions options) : options_(options) {}

KalmanFilter::State KalmanFilter::Initiate(const MeasVec& xyah) const {
  const double h = xyah(3);
  const double fps = options_.reference_fps;
  const double sp = options_.std_weight_position * h;
  const double sv = options_.std_weight_velocity * h * fps;  // per second
  State s;
  s.mean.head<4>() = xyah;
  s.mean.tail<4>().setZero();
  StateVec std;
  std << 2 * sp, 2 * sp, 1e-2, 2 * sp, 10 * sv, 10 * sv, 1e-5 * fps, 10 * sv;
  s.cov = std.array().square().matrix().asDiagonal();
  return s;
}

void KalmanFilter::Predict(State& s, double dt_s, double process_scale) const {
  if (!(dt_s > 0.0)) return;
  const double fps = options_.reference_fps;
  const double h = s.mean(3);
  const double sp = options_.std_weight_position * h;
  const double sv = options_.std_weight_velocity * h * fps;
  StateVec q;  // per reference period, per-second velocity units
  q << Sq(sp), Sq(sp), Sq(1e-2), Sq(sp), Sq(sv), Sq(sv), Sq(1e-5 * fps), Sq(sv);
  q *= dt_s * fps * process_scale;  // variance accrues linearly with time: (dt / T) * Q_ref

  // mean = F mean; cov = F cov F^T + Q with F = [I dt*I; 0 I], written blockwise.
  s.mean.head<4>() += dt_s * s.mean.tail<4>();
  const Eigen::Matrix4d p11 = s.cov.topLeftCorner<4, 4>();
  const Eigen::Matrix4d p12 = s.cov.topRightCorner<4, 4>();
  const Eigen::Matrix4d p21 = s.cov.bottomLeftCorner<4, 4>();
  const Eigen::Matrix4d p22 = s.cov.bottomRightCorner<4, 4>();
  s.cov.topLeftCorner<4, 4>() = p11 + dt_s * (p12 + p21) + dt_s * dt_s * p22;
  s.cov.topRightCorner<4, 4>() = p12 + dt_s * p22;
  s.cov.bottomLeftCorner<4, 4>() = p21 + dt_s * p22;
  s.cov.diagonal() += q;
}

void KalmanFilter::Project(const State& s, MeasVec* mean, MeasCov* cov, double noise_scale) const {
  if (!(noise_scale > 0.0) || !std::isfinite(noise_scale)) noise_scale = 1.0;
  const double sp = options_.std_weight_position * s.mean(3);
  MeasVec r;
  r << Sq(sp), Sq(sp), Sq(1e-1), Sq(sp);
  r *= noise_scale;
  *mean = s.mean.head<4>();
  *cov = s.cov.topLeftCorner<4, 4>();
  cov->diagonal() += r;
}

double KalmanFilter::Update(State& s, const MeasVec& xyah, double noise_scale) const {
  MeasVec proj_mean;
  MeasCov proj_cov;
  Project(s, &proj_mean, &proj_cov, noise_scale);
  // K = P H^T S^-1; with H = [I 0], P H^T is the left 8x4 block of P.
  // S is 4x4 symmetric positive definite: Eigen's closed-form 4x4 inverse is several times
  // cheaper than a Cholesky solve here, and lazyProduct avoids the general product kernel.
  const Eigen::Matrix<double, 8, 4> pht = s.cov.leftCols<4>();
  const MeasCov s_inv = proj_cov.inverse();
  const Eigen::Matrix<double, 8, 4> gain = pht.lazyProduct(s_inv);
  const MeasVec innovation = xyah - proj_mean;
  s.mean += gain.lazyProduct(innovation);
  s.cov -= gain.lazyProduct(pht.transpose());
  return innovation.dot(s_inv.lazyProduct(innovation));
}

}  // namespace es
