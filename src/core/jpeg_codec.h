// JPEG encoding and decoding of 8-bit BGR images with libjpeg-turbo's TurboJPEG API, for crops,
// snapshots and the live view. It replaces cv::imencode/imdecode: OpenCV's imgcodecs module
// loads about a hundred unrelated libraries (GDAL, HDF5, OpenEXR, ...) to write one JPEG.
//
// Contract
// - EncodeJpeg(bgr, quality): a baseline JPEG (4:2:0, quality clamped to [1, 100]) of a
//   non-empty CV_8UC3 image; any row stride (ROIs of a larger image included).
// - DecodeJpeg(bytes): the image as CV_8UC3 BGR.
// Failure: an empty or non-BGR image -> kInvalidArgument; bytes that are not a JPEG ->
// kInvalidArgument "JPEG: <libjpeg-turbo's reason>"; an encoder failure -> kInternal. Never
// throws.
// Thread-safety: re-entrant (one TurboJPEG handle per call).
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string_view>
#include <vector>

#include "edgesight/status.h"

namespace es {

Result<std::vector<uint8_t>> EncodeJpeg(const cv::Mat& bgr, int quality);
Result<cv::Mat> DecodeJpeg(std::string_view bytes);

}  // namespace es
