#include "detect/retrying_detector.h"

#include <utility>

namespace es {

RetryingDetector::RetryingDetector(DetectorOptions options, Status load_error, Duration retry,
                                   std::function<Timestamp()> clock)
    : options_(std::move(options)),
      error_(std::move(load_error)),
      retry_(retry),
      clock_(std::move(clock)),
      next_try_(clock_() + retry_) {}

std::string RetryingDetector::name() const {
  if (inner_) return inner_->name();
  return options_.type + " (not loaded)";
}

Result<std::vector<Detection>> RetryingDetector::Detect(const cv::Mat& bgr) {
  if (!inner_) {
    const Timestamp now = clock_();
    if (now < next_try_) return Unavailable("model not loaded: " + error_.message());
    next_try_ = now + retry_;
    Result<std::unique_ptr<Detector>> d = MakeDetector(options_);
    if (!d.ok()) {
      error_ = d.status();
      return Unavailable("model not loaded: " + error_.message());
    }
    inner_ = std::move(d).value();
  }
  return inner_->Detect(bgr);
}

}  // namespace es
