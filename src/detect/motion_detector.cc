#include "detect/motion_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/background_segm.hpp>

#include "detect/nms.h"

namespace es {
namespace {

constexpr double kForegroundThreshold = 200.0;  // MOG2: 255 foreground, 127 shadow

}  // namespace

MotionDetectorParams MotionDetectorParams::FromOptions(const DetectorOptions& options) {
  MotionDetectorParams p;
  p.min_area = options.motion_min_area;
  p.score_threshold = options.score_threshold;
  p.nms_iou = options.nms_iou;
  return p;
}

struct MotionDetector::Impl {
  MotionDetectorParams params;
  cv::Ptr<cv::BackgroundSubtractorMOG2> mog2;
  cv::Mat small, mask, open_kernel, close_kernel, labels, stats, centroids;
};

MotionDetector::MotionDetector(const MotionDetectorParams& params)
    : impl_(std::make_unique<Impl>()) {
  impl_->params = params;
  impl_->mog2 = cv::createBackgroundSubtractorMOG2(params.history, params.var_threshold, true);
  impl_->open_kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3));
  if (params.close_size > 0) {
    impl_->close_kernel = cv::getStructuringElement(
        cv::MORPH_ELLIPSE, cv::Size(params.close_size, params.close_size));
  }
}

MotionDetector::~MotionDetector() = default;

Result<std::vector<Detection>> MotionDetector::Detect(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return InvalidArgument("motion: expected a non-empty BGR 8-bit image");
  }
  Impl& s = *impl_;
  const MotionDetectorParams& p = s.params;
  try {
    const int target_w = std::max(1, p.width);
    if (bgr.cols > target_w) {
      const int h = std::max(1, static_cast<int>(std::lround(
                                    static_cast<double>(bgr.rows) * target_w / bgr.cols)));
      cv::resize(bgr, s.small, cv::Size(target_w, h), 0, 0, cv::INTER_AREA);
    } else {
      s.small = bgr;
    }
    s.mog2->apply(s.small, s.mask);
    cv::threshold(s.mask, s.mask, kForegroundThreshold, 255, cv::THRESH_BINARY);
    cv::morphologyEx(s.mask, s.mask, cv::MORPH_OPEN, s.open_kernel);
    if (!s.close_kernel.empty()) cv::morphologyEx(s.mask, s.mask, cv::MORPH_CLOSE, s.close_kernel);
    const int n = cv::connectedComponentsWithStats(s.mask, s.labels, s.stats, s.centroids, 8,
                                                   CV_32S);

    const double min_px = std::max(1.0, static_cast<double>(p.min_area) * s.mask.total());
    const float sx = static_cast<float>(bgr.cols) / static_cast<float>(s.mask.cols);
    const float sy = static_cast<float>(bgr.rows) / static_cast<float>(s.mask.rows);
    std::vector<Detection> dets;
    for (int i = 1; i < n; ++i) {  // label 0 is the background
      const double area = s.stats.at<int>(i, cv::CC_STAT_AREA);
      if (area < min_px) continue;
      const float score = static_cast<float>(area / (area + min_px));
      if (score < p.score_threshold) continue;
      const BBox box{static_cast<float>(s.stats.at<int>(i, cv::CC_STAT_LEFT)) * sx,
                     static_cast<float>(s.stats.at<int>(i, cv::CC_STAT_TOP)) * sy,
                     static_cast<float>(s.stats.at<int>(i, cv::CC_STAT_WIDTH)) * sx,
                     static_cast<float>(s.stats.at<int>(i, cv::CC_STAT_HEIGHT)) * sy};
      dets.push_back({box, score, kClassMotion});
    }
    return NmsClassAware(std::move(dets), p.nms_iou, p.max_detections);
  } catch (const cv::Exception& e) {
    return Internal(std::string("motion: OpenCV error: ") + e.what());
  }
}

Result<std::unique_ptr<Detector>> MakeMotionDetector(const DetectorOptions& options) {
  if (!(options.motion_min_area >= 0.f && options.motion_min_area < 1.f)) {
    return InvalidArgument("motion: motion_min_area must be in [0, 1), got " +
                           std::to_string(options.motion_min_area));
  }
  try {
    return std::unique_ptr<Detector>(
        std::make_unique<MotionDetector>(MotionDetectorParams::FromOptions(options)));
  } catch (const cv::Exception& e) {
    return Internal(std::string("motion: OpenCV error: ") + e.what());
  }
}

}  // namespace es
