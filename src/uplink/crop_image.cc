#include "uplink/crop_image.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>

#include "core/jpeg_codec.h"

namespace es {

cv::Mat CutCrop(const cv::Mat& img, const BBox& box, double context, int max_side, BBox* crop_box) {
  if (img.empty() || img.type() != CV_8UC3) return {};
  const float c = static_cast<float>(context);
  const float mx = box.w * c, my = box.h * c;
  const int x1 = std::max(0, static_cast<int>(std::floor(box.x - mx)));
  const int y1 = std::max(0, static_cast<int>(std::floor(box.y - my)));
  const int x2 = std::min(img.cols, static_cast<int>(std::ceil(box.x2() + mx)));
  const int y2 = std::min(img.rows, static_cast<int>(std::ceil(box.y2() + my)));
  if (x2 - x1 < 2 || y2 - y1 < 2) return {};
  cv::Mat roi = img(cv::Rect(x1, y1, x2 - x1, y2 - y1));
  const double scale = std::min(1.0, static_cast<double>(max_side) / std::max(roi.cols, roi.rows));
  cv::Mat copy;
  if (scale < 1.0) {
    cv::resize(roi, copy,
               cv::Size(std::max(1, static_cast<int>(std::lround(roi.cols * scale))),
                        std::max(1, static_cast<int>(std::lround(roi.rows * scale)))),
               0, 0, cv::INTER_AREA);
  } else {
    copy = roi.clone();
  }
  if (crop_box != nullptr) {
    *crop_box = BBox{static_cast<float>(x1), static_cast<float>(y1), static_cast<float>(x2 - x1),
                     static_cast<float>(y2 - y1)};
  }
  return copy;
}

Result<std::vector<uint8_t>> EncodeBoundedJpeg(const cv::Mat& img, int quality, int min_quality,
                                               int64_t max_bytes, cv::Mat* used,
                                               int* quality_used) {
  cv::Mat cur = img;
  try {
    while (true) {
      for (int q = quality;; q = std::max(min_quality, q - 10)) {
        Result<std::vector<uint8_t>> buf = EncodeJpeg(cur, q);
        if (!buf.ok()) return buf.status();
        if (static_cast<int64_t>(buf->size()) <= max_bytes) {
          if (used != nullptr) *used = cur;
          if (quality_used != nullptr) *quality_used = q;
          return buf;
        }
        if (q <= min_quality) break;
      }
      if (std::max(cur.cols, cur.rows) <= 16) {
        return Internal("crop does not fit max_jpeg_bytes even at 16 px");
      }
      cv::Mat smaller;
      cv::resize(cur, smaller, cv::Size(), 0.75, 0.75, cv::INTER_AREA);
      cur = smaller;
    }
  } catch (const cv::Exception& e) {
    return Internal(OneLine(std::string("JPEG encoder: ") + e.what()));
  }
}

}  // namespace es
