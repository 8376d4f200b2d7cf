// KalmanFilter: ByteTrack's constant-velocity box filter, driven by elapsed time.
//
// State (8): cx, cy, a, h, vx, vy, va, vh; box centre (px), aspect ratio w/h, height (px) and
// their velocities PER SECOND. Measurement (4): cx, cy, a, h. The noise model is ByteTrack's
// (deep SORT's): standard deviations proportional to the box height h with weights
// std_weight_position (1/20) and std_weight_velocity (1/160), both defined per reference frame
// period T = 1 / reference_fps.
//
// Time scaling (the only change from the official per-frame filter):
//   * velocities are stored per second, so every velocity standard deviation of the official
//     filter (per frame) is multiplied by reference_fps;
//   * Predict(dt) uses F(dt) = [I, dt*I; 0, I];
//   * the process noise is Q(dt) = (dt / T) * Q_ref, where Q_ref is the official per-frame
//     diagonal noise (in per-second units): the variance a track accrues grows linearly with
//     elapsed time, like a random walk. At dt = T this is exactly the official filter (same
//     positions, velocities = official per-frame velocity * reference_fps). For dt = k*T it is
//     a close approximation of k chained official steps (it omits the small F-propagated cross
//     terms), which keeps the cost of one Predict independent of dt.
// Measurement noise is per observation and does not depend on time.
//
// Thread-safety: const methods on an immutable object; safe to share. Deterministic.
// Failure: none; dt <= 0 leaves the state untouched. Numerical issues cannot arise for h > 0.
#pragma once

#include <Eigen/Core>

namespace es {

struct KalmanOptions {
  double std_weight_position = 1.0 / 20.0;   // position std = weight * h (per frame period)
  double std_weight_velocity = 1.0 / 160.0;  // velocity std = weight * h (per frame period)
  double reference_fps = 30.0;               // the frame period the weights refer to
};

class KalmanFilter {
 public:
  using StateVec = Eigen::Matrix<double, 8, 1>;
  using StateCov = Eigen::Matrix<double, 8, 8>;
  using MeasVec = Eigen::Matrix<double, 4, 1>;
  using MeasCov = Eigen::Matrix<double, 4, 4>;

  struct State {
    StateVec mean = StateVec::Zero();
    StateCov cov = StateCov::Identity();
  };

  explicit KalmanFilter(KalmanOptions options = {});

  // A new track from an unassociated measurement (cx, cy, a, h); velocities 0.
  State Initiate(const MeasVec& xyah) const;
  // Advances the state by dt_s seconds (no-op for dt_s <= 0). process_scale multiplies the
  // process noise Q (1 = the model above; an adaptive caller tunes it to the data).
  void Predict(State& s, double dt_s, double process_scale = 1.0) const;
  // Mean and covariance of the state projected into measurement space (incl. its noise, times
  // noise_scale).
  void Project(const State& s, MeasVec* mean, MeasCov* cov, double noise_scale = 1.0) const;
  // Correction step with a measurement (cx, cy, a, h). noise_scale multiplies the measurement
  // noise covariance (1 = the official filter; NSA Kalman uses 1 - detection score); values
  // <= 0 or non-finite are treated as 1. Returns the normalised innovation squared
  // (innovation' S^-1 innovation; chi-square with 4 degrees of freedom when the noise model
  // fits the data).
  double Update(State& s, const MeasVec& xyah, double noise_scale = 1.0) const;

  const KalmanOptions& options() const { return options_; }

 private:
  KalmanOptions options_;
};

}  // namespace es
