// RetryingDetector: a detector whose model did not load, loaded again later (cloud-fallback:
// the camera detects on the backend meanwhile, and switches back once this one answers).
//
// Contract: made from the options whose MakeDetector failed and that failure. Detect() retries
// MakeDetector at most once per `retry` (a steady-clock time, injectable for tests); until a try
// succeeds it returns kUnavailable "model not loaded: <the last load error>" at once, without
// running anything. After a successful load it is the loaded detector (name() too).
// Thread-safety: like every Detector, one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "detect/detector.h"
#include "edgesight/time.h"

namespace es {

class RetryingDetector final : public Detector {
 public:
  RetryingDetector(DetectorOptions options, Status load_error, Duration retry,
                   std::function<Timestamp()> clock = SteadyNow);
  std::string name() const override;
  Result<std::vector<Detection>> Detect(const cv::Mat& bgr) override;
  bool loaded() const { return inner_ != nullptr; }

 private:
  DetectorOptions options_;
  Status error_;
  Duration retry_;
  std::function<Timestamp()> clock_;
  Timestamp next_try_;
  std::unique_ptr<Detector> inner_;
};

}  // namespace es
