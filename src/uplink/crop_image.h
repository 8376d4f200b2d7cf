// Crop image helpers shared by the crop collector (best view per track) and the escalation hook
// (the view that made the edge unsure): cut a box plus context out of a frame, downscaled, and
// encode it as a JPEG within a byte bound.
//
// Contract
// - CutCrop(img, box, context, max_side, &crop_box): the region box grown by context x its size
//   on each side, clipped to the image, copied (owned) and downscaled so its longest side is at
//   most max_side (never upscaled, INTER_AREA). crop_box receives the region in image pixels.
//   Returns an empty Mat when the region is under 2 px in either direction or the image is not
//   8-bit BGR.
// - EncodeBoundedJpeg(img, quality, min_quality, max_bytes, &used): a JPEG of at most max_bytes:
//   quality steps down by 10 to min_quality, then the image is downscaled by 3/4 until it fits;
//   `used` is the image actually encoded and *quality_used the quality. kInternal when even a
//   16 px image does not fit or the encoder fails. Never throws.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

cv::Mat CutCrop(const cv::Mat& img, const BBox& box, double context, int max_side, BBox* crop_box);

Result<std::vector<uint8_t>> EncodeBoundedJpeg(const cv::Mat& img, int quality, int min_quality,
                                               int64_t max_bytes, cv::Mat* used, int* quality_used);

}  // namespace es
