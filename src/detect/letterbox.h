// Letterbox: resize an image into a fixed network input keeping aspect ratio, pad the rest,
// and map boxes back. Pure functions; thread-safe.
//
// Geometry: scale = min(dst_w / src_w, dst_h / src_h); the resized image is
// round(src_w * scale) x round(src_h * scale) pixels and sits at (pad_x, pad_y), both integral.
// center=true splits the padding equally (the odd pixel goes right/bottom, as YOLO's letterbox);
// center=false puts the image top-left and pads only right/bottom (NanoDet).
// Failure: an empty source size gives scale 1, no padding and a 0x0 source; ToSource then
// returns an empty box, ApplyLetterbox an image filled with the pad value.
#pragma once

#include <opencv2/core.hpp>

#include "edgesight/types.h"

namespace es {

struct LetterboxTransform {
  float scale = 1.f;   // network pixels per source pixel
  float pad_x = 0.f;   // left padding in network pixels
  float pad_y = 0.f;   // top padding in network pixels
  int src_width = 0, src_height = 0;
  // Maps a box from network input pixels back to source pixels, clipped to the source frame.
  // A box entirely outside the frame comes back with zero width or height.
  BBox ToSource(const BBox& net_box) const;
  // Maps a box from source pixels into network input pixels (no clipping). Inverse of
  // ToSource for boxes inside the frame.
  BBox ToNet(const BBox& src_box) const;
};

// Computes the transform for fitting src_size into (dst_w x dst_h). center=true pads equally on
// both sides (YOLO); false pads only right/bottom (NanoDet).
LetterboxTransform ComputeLetterbox(cv::Size src_size, int dst_w, int dst_h, bool center);

// Resizes bgr into a dst_w x dst_h BGR image filled with pad_value per the transform.
// Uses INTER_AREA when shrinking, INTER_LINEAR when enlarging. The output has bgr's type.
cv::Mat ApplyLetterbox(const cv::Mat& bgr, const LetterboxTransform& t, int dst_w, int dst_h,
                       const cv::Scalar& pad_value);

}  // namespace es
