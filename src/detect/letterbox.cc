#include "detect/letterbox.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace es {
namespace {

// Size of the resized image inside the network input, never larger than the input.
cv::Size ResizedSize(const LetterboxTransform& t, int dst_w, int dst_h) {
  const int w = std::clamp(static_cast<int>(std::lround(t.src_width * t.scale)), 0, dst_w);
  const int h = std::clamp(static_cast<int>(std::lround(t.src_height * t.scale)), 0, dst_h);
  return {w, h};
}

}  // namespace

BBox LetterboxTransform::ToSource(const BBox& net_box) const {
  const float inv = scale > 0.f ? 1.f / scale : 0.f;
  const float w = static_cast<float>(src_width), h = static_cast<float>(src_height);
  const float x1 = std::clamp((net_box.x - pad_x) * inv, 0.f, w);
  const float y1 = std::clamp((net_box.y - pad_y) * inv, 0.f, h);
  const float x2 = std::clamp((net_box.x2() - pad_x) * inv, 0.f, w);
  const float y2 = std::clamp((net_box.y2() - pad_y) * inv, 0.f, h);
  return BBox::FromCorners(x1, y1, std::max(x1, x2), std::max(y1, y2));
}

BBox LetterboxTransform::ToNet(const BBox& src_box) const {
  return {src_box.x * scale + pad_x, src_box.y * scale + pad_y, src_box.w * scale,
          src_box.h * scale};
}

LetterboxTransform ComputeLetterbox(cv::Size src_size, int dst_w, int dst_h, bool center) {
  LetterboxTransform t;
  if (src_size.width <= 0 || src_size.height <= 0 || dst_w <= 0 || dst_h <= 0) return t;
  t.src_width = src_size.width;
  t.src_height = src_size.height;
  t.scale = std::min(static_cast<float>(dst_w) / static_cast<float>(src_size.width),
                     static_cast<float>(dst_h) / static_cast<float>(src_size.height));
  if (center) {
    const cv::Size r = ResizedSize(t, dst_w, dst_h);
    t.pad_x = static_cast<float>((dst_w - r.width) / 2);
    t.pad_y = static_cast<float>((dst_h - r.height) / 2);
  }
  return t;
}

cv::Mat ApplyLetterbox(const cv::Mat& bgr, const LetterboxTransform& t, int dst_w, int dst_h,
                       const cv::Scalar& pad_value) {
  const int type = bgr.empty() ? CV_8UC3 : bgr.type();
  cv::Mat out(std::max(dst_h, 0), std::max(dst_w, 0), type, pad_value);
  if (bgr.empty() || out.empty()) return out;
  const cv::Size r = ResizedSize(t, dst_w, dst_h);
  const int px = static_cast<int>(t.pad_x), py = static_cast<int>(t.pad_y);
  if (r.width <= 0 || r.height <= 0 || px + r.width > dst_w || py + r.height > dst_h) return out;
  cv::Mat roi = out(cv::Rect(px, py, r.width, r.height));
  if (r == bgr.size()) {
    bgr.copyTo(roi);
  } else {
    const int interp = r.width < bgr.cols ? cv::INTER_AREA : cv::INTER_LINEAR;
    cv::resize(bgr, roi, r, 0, 0, interp);
  }
  return out;
}

}  // namespace es
