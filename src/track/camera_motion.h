// Camera-motion compensation (BoT-SORT, Aharon et al. 2022, "GMC"; our own sparse-flow version).
//
// CameraMotion is a 2x3 similarity map (rotation, uniform scale, translation) from the previous
// frame's pixel coordinates to the current frame's: a pan, a tilt, a zoom or a pole shaken by
// the wind moves every track's box although nobody moved. ByteTracker::ApplyCameraMotion warps
// its tracks with it before associating.
//
// GlobalMotionEstimator measures it from the frames: the frame is converted to grey and halved
// until at most max_width pixels wide; background points of the previous frame (Shi-Tomasi
// corners outside the foreground boxes, since people move on their own) are followed into the
// current frame by pyramidal Lucas-Kanade flow (each frame's pyramid is built once and reused as
// the next frame's previous one); the inliers that stay outside the foreground are the next
// frame's points, and corners are detected afresh (at half that resolution) only when fewer
// than a third of max_corners are left (that detection is the costly step). A similarity is fitted
// to the pairs with RANSAC (cv::estimateAffinePartial2D), and replaced by a pure translation (the
// inliers' mean shift) unless its rotation and scale are significant by the Bayesian information
// criterion: noise in them, applied every frame, makes a confident tracker drift. Fewer than
// min_inliers inliers (a blank or fully covered frame, a cut, a frame of another size) gives the
// identity with ok = false: no compensation is better than a wrong one.
//
// Contract: the first frame, and the first after Reset(), gives the identity (ok = false).
// Frames may be BGR (CV_8UC3) or grey (CV_8UC1); an empty frame or another type gives the
// identity and forgets the previous frame. Deterministic for the same frames.
// Thread-safety: one estimator per stream; not thread-safe.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "edgesight/types.h"

namespace es {

struct CameraMotion {
  // x' = m[0] x + m[1] y + m[2];  y' = m[3] x + m[4] y + m[5]
  double m[6] = {1, 0, 0, 0, 1, 0};
  bool ok = false;  // measured (false: identity because nothing could be measured)

  void Map(double x, double y, double* ox, double* oy) const {
    *ox = m[0] * x + m[1] * y + m[2];
    *oy = m[3] * x + m[4] * y + m[5];
  }
  // The uniform scale of the linear part (sqrt of its determinant; 1 for a pure translation).
  double Scale() const;
  // Largest displacement of the four corners of a width x height frame, in pixels.
  double Magnitude(int width, int height) const;
};

struct GlobalMotionOptions {
  int max_width = 320;    // the frame is halved until at most this wide
  int max_corners = 120;  // Shi-Tomasi corners when (re)detecting
  double quality_level = 0.01;
  double min_distance = 8;  // between corners, in shrunk pixels (found at half of that size)
  int window = 11;          // Lucas-Kanade window, shrunk pixels
  int levels = 3;           // pyramid levels above the shrunk frame
  int min_inliers = 12;     // fewer RANSAC inliers: identity, ok = false
  double ransac_px = 1.5;   // RANSAC reprojection threshold, in shrunk pixels
};

class GlobalMotionEstimator {
 public:
  explicit GlobalMotionEstimator(GlobalMotionOptions options = {});

  // The motion from the previous frame to `frame`. `foreground` (boxes in `frame`'s pixels,
  // usually the detections or tracks) is kept out of the corners used for the next frame.
  CameraMotion Estimate(const cv::Mat& frame, const std::vector<BBox>& foreground);
  void Reset();
  // Points followed and RANSAC inliers in the last Estimate (diagnostics, tests).
  int last_points() const { return last_points_; }
  int last_inliers() const { return last_inliers_; }
  // Corner detections so far (the points are followed from frame to frame and re-detected
  // only when fewer than a third of max_corners are left).
  int64_t corner_detections() const { return detections_; }

 private:
  GlobalMotionOptions opt_;
  cv::Mat shrunk_, small_;             // this frame, shrunk (colour) and grey
  std::vector<cv::Mat> pyramid_;       // of small_ (buffers reused)
  std::vector<cv::Mat> prev_pyramid_;  // of the shrunk grey previous frame
  cv::Size prev_size_;
  std::vector<cv::Point2f> points_;  // background points of the previous frame
  double scale_ = 1.0;               // shrunk = scale_ * full
  int last_points_ = 0, last_inliers_ = 0;
  int64_t detections_ = 0;
};

}  // namespace es
