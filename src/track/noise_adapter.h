// NoiseAdapter: the Kalman filter's noise scales, estimated from the data a tracker sees instead
// of fixed by hand (tracker option adaptive_noise; docs/tracking.md measures it).
//
// Measurement noise R: detector jitter is measured directly. For a track matched on three
// consecutive updates, the second difference of its box centre, over the box height, is a sample
// (AddJitter). For i.i.d. noise of standard deviation sigma the second difference has standard
// deviation sqrt(6) sigma; the median of |x| is 0.6745 of the standard deviation, so
// sigma = median / 0.6745 / sqrt(6) (robust to the odd wrong association). True acceleration adds
// to the samples, so the estimate errs on the safe (noisier) side. Over the latest kJitterWindow
// samples, refreshed every kJitterRefresh; measurement_scale() =
// (sigma / position_weight)^2, the factor on the filter's default R.
//
// Process noise Q: innovation consistency. With the right noise model the normalised innovation
// squared of an update (KalmanFilter::Update's return) is chi-square with 4 degrees of freedom,
// median 3.357. After every kWindow samples (AddNis), process_scale() is multiplied by
// sqrt(median / 3.357) (at most x2 or /2 per window): innovations larger than the model expects
// mean targets move less predictably than assumed, so Q grows, and the other way round.
//
// Both scales start at 1 (the default model) and stay within [kMinScale, kMaxScale]; the
// measurement scale first changes after kMinSamples jitter samples, the process scale after
// kWindow innovations. Deterministic (no clocks). Not thread-safe; one per
// tracker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace es {

class NoiseAdapter {
 public:
  static constexpr size_t kWindow = 128;         // innovation samples per process-noise step
  static constexpr size_t kJitterWindow = 512;   // latest jitter samples the median is over
  static constexpr int64_t kJitterRefresh = 64;  // new jitter samples between estimates
  static constexpr size_t kMinSamples = 64;      // jitter samples before the first estimate
  static constexpr double kMinScale = 1.0 / 64, kMaxScale = 16;

  explicit NoiseAdapter(double position_weight) : position_weight_(position_weight) {}

  // |second difference of the box centre| / box height, one coordinate.
  void AddJitter(double v);
  // Normalised innovation squared of one update.
  void AddNis(double nis);

  double measurement_scale() const { return measurement_scale_; }
  double process_scale() const { return process_scale_; }
  void Reset();

 private:
  double position_weight_;
  std::vector<double> jitter_, nis_, scratch_;
  size_t jitter_next_ = 0;
  int64_t jitter_seen_ = 0;
  double measurement_scale_ = 1.0, process_scale_ = 1.0;
};

}  // namespace es
