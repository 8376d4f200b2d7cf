// Output decoders for CNN detectors: pure functions from raw output tensors to candidate boxes
// in network-input pixels (before NMS, before un-letterboxing). Thread-safe, no allocation
// beyond the returned vector. Candidates below score_threshold are dropped here (a candidate
// whose score equals the threshold is kept). Boxes are not clipped to the input.
//
// Shapes: every decoder accepts a batch-1 rank-3 tensor [1, A, B] or the same without the
// batch axis, rank 2 [A, B]. Any other rank, a batch other than 1, a non-positive dimension, a
// null data pointer or an attribute count that does not fit the head returns InvalidArgument
// naming the expected and the actual shape. The data pointer must hold prod(shape) floats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

// A view of a float tensor (row-major) with its shape.
struct TensorView {
  const float* data = nullptr;
  std::vector<int64_t> shape;
};

// "[1, 8400, 84]": for error messages.
std::string ShapeToString(const std::vector<int64_t>& shape);

struct NanoDetParams {
  int input_w = 416, input_h = 416;
  int num_classes = 80;
  int reg_max = 10;                    // distribution bins per side = reg_max + 1
  std::vector<int> strides = {8, 16, 32};
  float center_offset = 0.f;           // 0.5 if priors sit at cell centres
  bool cls_is_sigmoid = true;          // scores already passed through sigmoid
};

// NanoDet GFL head, exported as one tensor [1, N, num_classes + 4*(reg_max+1)].
// Layout: the levels are concatenated in the order of p.strides; level s has
// ceil(input_h/s) rows x ceil(input_w/s) columns of cells, row-major, so
// N = sum_s ceil(input_h/s) * ceil(input_w/s): 3549 for 416x416 and strides 8/16/32, 3598 with
// 8/16/32/64 (NanoDet-Plus, whose reg_max is 7: rows of 80 + 32 = 112).
// Each row holds num_classes class scores (already sigmoid unless cls_is_sigmoid is false, in
// which case the sigmoid is applied here), then 4 groups of reg_max+1 logits for the distances
// left, top, right, bottom. Class = argmax of the scores, score = its value. Each distance is
// the softmax expectation over its bins (sum_i i * softmax_i, in bin units) times the stride,
// measured from the cell's prior point ((col + center_offset) * s, (row + center_offset) * s):
// box = [px - l, py - t] .. [px + r, py + b]. A wrong N or row width is InvalidArgument.
Result<std::vector<Detection>> DecodeNanoDet(const TensorView& out, const NanoDetParams& p,
                                             float score_threshold);

// YOLOv5: [1, N, 5 + C] rows (cx, cy, w, h, objectness, class scores); score = obj * max cls,
// class = argmax cls. num_classes = 0 infers C from the row width (it must be >= 1); a positive
// num_classes must match it.
Result<std::vector<Detection>> DecodeYoloV5(const TensorView& out, float score_threshold,
                                            int num_classes = 0);

// YOLOv8 / YOLO11 raw: [1, 4 + C, N] (cx, cy, w, h, class scores; channels first); score =
// max class score, class = argmax. Also accepts the transposed [1, N, 4 + C].
// Layout rule for [1, A, B]:
//  - num_classes > 0: channels-first if A == 4 + C (checked first, so it wins when A == B),
//    else transposed if B == 4 + C, else InvalidArgument.
//  - num_classes == 0 (infer): the attribute axis is the smaller one (anchors outnumber
//    attributes in every real export: 8400 vs 84 at 640): channels-first if A <= B, else
//    transposed. Pass num_classes when N may be small.
// The attribute axis must hold at least 5 values (4 box + 1 class).
Result<std::vector<Detection>> DecodeYoloV8(const TensorView& out, float score_threshold,
                                            int num_classes = 0);

// Pre-decoded (end-to-end / NMS exported): [1, N, 6] rows (x1, y1, x2, y2, score, class);
// the class is rounded to the nearest integer. Rows with x2 < x1 or y2 < y1 are dropped.
Result<std::vector<Detection>> DecodeYoloPredecoded(const TensorView& out,
                                                    float score_threshold);

}  // namespace es
