#include "track/camera_motion.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

namespace es {

double CameraMotion::Scale() const {
  const double det = m[0] * m[4] - m[1] * m[3];
  return det > 0 ? std::sqrt(det) : 0.0;
}

double CameraMotion::Magnitude(int width, int height) const {
  double worst = 0;
  for (const auto& [x, y] :
       {std::pair<double, double>{0, 0}, {width, 0}, {0, height}, {width, height}}) {
    double ox = 0, oy = 0;
    Map(x, y, &ox, &oy);
    worst = std::max(worst, std::hypot(ox - x, oy - y));
  }
  return worst;
}

namespace {

// Keeps the similarity only where the data need it. Fitted to a fixed camera's points (walkers
// partly unmasked, flow's sub-pixel bias) a similarity has a rotation and a scale of a few 1e-4,
// mostly shrinking; applied every frame about the image origin, that moves far tracks by pixels
// over a few seconds, and a tracker whose filter has learned to trust its motion model (adaptive
// noise) follows the drift instead of the detections (it cost 4.5 HOTA on a rendered crowd with a
// fixed camera; a pure translation cost nothing). So the inliers are also fitted by a pure
// translation (their mean displacement), and the similarity is kept only if (1) its two extra
// parameters pay for themselves by the Bayesian information criterion, N ln(RSS / N) + k ln(N)
// with N = 2 x inliers residual coordinates and k = 2 or 4, and (2) its rotation and scale move
// a corner of the frame by at least a full-size pixel beyond the translation (a zoom of 0.2 % per
// frame on a 1000-pixel-wide frame, a real PTZ zoom, passes; the fit's bias does not).
void SelectModel(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b,
                 const std::vector<uchar>& inliers, cv::Size size, double min_effect, cv::Mat& m) {
  const double* r0 = m.ptr<double>(0);
  const double* r1 = m.ptr<double>(1);
  double tx = 0, ty = 0;
  int n = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!inliers[i]) continue;
    tx += b[i].x - a[i].x;
    ty += b[i].y - a[i].y;
    ++n;
  }
  if (n < 3) return;
  tx /= n;
  ty /= n;
  double rss_sim = 0, rss_shift = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!inliers[i]) continue;
    const double sx = r0[0] * a[i].x + r0[1] * a[i].y + r0[2] - b[i].x;
    const double sy = r1[0] * a[i].x + r1[1] * a[i].y + r1[2] - b[i].y;
    const double dx = a[i].x + tx - b[i].x, dy = a[i].y + ty - b[i].y;
    rss_sim += sx * sx + sy * sy;
    rss_shift += dx * dx + dy * dy;
  }
  const double big_n = 2.0 * n, floor = 1e-12 * big_n;
  const double bic_sim = big_n * std::log(std::max(rss_sim, floor) / big_n) + 4 * std::log(big_n);
  const double bic_shift =
      big_n * std::log(std::max(rss_shift, floor) / big_n) + 2 * std::log(big_n);
  // And the rotation and scale must move the frame's corners by a pixel (full size) or more
  // beyond the translation: smaller ones are the fit's own bias (a third of a pixel, mostly
  // shrinking, on a fixed camera with walkers), which accumulates frame after frame.
  // (The similarity minus the translation, as a map: its Magnitude is that effect.)
  CameraMotion beyond;
  beyond.m[0] = r0[0];
  beyond.m[1] = r0[1];
  beyond.m[2] = r0[2] - tx;
  beyond.m[3] = r1[0];
  beyond.m[4] = r1[1];
  beyond.m[5] = r1[2] - ty;
  if (bic_shift <= bic_sim || beyond.Magnitude(size.width, size.height) < min_effect) {
    m = (cv::Mat_<double>(2, 3) << 1, 0, tx, 0, 1, ty);
  }
}

}  // namespace

GlobalMotionEstimator::GlobalMotionEstimator(GlobalMotionOptions options) : opt_(options) {}

void GlobalMotionEstimator::Reset() {
  prev_pyramid_.clear();
  points_.clear();
  last_points_ = last_inliers_ = 0;
}

CameraMotion GlobalMotionEstimator::Estimate(const cv::Mat& frame,
                                             const std::vector<BBox>& foreground) {
  CameraMotion motion;
  last_points_ = last_inliers_ = 0;
  if (frame.empty() || (frame.type() != CV_8UC3 && frame.type() != CV_8UC1)) {
    Reset();
    return motion;
  }
  // Halve until at most max_width wide, shrinking the colour frame first (bilinear: at half
  // size it is a 2x2 average; 7x cheaper than area averaging at a quarter, and the grey
  // conversion then runs on the small image: 0.3 ms instead of 0.9 ms for 1080p).
  int halvings = 0;
  while ((frame.cols >> halvings) > opt_.max_width && halvings < 6) ++halvings;
  const double scale = 1.0 / (1 << halvings);
  // The buffers are members, reused frame after frame: allocating them afresh doubled the cost
  // when frames arrive at a camera's pace (fresh pages after every pause).
  cv::Mat shrunk = frame;
  if (halvings > 0) {
    cv::resize(frame, shrunk_, cv::Size(frame.cols >> halvings, frame.rows >> halvings), 0, 0,
               cv::INTER_LINEAR);
    shrunk = shrunk_;
  }
  if (shrunk.channels() == 3) {
    cv::cvtColor(shrunk, small_, cv::COLOR_BGR2GRAY);
  } else {
    shrunk.copyTo(small_);
  }
  const cv::Mat& small = small_;
  const cv::Size win(opt_.window, opt_.window);
  std::vector<cv::Mat>& pyramid = pyramid_;
  cv::buildOpticalFlowPyramid(small, pyramid, win, opt_.levels);

  std::vector<cv::Point2f> kept;  // this frame's points that follow the background
  if (!prev_pyramid_.empty() && prev_size_ == small.size() && scale == scale_ &&
      static_cast<int>(points_.size()) >= opt_.min_inliers) {
    std::vector<cv::Point2f> next;
    std::vector<uchar> found;
    std::vector<float> err;
    cv::calcOpticalFlowPyrLK(prev_pyramid_, pyramid, points_, next, found, err, win, opt_.levels);
    std::vector<cv::Point2f> a, b;
    for (size_t i = 0; i < found.size(); ++i) {
      if (!found[i]) continue;
      a.push_back(points_[i]);
      b.push_back(next[i]);
    }
    last_points_ = static_cast<int>(a.size());
    if (last_points_ >= opt_.min_inliers) {
      std::vector<uchar> inliers;
      cv::Mat m = cv::estimateAffinePartial2D(a, b, inliers, cv::RANSAC, opt_.ransac_px);
      last_inliers_ = static_cast<int>(std::count(inliers.begin(), inliers.end(), 1));
      if (!m.empty() && last_inliers_ >= opt_.min_inliers) {
        SelectModel(a, b, inliers, small.size(), scale, m);  // scale: 1 full px, shrunk
        const double* r0 = m.ptr<double>(0);
        const double* r1 = m.ptr<double>(1);
        // The map between shrunk frames, in full-size pixels: the linear part is the same, the
        // translation grows by 1 / scale.
        motion.m[0] = r0[0];
        motion.m[1] = r0[1];
        motion.m[2] = r0[2] / scale;
        motion.m[3] = r1[0];
        motion.m[4] = r1[1];
        motion.m[5] = r1[2] / scale;
        motion.ok = std::all_of(std::begin(motion.m), std::end(motion.m),
                                [](double v) { return std::isfinite(v); });
        if (!motion.ok) motion = CameraMotion{};
        for (size_t i = 0; i < b.size(); ++i) {
          if (inliers[i]) kept.push_back(b[i]);
        }
      }
    }
  }

  // Points for the next frame, away from what moves on its own: the background points followed
  // into this frame, or, when fewer than half are left, fresh corners.
  std::vector<cv::Rect> boxes;
  for (const BBox& box : foreground) {
    const cv::Rect r(cv::Point(static_cast<int>(std::floor(box.x * scale)),
                               static_cast<int>(std::floor(box.y * scale))),
                     cv::Point(static_cast<int>(std::ceil(box.x2() * scale)),
                               static_cast<int>(std::ceil(box.y2() * scale))));
    const cv::Rect clipped = r & cv::Rect(0, 0, small.cols, small.rows);
    if (clipped.area() > 0) boxes.push_back(clipped);
  }
  points_.clear();
  for (const cv::Point2f& p : kept) {
    const bool covered = std::any_of(boxes.begin(), boxes.end(), [&p](const cv::Rect& r) {
      return r.contains(cv::Point(static_cast<int>(p.x), static_cast<int>(p.y)));
    });
    if (!covered) points_.push_back(p);
  }
  if (static_cast<int>(points_.size()) < opt_.max_corners / 3) {
    // Corners are found at half the tracking resolution (4x cheaper; Lucas-Kanade refines them
    // at full tracking resolution anyway).
    cv::Mat half, mask(cv::Size(small.cols / 2, small.rows / 2), CV_8UC1, cv::Scalar(255));
    cv::pyrDown(small, half, mask.size());
    for (const cv::Rect& r : boxes) {
      const cv::Rect h = cv::Rect(r.x / 2, r.y / 2, (r.width + 1) / 2 + 1, (r.height + 1) / 2 + 1) &
                         cv::Rect(0, 0, mask.cols, mask.rows);
      if (h.area() > 0) mask(h).setTo(0);
    }
    points_.clear();
    cv::goodFeaturesToTrack(half, points_, opt_.max_corners, opt_.quality_level,
                            opt_.min_distance / 2, mask, 3);
    for (cv::Point2f& p : points_) p *= 2.f;
    ++detections_;
  }
  std::swap(prev_pyramid_, pyramid_);
  prev_size_ = small.size();
  scale_ = scale;
  return motion;
}

}  // namespace es
