#include "track/appearance.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace es {
namespace {

constexpr int kHues = 8, kGreys = 4;
constexpr int kMinSaturation = 48;

void Uniform(float* part) { std::fill(part, part + kAppearanceBins, 1.f / kAppearanceBins); }

void Histogram(const cv::Mat& bgr, const cv::Rect& r, float* part) {
  const cv::Rect in = r & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (in.width < 1 || in.height < 1) return Uniform(part);
  // A grid of at most 12 x 20 pixels sampled from the part (a resize averaging the whole part
  // cost 130 us per 600-pixel-tall person; the histogram does not need every pixel).
  const int nx = std::min(in.width, 12), ny = std::min(in.height, 20);
  cv::Mat small(ny, nx, CV_8UC3), hsv;
  for (int y = 0; y < ny; ++y) {
    const cv::Vec3b* row = bgr.ptr<cv::Vec3b>(in.y + (2 * y + 1) * in.height / (2 * ny));
    cv::Vec3b* out = small.ptr<cv::Vec3b>(y);
    for (int x = 0; x < nx; ++x) out[x] = row[in.x + (2 * x + 1) * in.width / (2 * nx)];
  }
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);  // H in [0, 180)
  std::fill(part, part + kAppearanceBins, 0.f);
  for (int y = 0; y < hsv.rows; ++y) {
    const cv::Vec3b* row = hsv.ptr<cv::Vec3b>(y);
    for (int x = 0; x < hsv.cols; ++x) {
      const int h = row[x][0], s = row[x][1], v = row[x][2];
      int bin;
      if (s < kMinSaturation || v < 40) {
        bin = 2 * kHues + std::min(kGreys - 1, v * kGreys / 256);
      } else {
        bin = std::min(kHues - 1, h * kHues / 180) * 2 + (s >= 140 ? 1 : 0);
      }
      part[bin] += 1.f;
    }
  }
  const float n = static_cast<float>(hsv.rows * hsv.cols);
  for (int i = 0; i < kAppearanceBins; ++i) part[i] /= n;
}

}  // namespace

AppearanceFeature ComputeAppearance(const cv::Mat& bgr, const BBox& box) {
  AppearanceFeature f{};
  const bool usable = !bgr.empty() && bgr.type() == CV_8UC3 && std::isfinite(box.x) &&
                      std::isfinite(box.y) && std::isfinite(box.w) && std::isfinite(box.h) &&
                      box.w > 0 && box.h > 0;
  const double bands[kAppearanceParts][2] = {{0.10, 0.50}, {0.50, 0.90}};
  for (int p = 0; p < kAppearanceParts; ++p) {
    float* part = f.data() + p * kAppearanceBins;
    if (!usable) {
      Uniform(part);
      continue;
    }
    const double x0 = std::clamp(box.x + 0.2 * box.w, -1e6, 1e6);
    const double x1 = std::clamp(box.x + 0.8 * box.w, -1e6, 1e6);
    const double y0 = std::clamp(box.y + bands[p][0] * box.h, -1e6, 1e6);
    const double y1 = std::clamp(box.y + bands[p][1] * box.h, -1e6, 1e6);
    const cv::Rect r(cv::Point(static_cast<int>(std::floor(x0)), static_cast<int>(std::floor(y0))),
                     cv::Point(static_cast<int>(std::ceil(x1)), static_cast<int>(std::ceil(y1))));
    Histogram(bgr, r, part);
  }
  return f;
}

double AppearanceSimilarity(const AppearanceFeature& a, const AppearanceFeature& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sum += std::sqrt(static_cast<double>(std::max(a[i], 0.f)) * std::max(b[i], 0.f));
  }
  return std::clamp(sum / kAppearanceParts, 0.0, 1.0);
}

}  // namespace es
