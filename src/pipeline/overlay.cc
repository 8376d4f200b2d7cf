#include "pipeline/overlay.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "detect/coco_classes.h"

namespace es {

cv::Scalar ColorForId(int id) {
  // Golden-angle hue walk: neighbouring ids get clearly different colours.
  const double hue = std::fmod(static_cast<double>(id) * 137.508, 360.0) / 2.0;  // OpenCV 0..180
  cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue, 200, 255)), bgr;
  cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
  const auto c = bgr.at<cv::Vec3b>(0, 0);
  return {static_cast<double>(c[0]), static_cast<double>(c[1]), static_cast<double>(c[2])};
}

void DrawDetections(const std::vector<Detection>& detections, cv::Mat* img) {
  for (const auto& d : detections) {
    cv::rectangle(*img, cv::Rect2f(d.box.x, d.box.y, d.box.w, d.box.h), {160, 160, 160}, 1);
  }
}

void DrawTracks(const std::vector<TrackOutput>& tracks, cv::Mat* img) {
  for (const auto& t : tracks) {
    const cv::Scalar color = ColorForId(t.id);
    cv::rectangle(*img, cv::Rect2f(t.box.x, t.box.y, t.box.w, t.box.h), color, t.predicted ? 1 : 2);
    const std::string label =
        "#" + std::to_string(t.id) + " " + std::string(CocoClassName(t.class_id));
    cv::putText(*img, label, {static_cast<int>(t.box.x), static_cast<int>(t.box.y) - 4},
                cv::FONT_HERSHEY_SIMPLEX, 0.5, color, 1, cv::LINE_AA);
  }
}

void DrawZones(const std::vector<ZoneOptions>& zones, cv::Mat* img) {
  for (const ZoneOptions& z : zones) {
    if (z.polygon.empty()) continue;
    std::vector<cv::Point> pts;
    for (const auto& p : z.polygon) pts.emplace_back(cvRound(p.x), cvRound(p.y));
    const cv::Scalar color = z.armed ? cv::Scalar(0, 0, 255) : cv::Scalar(255, 200, 0);
    cv::polylines(*img, pts, /*isClosed=*/true, color, 2, cv::LINE_AA);
    cv::putText(*img, z.name, pts.front() + cv::Point(4, 16), cv::FONT_HERSHEY_SIMPLEX, 0.5, color,
                1, cv::LINE_AA);
  }
}

void DrawHud(const std::string& text, cv::Mat* img) {
  cv::putText(*img, text, {8, 20}, cv::FONT_HERSHEY_SIMPLEX, 0.55, {0, 255, 255}, 1, cv::LINE_AA);
}

}  // namespace es
