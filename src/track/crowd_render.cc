#include "track/crowd_render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "core/jpeg_codec.h"

namespace es {

int CrowdCameraReach(const CrowdSceneOptions& o) {
  return static_cast<int>(std::ceil(o.camera_pan_px + 3 * o.camera_shake_px)) + 2;
}

cv::Mat RenderCrowdBackground(const CrowdSceneOptions& o) {
  const int m = CrowdCameraReach(o);
  const int w = o.width + 2 * m, h = o.height + 2 * m;
  const int horizon = m + static_cast<int>(0.3 * o.height);
  cv::Mat bg(h, w, CV_8UC3, cv::Scalar(105, 115, 110));
  cv::RNG rng(o.seed * 2654435761u + 1);
  // Facades with windows above the horizon.
  for (int x = 0; x < w;) {
    const int bw = rng.uniform(80, 260);
    const cv::Scalar wall(rng.uniform(90, 200), rng.uniform(90, 200), rng.uniform(90, 200));
    const int top = rng.uniform(0, std::max(1, horizon / 2));
    cv::rectangle(bg, cv::Rect(x, top, bw, horizon - top), wall, cv::FILLED);
    for (int wy = top + 10; wy + 18 < horizon; wy += 30) {
      for (int wx = x + 8; wx + 14 < x + bw; wx += 24) {
        cv::rectangle(bg, cv::Rect(wx, wy, 14, 18), wall * 0.45, cv::FILLED);
      }
    }
    x += bw;
  }
  // Paving below it: tiles of slightly different greys, then marks and stains.
  const int tile = std::max(16, o.height / 30);
  for (int y = horizon; y < h; y += tile) {
    for (int x = (y / tile % 2) * tile / 2 - tile; x < w; x += tile) {
      const int g = rng.uniform(95, 140);
      cv::rectangle(bg, cv::Rect(x + 1, y + 1, tile - 2, tile - 2), cv::Scalar(g, g + 5, g + 2),
                    cv::FILLED);
    }
  }
  for (int i = 0; i < w * h / 4000; ++i) {
    const cv::Point p(rng.uniform(0, w), rng.uniform(horizon, h));
    const int g = rng.uniform(40, 220);
    cv::circle(bg, p, rng.uniform(2, 9), cv::Scalar(g, g, g), cv::FILLED);
  }
  return bg;
}

cv::Mat RenderCrowdFrame(const CrowdFrame& frame, int index, const cv::Mat& background,
                         const CrowdSceneOptions& o) {
  const int m = CrowdCameraReach(o);
  // The view at the camera offset, to sub-pixel precision.
  cv::Mat view;
  const cv::Mat shift =
      (cv::Mat_<double>(2, 3) << 1, 0, -(m + frame.camera_x), 0, 1, -(m + frame.camera_y));
  cv::warpAffine(background, view, shift, cv::Size(o.width, o.height), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  auto colour = [](const uint8_t* c) { return cv::Scalar(c[0], c[1], c[2]); };
  for (const CrowdFigure& f : frame.figures) {
    const double x = f.x, y = f.y, w = f.w, h = f.h;
    auto rect = [&](double x0, double y0, double x1, double y1, const uint8_t* c) {
      const cv::Point a(static_cast<int>(std::lround(x + x0 * w)),
                        static_cast<int>(std::lround(y + y0 * h)));
      const cv::Point b(static_cast<int>(std::lround(x + x1 * w)),
                        static_cast<int>(std::lround(y + y1 * h)));
      cv::rectangle(view, a, b, colour(c), cv::FILLED, cv::LINE_AA);
    };
    if (f.id == 0) {  // clutter: a post
      rect(0.1, 0.0, 0.9, 1.0, f.shirt);
      rect(0.25, 0.1, 0.75, 0.3, f.trousers);
      continue;
    }
    const cv::Point head(static_cast<int>(std::lround(x + 0.5 * w)),
                         static_cast<int>(std::lround(y + 0.08 * h)));
    cv::ellipse(
        view, head,
        cv::Size(std::max(1, static_cast<int>(0.2 * w)), std::max(1, static_cast<int>(0.07 * h))),
        0, 0, 360, colour(f.skin), cv::FILLED, cv::LINE_AA);
    rect(0.1, 0.15, 0.9, 0.55, f.shirt);
    rect(0.18, 0.55, 0.47, 1.0, f.trousers);
    rect(0.53, 0.55, 0.82, 1.0, f.trousers);
  }
  cv::Mat noise(view.size(), CV_16SC3);
  cv::RNG rng(o.seed * 2246822519u + static_cast<uint64_t>(index) * 3266489917u + 7);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  cv::Mat out;
  cv::add(view, noise, out, cv::noArray(), CV_8UC3);
  return out;
}

Status WriteCrowdImages(const CrowdScene& scene, const CrowdSceneOptions& o, const std::string& dir,
                        const std::string& name) {
  namespace fs = std::filesystem;
  if (scene.frames.empty()) {
    return InvalidArgument("crowd scene: no frames to render (keep_figures was off)");
  }
  const fs::path img = fs::path(dir) / name / "img1";
  std::error_code ec;
  fs::create_directories(img, ec);
  if (ec) return InvalidArgument("cannot create " + img.string() + ": " + ec.message());
  const cv::Mat background = RenderCrowdBackground(o);
  for (size_t i = 0; i < scene.frames.size(); ++i) {
    const int index = static_cast<int>(i);
    auto jpeg = EncodeJpeg(RenderCrowdFrame(scene.frames[i], index, background, o), 90);
    if (!jpeg.ok()) return jpeg.status();
    char file[32];
    std::snprintf(file, sizeof file, "%06d.jpg", index + 1);
    const fs::path path = img / file;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg->data()),
              static_cast<std::streamsize>(jpeg->size()));
    out.close();
    if (!out) return InvalidArgument("cannot write " + path.string());
  }
  return Status::Ok();
}

}  // namespace es
