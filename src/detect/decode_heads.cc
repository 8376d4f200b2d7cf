#include "detect/decode_heads.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace es {
namespace {

struct Matrix2D {
  int64_t rows = 0, cols = 0;
};

// Accepts [1, A, B] or [A, B] with positive dims and non-null data; returns {A, B}.
Result<Matrix2D> As2D(const TensorView& out, const char* head) {
  const auto& s = out.shape;
  const bool rank_ok = (s.size() == 3 && s[0] == 1) || s.size() == 2;
  const bool dims_ok = rank_ok && std::all_of(s.begin(), s.end(), [](int64_t d) { return d > 0; });
  if (!dims_ok) {
    return InvalidArgument(std::string(head) + ": expected a [1, A, B] output tensor, got " +
                           ShapeToString(s));
  }
  if (out.data == nullptr) return InvalidArgument(std::string(head) + ": null tensor data");
  return Matrix2D{s[s.size() - 2], s[s.size() - 1]};
}

inline float Sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// Argmax over n values read with a stride; returns index and value.
inline std::pair<int, float> ArgMax(const float* p, int64_t n, int64_t step) {
  int best = 0;
  float best_v = p[0];
  for (int64_t i = 1; i < n; ++i) {
    const float v = p[i * step];
    if (v > best_v) {
      best_v = v;
      best = static_cast<int>(i);
    }
  }
  return {best, best_v};
}

// Softmax expectation over n bins: sum_i i * softmax(logits)_i.
inline float DistributionExpectation(const float* logits, int n) {
  float m = logits[0];
  for (int i = 1; i < n; ++i) m = std::max(m, logits[i]);
  float denom = 0.f, num = 0.f;
  for (int i = 0; i < n; ++i) {
    const float e = std::exp(logits[i] - m);
    denom += e;
    num += e * static_cast<float>(i);
  }
  return num / denom;
}

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

std::string ShapeToString(const std::vector<int64_t>& shape) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  os << ']';
  return os.str();
}

Result<std::vector<Detection>> DecodeNanoDet(const TensorView& out, const NanoDetParams& p,
                                             float score_threshold) {
  ES_ASSIGN_OR_RETURN(const Matrix2D m, As2D(out, "nanodet"));
  if (p.num_classes <= 0 || p.reg_max < 0 || p.input_w <= 0 || p.input_h <= 0 ||
      p.strides.empty() ||
      std::any_of(p.strides.begin(), p.strides.end(), [](int s) { return s <= 0; })) {
    return InvalidArgument("nanodet: invalid params (classes, reg_max, input size or strides)");
  }
  const int bins = p.reg_max + 1;
  const int64_t width = p.num_classes + 4LL * bins;
  int64_t expected_n = 0;
  for (int s : p.strides) expected_n += CeilDiv(p.input_h, s) * CeilDiv(p.input_w, s);
  if (m.cols != width || m.rows != expected_n) {
    return InvalidArgument("nanodet: expected output [1, " + std::to_string(expected_n) + ", " +
                           std::to_string(width) + "] for " + std::to_string(p.input_w) + "x" +
                           std::to_string(p.input_h) + ", got " + ShapeToString(out.shape));
  }

  std::vector<Detection> dets;
  int64_t row = 0;
  for (int s : p.strides) {
    const int64_t fw = CeilDiv(p.input_w, s), fh = CeilDiv(p.input_h, s);
    const float stride = static_cast<float>(s);
    for (int64_t cy = 0; cy < fh; ++cy) {
      for (int64_t cx = 0; cx < fw; ++cx, ++row) {
        const float* r = out.data + row * width;
        auto [cls, score] = ArgMax(r, p.num_classes, 1);
        if (!p.cls_is_sigmoid) score = Sigmoid(score);  // monotonic: argmax unchanged
        if (!(score >= score_threshold)) continue;
        const float* reg = r + p.num_classes;
        const float l = DistributionExpectation(reg, bins) * stride;
        const float t = DistributionExpectation(reg + bins, bins) * stride;
        const float rr = DistributionExpectation(reg + 2 * bins, bins) * stride;
        const float b = DistributionExpectation(reg + 3 * bins, bins) * stride;
        const float px = (static_cast<float>(cx) + p.center_offset) * stride;
        const float py = (static_cast<float>(cy) + p.center_offset) * stride;
        dets.push_back({BBox::FromCorners(px - l, py - t, px + rr, py + b), score, cls});
      }
    }
  }
  return dets;
}

Result<std::vector<Detection>> DecodeYoloV5(const TensorView& out, float score_threshold,
                                            int num_classes) {
  ES_ASSIGN_OR_RETURN(const Matrix2D m, As2D(out, "yolov5"));
  const int64_t c = m.cols - 5;
  if (c < 1 || (num_classes > 0 && c != num_classes)) {
    return InvalidArgument("yolov5: expected rows of 5 + " +
                           (num_classes > 0 ? std::to_string(num_classes) : std::string("C")) +
                           " values (C >= 1), got " + ShapeToString(out.shape));
  }
  std::vector<Detection> dets;
  for (int64_t i = 0; i < m.rows; ++i) {
    const float* r = out.data + i * m.cols;
    const float obj = r[4];
    if (!(obj >= score_threshold)) continue;  // score = obj * cls <= obj (cls <= 1)
    const auto [cls, cls_score] = ArgMax(r + 5, c, 1);
    const float score = obj * cls_score;
    if (!(score >= score_threshold)) continue;
    dets.push_back({{r[0] - 0.5f * r[2], r[1] - 0.5f * r[3], r[2], r[3]}, score, cls});
  }
  return dets;
}

Result<std::vector<Detection>> DecodeYoloV8(const TensorView& out, float score_threshold,
                                            int num_classes) {
  ES_ASSIGN_OR_RETURN(const Matrix2D m, As2D(out, "yolov8"));
  bool channels_first = false;
  if (num_classes > 0) {
    const int64_t attrs = 4 + num_classes;
    if (m.rows == attrs) {
      channels_first = true;
    } else if (m.cols == attrs) {
      channels_first = false;
    } else {
      return InvalidArgument("yolov8: expected [1, " + std::to_string(attrs) + ", N] or [1, N, " +
                             std::to_string(attrs) + "], got " + ShapeToString(out.shape));
    }
  } else {
    channels_first = m.rows <= m.cols;
  }
  const int64_t attrs = channels_first ? m.rows : m.cols;
  const int64_t n = channels_first ? m.cols : m.rows;
  if (attrs < 5) {
    return InvalidArgument("yolov8: expected at least 5 attributes (4 box + classes), got " +
                           ShapeToString(out.shape));
  }
  // Element (anchor i, attribute a): channels-first a * n + i; transposed i * attrs + a.
  const int64_t attr_step = channels_first ? n : 1;
  const int64_t anchor_step = channels_first ? 1 : attrs;
  std::vector<Detection> dets;
  for (int64_t i = 0; i < n; ++i) {
    const float* base = out.data + i * anchor_step;
    const auto [cls, score] = ArgMax(base + 4 * attr_step, attrs - 4, attr_step);
    if (!(score >= score_threshold)) continue;
    const float cx = base[0], cy = base[attr_step], w = base[2 * attr_step],
                h = base[3 * attr_step];
    dets.push_back({{cx - 0.5f * w, cy - 0.5f * h, w, h}, score, cls});
  }
  return dets;
}

Result<std::vector<Detection>> DecodeYoloPredecoded(const TensorView& out,
                                                    float score_threshold) {
  ES_ASSIGN_OR_RETURN(const Matrix2D m, As2D(out, "predecoded"));
  if (m.cols != 6) {
    return InvalidArgument("predecoded: expected [1, N, 6] (x1, y1, x2, y2, score, class), got " +
                           ShapeToString(out.shape));
  }
  std::vector<Detection> dets;
  for (int64_t i = 0; i < m.rows; ++i) {
    const float* r = out.data + i * 6;
    if (!(r[4] >= score_threshold)) continue;
    if (!(r[2] >= r[0]) || !(r[3] >= r[1])) continue;
    dets.push_back({BBox::FromCorners(r[0], r[1], r[2], r[3]), r[4],
                    static_cast<int>(std::lround(r[5]))});
  }
  return dets;
}

}  // namespace es
