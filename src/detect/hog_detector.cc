#include "detect/hog_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "detect/nms.h"

namespace es {

HogDetectorParams HogDetectorParams::FromOptions(const DetectorOptions& options) {
  HogDetectorParams p;
  p.hit_threshold = options.hog_hit_threshold;
  p.scale = options.hog_scale;
  p.score_threshold = options.score_threshold;
  p.nms_iou = options.nms_iou;
  return p;
}

float HogWeightToScore(double weight, float gain) {
  return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(gain) * weight)));
}

struct HogDetector::Impl {
  HogDetectorParams params;
  cv::HOGDescriptor hog;
  cv::Mat small;
  std::vector<cv::Rect> found;
  std::vector<double> weights;
};

HogDetector::HogDetector(const HogDetectorParams& params) : impl_(std::make_unique<Impl>()) {
  impl_->params = params;
  impl_->hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
}

HogDetector::~HogDetector() = default;

Result<std::vector<Detection>> HogDetector::Detect(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return InvalidArgument("hog: expected a non-empty BGR 8-bit image");
  }
  Impl& s = *impl_;
  const HogDetectorParams& p = s.params;
  try {
    const cv::Mat* img = &bgr;
    if (p.max_width > 0 && bgr.cols > p.max_width) {
      const int h = std::max(1, static_cast<int>(std::lround(
                                    static_cast<double>(bgr.rows) * p.max_width / bgr.cols)));
      cv::resize(bgr, s.small, cv::Size(p.max_width, h), 0, 0, cv::INTER_AREA);
      img = &s.small;
    }
    s.found.clear();
    s.weights.clear();
    s.hog.detectMultiScale(*img, s.found, s.weights, p.hit_threshold,
                           cv::Size(p.win_stride, p.win_stride), cv::Size(p.padding, p.padding),
                           p.scale, p.group_threshold, false);
    const float sx = static_cast<float>(bgr.cols) / static_cast<float>(img->cols);
    const float sy = static_cast<float>(bgr.rows) / static_cast<float>(img->rows);
    const float fw = static_cast<float>(bgr.cols), fh = static_cast<float>(bgr.rows);
    std::vector<Detection> dets;
    dets.reserve(s.found.size());
    for (size_t i = 0; i < s.found.size(); ++i) {
      const double w = i < s.weights.size() ? s.weights[i] : 0.0;
      const float score = HogWeightToScore(w, p.score_gain);
      if (score < p.score_threshold) continue;
      float x = static_cast<float>(s.found[i].x), y = static_cast<float>(s.found[i].y);
      float bw = static_cast<float>(s.found[i].width), bh = static_cast<float>(s.found[i].height);
      if (p.shrink_to_body) {
        x += 0.1f * bw;
        y += 0.07f * bh;
        bw *= 0.8f;
        bh *= 0.8f;
      }
      // Map back and clip to the frame (windows may extend past the border).
      const float x1 = std::clamp(x * sx, 0.f, fw), y1 = std::clamp(y * sy, 0.f, fh);
      const float x2 = std::clamp((x + bw) * sx, 0.f, fw);
      const float y2 = std::clamp((y + bh) * sy, 0.f, fh);
      if (x2 <= x1 || y2 <= y1) continue;
      dets.push_back({BBox::FromCorners(x1, y1, x2, y2), score, kClassPerson});
    }
    return NmsClassAware(std::move(dets), p.nms_iou, p.max_detections);
  } catch (const cv::Exception& e) {
    return Internal(std::string("hog: OpenCV error: ") + e.what());
  }
}

Result<std::unique_ptr<Detector>> MakeHogDetector(const DetectorOptions& options) {
  if (!(options.hog_scale > 1.0)) {
    return InvalidArgument("hog: hog_scale must be > 1, got " + std::to_string(options.hog_scale));
  }
  if (!options.classes.empty() &&
      std::find(options.classes.begin(), options.classes.end(), "person") ==
          options.classes.end()) {
    return InvalidArgument("hog: detects only 'person', but classes excludes it");
  }
  try {
    return std::unique_ptr<Detector>(
        std::make_unique<HogDetector>(HogDetectorParams::FromOptions(options)));
  } catch (const cv::Exception& e) {
    return Internal(std::string("hog: OpenCV error: ") + e.what());
  }
}

}  // namespace es
