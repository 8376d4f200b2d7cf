#include "detect/motion_gate.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/background_segm.hpp>

namespace es {
namespace {

// MOG2 marks shadows 127 and foreground 255; anything above this counts as foreground.
constexpr double kForegroundThreshold = 200.0;
constexpr int kMog2History = 500;

}  // namespace

struct MotionGate::Impl {
  GateOptions options;
  cv::Ptr<cv::BackgroundSubtractorMOG2> mog2;
  std::optional<Timestamp> last_true;
  float last_fraction = 0.f;
  cv::Mat small, mask, kernel;

  float MotionFraction(const cv::Mat& bgr) {
    const int target_w = std::max(1, options.width);
    if (bgr.cols > target_w) {
      const int h = std::max(1, static_cast<int>(std::lround(
                                    static_cast<double>(bgr.rows) * target_w / bgr.cols)));
      cv::resize(bgr, small, cv::Size(target_w, h), 0, 0, cv::INTER_AREA);
    } else {
      small = bgr;
    }
    mog2->apply(small, mask);
    cv::threshold(mask, mask, kForegroundThreshold, 255, cv::THRESH_BINARY);
    cv::morphologyEx(mask, mask, cv::MORPH_OPEN, kernel);
    return static_cast<float>(cv::countNonZero(mask)) / static_cast<float>(mask.total());
  }
};

MotionGate::MotionGate(GateOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->mog2 = cv::createBackgroundSubtractorMOG2(kMog2History, options.var_threshold, true);
  impl_->kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3));
}

MotionGate::~MotionGate() = default;

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
