#include "detect/motion_gate.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>

namespace es {
namespace {

// Running-average background: per-pixel noise is modelled as a fixed sigma (grey levels); a
// pixel moves when (difference / sigma)^2 exceeds var_threshold (25 -> 5 sigma -> 20 levels).
constexpr double kNoiseSigma = 4.0;
// Background learning rate per frame: adapts to light changes over ~20 frames, while a walker
// crossing the frame does not get absorbed into the background.
constexpr double kLearningRate = 0.05;

}  // namespace

struct MotionGate::Impl {
  GateOptions options;
  std::optional<Timestamp> last_true;
  float last_fraction = 0.f;
  cv::Mat small, gray, gray_f, background, diff, mask, kernel;

  // Fraction of changed pixels against a running-average background of the downscaled luma.
  // About 0.2 ms at 320 px wide (MOG2 costs 3 ms there, too much for a gate that runs on every
  // frame in front of the detector).
  float MotionFraction(const cv::Mat& bgr) {
    const int target_w = std::max(1, options.width);
    if (bgr.cols > target_w) {
      const int h = std::max(
          1, static_cast<int>(std::lround(static_cast<double>(bgr.rows) * target_w / bgr.cols)));
      cv::resize(bgr, small, cv::Size(target_w, h), 0, 0, cv::INTER_LINEAR);
    } else {
      small = bgr;
    }
    if (small.channels() == 3) {
      cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
    } else {
      gray = small;
    }
    gray.convertTo(gray_f, CV_32F);
    if (background.empty() || background.size() != gray_f.size()) {
      background = gray_f.clone();
      return 1.f;  // no model yet: everything is new
    }
    cv::absdiff(gray_f, background, diff);
    const double level = std::sqrt(options.var_threshold) * kNoiseSigma;
    cv::threshold(diff, diff, level, 255.0, cv::THRESH_BINARY);
    diff.convertTo(mask, CV_8U);
    cv::accumulateWeighted(gray_f, background, kLearningRate);
    cv::morphologyEx(mask, mask, cv::MORPH_OPEN, kernel);
    return static_cast<float>(cv::countNonZero(mask)) / static_cast<float>(mask.total());
  }
};

MotionGate::MotionGate(GateOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3));
}

MotionGate::~MotionGate() = default;

void MotionGate::SetOptions(GateOptions options) { impl_->options = options; }

bool MotionGate::ShouldDetect(const cv::Mat& bgr, Timestamp t) {
  Impl& s = *impl_;
  if (!s.options.enabled) {
    s.last_true = t;
    return true;
  }
  if (bgr.empty()) return false;

  bool motion = false;
  try {
    s.last_fraction = s.MotionFraction(bgr);
    motion = s.last_fraction >= s.options.min_area;
  } catch (const cv::Exception&) {
    s.last_fraction = 1.f;  // fail open: let the detector decide
    motion = true;
  }
  const bool first = !s.last_true.has_value();
  const bool clock_jump = !first && t < *s.last_true;
  const bool keepalive =
      !first && !clock_jump && (t - *s.last_true).seconds() >= s.options.keepalive_s;
  const bool run = motion || first || clock_jump || keepalive;
  if (run) s.last_true = t;
  return run;
}

float MotionGate::last_motion_fraction() const { return impl_->last_fraction; }

}  // namespace es
