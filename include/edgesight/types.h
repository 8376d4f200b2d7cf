// Shared value types: boxes, detections, track outputs, frames.
//
// Contract: boxes are in pixels of the source frame, top-left x/y plus width/height (the
// MOTChallenge convention). Class ids are COCO ids (0 = person) for CNN detectors; detectors
// without classes (motion, HOG) report 0 (person) or kClassMotion. Plain values; a Frame shares
// its cv::Mat pixel buffer by reference count, so copying a Frame is cheap and stages must not
// write into an image they did not allocate.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "edgesight/time.h"

namespace es {

struct BBox {
  float x = 0, y = 0, w = 0, h = 0;  // top-left and size, pixels

  float area() const { return w > 0 && h > 0 ? w * h : 0.f; }
  float cx() const { return x + 0.5f * w; }
  float cy() const { return y + 0.5f * h; }
  float x2() const { return x + w; }
  float y2() const { return y + h; }
  static BBox FromCorners(float x1, float y1, float x2, float y2) {
    return {x1, y1, x2 - x1, y2 - y1};
  }
  bool operator==(const BBox&) const = default;
};

// Intersection over union; 0 when either box is empty.
float IoU(const BBox& a, const BBox& b);

inline constexpr int kClassPerson = 0;
inline constexpr int kClassMotion = -1;  // a moving blob of unknown class

struct Detection {
  BBox box;
  float score = 0.f;
  int class_id = kClassPerson;
};

// A confirmed track as the tracker reports it for one frame.
struct TrackOutput {
  int id = 0;
  int class_id = kClassPerson;
  float score = 0.f;
  BBox box;
  bool predicted = false;  // true when no detection updated it this frame
};

struct FrameMeta {
  std::string stream_id;
  int64_t seq = 0;     // 0-based sequence number assigned by the source
  Timestamp capture;   // steady clock when the frame left the decoder
  int64_t pts_us = 0;  // presentation time from the container, microseconds
  Duration decode;     // time the source spent producing the frame (excludes pacing)
};

struct Frame {
  FrameMeta meta;
  cv::Mat image;  // BGR, 8-bit, 3 channels
};

}  // namespace es
