#include "detect/cnn_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <utility>

#include "detect/coco_classes.h"
#include "detect/nms.h"

namespace es {
namespace {

constexpr int kCocoClasses = 80;
const std::vector<int> kStrides3 = {8, 16, 32};
const std::vector<int> kStrides4 = {8, 16, 32, 64};

int64_t CellCount(const std::vector<int>& strides, int w, int h) {
  int64_t n = 0;
  for (int s : strides) n += static_cast<int64_t>((h + s - 1) / s) * ((w + s - 1) / s);
  return n;
}

// [1, A, B] or [A, B] -> (A, B); false for any other shape.
bool RowsCols(const std::vector<int64_t>& shape, int64_t* a, int64_t* b) {
  if (shape.size() == 3 && shape[0] == 1) {
    *a = shape[1];
    *b = shape[2];
  } else if (shape.size() == 2) {
    *a = shape[0];
    *b = shape[1];
  } else {
    return false;
  }
  return *a > 0 && *b > 0;
}

bool IsYoloFormat(const std::string& f) { return f == "yolov8" || f == "yolo11"; }

}  // namespace

Result<CnnPreprocess> DefaultPreprocess(const std::string& format) {
  CnnPreprocess p;
  if (format == "nanodet") {
    // The embedded NanoDet export (tools/convert_nanodet.py, models/README.md): BGR input
    // normalised with NanoDet's ImageNet mean/std in BGR order, padded with black.
    p.swap_rb = false;
    p.mean = {103.53, 116.28, 123.675};
    p.std = {57.375, 57.12, 58.395};
    p.pad_value = {0.0, 0.0, 0.0};
    p.center = false;
    return p;
  }
  if (format == "yolov5" || IsYoloFormat(format)) {
    p.swap_rb = true;
    p.mean = {0.0, 0.0, 0.0};
    p.std = {255.0, 255.0, 255.0};
    p.pad_value = {114.0, 114.0, 114.0};
    p.center = true;
    return p;
  }
  return InvalidArgument("unknown detector format '" + format +
                         "' (valid: nanodet, yolov5, yolov8, yolo11)");
}

NanoDetParams DefaultNanoDetHead() {
  NanoDetParams p;
  p.num_classes = kCocoClasses;
  p.center_offset = 0.5f;  // legacy NanoDet: priors at cell centres (models/README.md)
  p.cls_is_sigmoid = true;
  return p;
}

Result<std::string> InferHeadFormat(const std::vector<int64_t>& output_shape, int input_w,
                                    int input_h) {
  int64_t a = 0, b = 0;
  if (!RowsCols(output_shape, &a, &b)) {
    return InvalidArgument("cannot infer the detector format from output shape " +
                           ShapeToString(output_shape) + "; set format");
  }
  if (b == 6 && a > b) return std::string("yolov8");
  if (a <= b) return std::string("yolov8");
  if (b == 4 + kCocoClasses) return std::string("yolov8");
  if (a == 3 * CellCount(kStrides3, input_w, input_h)) return std::string("yolov5");
  if ((a == CellCount(kStrides3, input_w, input_h) ||
       a == CellCount(kStrides4, input_w, input_h)) &&
      b > 4 + kCocoClasses && (b - kCocoClasses) % 4 == 0) {
    return std::string("nanodet");
  }
  return InvalidArgument("cannot infer the detector format from output shape " +
                         ShapeToString(output_shape) + " at input " + std::to_string(input_w) +
                         "x" + std::to_string(input_h) + "; set format (nanodet, yolov5, yolov8)");
}

Result<CnnDetectorParams> CnnDetectorParams::FromOptions(const DetectorOptions& options) {
  CnnDetectorParams p;
  p.format = options.format;
  p.input_size = options.input_size;
  p.score_threshold = options.score_threshold;
  p.nms_iou = options.nms_iou;
  for (const auto& name : options.classes) {
    const int id = CocoClassId(name);
    if (id < 0) {
      return InvalidArgument("unknown class '" + name +
                             "' in detector classes (COCO names such as person, car, dog)");
    }
    p.class_ids.push_back(id);
  }
  for (const auto& name : options.model_classes) {
    const int id = CocoClassId(name);
    if (id < 0) {
      return InvalidArgument("the model's class '" + name +
                             "' is not a COCO class name (the runtime names classes by COCO id)");
    }
    p.class_map.push_back(id);
  }
  return p;
}

CnnDetector::CnnDetector(std::unique_ptr<InferenceEngine> engine, CnnDetectorParams params)
    : engine_(std::move(engine)), params_(std::move(params)) {}

CnnDetector::~CnnDetector() = default;

std::string CnnDetector::name() const { return params_.format + "/" + engine_->name(); }

Result<std::unique_ptr<CnnDetector>> CnnDetector::Create(std::unique_ptr<InferenceEngine> engine,
                                                         CnnDetectorParams params) {
  if (!engine) return InvalidArgument("CnnDetector needs an inference engine");
  if (params.input_size < 0) {
    return InvalidArgument("input_size must be >= 0, got " + std::to_string(params.input_size));
  }
  if (!(params.nms_iou > 0.f && params.nms_iou <= 1.f)) {
    return InvalidArgument("nms_iou must be in (0, 1]");
  }
  if (!params.format.empty()) {
    ES_RETURN_IF_ERROR(DefaultPreprocess(params.format).status());  // validates the name
  }
  std::unique_ptr<CnnDetector> d(new CnnDetector(std::move(engine), std::move(params)));
  CnnDetectorParams& p = d->params_;

  // Input size: the model's declared H x W, or input_size for a dynamic (or equal) model.
  const std::vector<int64_t> in = d->engine_->input_shape();
  if (in.size() != 4 || (in[1] != 3 && in[1] != -1)) {
    return InvalidArgument("model input " + ShapeToString(in) +
                           " is not an image tensor [N, 3, H, W]");
  }
  if (p.input_size > 0) {
    if ((in[2] > 0 && in[2] != p.input_size) || (in[3] > 0 && in[3] != p.input_size)) {
      return InvalidArgument("input_size " + std::to_string(p.input_size) +
                             " does not match the model's fixed input " + ShapeToString(in));
    }
    d->input_w_ = d->input_h_ = p.input_size;
  } else {
    if (in[2] <= 0 || in[3] <= 0) {
      return InvalidArgument("model input " + ShapeToString(in) +
                             " has a dynamic size; set input_size");
    }
    d->input_h_ = static_cast<int>(in[2]);
    d->input_w_ = static_cast<int>(in[3]);
  }

  // Warm-up: run once on zeros to learn the output shapes (and to fail here, not later).
  d->input_.name = "input";
  d->input_.shape = {1, 3, d->input_h_, d->input_w_};
  d->input_.data.assign(static_cast<size_t>(3) * d->input_h_ * d->input_w_, 0.f);
  ES_ASSIGN_OR_RETURN(std::vector<Tensor> outs, d->engine_->Run(d->input_));
  if (outs.empty()) return DataLoss("model has no outputs");
  d->output_index_ = 0;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].name == "output") d->output_index_ = i;  // NanoDet's conventional name
  }
  const Tensor& head = outs[d->output_index_];
  if (p.format.empty()) {
    ES_ASSIGN_OR_RETURN(p.format, InferHeadFormat(head.shape, d->input_w_, d->input_h_));
  }
  if (p.override_preprocess) {
    d->pre_ = p.preprocess;
  } else {
    ES_ASSIGN_OR_RETURN(d->pre_, DefaultPreprocess(p.format));
  }

  int64_t a = 0, b = 0;
  const bool rank_ok = RowsCols(head.shape, &a, &b);
  if (p.format == "nanodet") {
    d->nanodet_ = DefaultNanoDetHead();
    d->nanodet_.input_w = d->input_w_;
    d->nanodet_.input_h = d->input_h_;
    if (!p.class_map.empty()) d->nanodet_.num_classes = static_cast<int>(p.class_map.size());
    const int64_t reg = b - d->nanodet_.num_classes;
    if (!rank_ok || reg < 8 || reg % 4 != 0) {
      return InvalidArgument("output " + ShapeToString(head.shape) +
                             " is not a NanoDet head with " +
                             std::to_string(d->nanodet_.num_classes) + " classes");
    }
    d->nanodet_.reg_max = static_cast<int>(reg / 4 - 1);
    if (a == CellCount(kStrides3, d->input_w_, d->input_h_)) {
      d->nanodet_.strides = kStrides3;
    } else if (a == CellCount(kStrides4, d->input_w_, d->input_h_)) {
      d->nanodet_.strides = kStrides4;
    } else {
      return InvalidArgument("NanoDet output " + ShapeToString(head.shape) +
                             " does not match strides 8/16/32 or 8/16/32/64 at input " +
                             std::to_string(d->input_w_) + "x" + std::to_string(d->input_h_));
    }
  } else if (p.format == "yolov5") {
    // Every real export has far more rows (anchors) than attributes; a wider-than-tall output
    // is a channels-first (YOLOv8-style) head that would decode into garbage.
    if (!rank_ok || a <= b) {
      return InvalidArgument("output " + ShapeToString(head.shape) +
                             " is not a YOLOv5 head [1, N, 5 + C] with N > 5 + C");
    }
  } else if (IsYoloFormat(p.format)) {
    d->predecoded_ = rank_ok && b == 6 && a > b;
  }
  if (!p.class_map.empty() && rank_ok && p.format != "nanodet" && !d->predecoded_) {
    const int64_t classes = p.format == "yolov5" ? b - 5 : (a <= b ? a : b) - 4;
    if (classes != static_cast<int64_t>(p.class_map.size())) {
      return InvalidArgument("the model has " + std::to_string(classes) +
                             " classes; its class list names " +
                             std::to_string(p.class_map.size()));
    }
  }
  // Decoding the warm-up output checks that the shape fits the head.
  ES_RETURN_IF_ERROR(d->Decode(head, p.score_threshold).status());
  return d;
}

LetterboxTransform CnnDetector::MakeInput(const cv::Mat& bgr, Tensor* out) const {
  const LetterboxTransform t = ComputeLetterbox(bgr.size(), input_w_, input_h_, pre_.center);
  const cv::Mat img = ApplyLetterbox(bgr, t, input_w_, input_h_, pre_.pad_value);
  const size_t plane = static_cast<size_t>(input_w_) * input_h_;
  out->shape = {1, 3, input_h_, input_w_};
  out->data.resize(3 * plane);
  float* c0 = out->data.data();
  float* c1 = c0 + plane;
  float* c2 = c1 + plane;
  // Source BGR channel feeding each network channel.
  const int src0 = pre_.swap_rb ? 2 : 0, src2 = pre_.swap_rb ? 0 : 2;
  float inv[3], mean[3];
  for (int c = 0; c < 3; ++c) {
    inv[c] = static_cast<float>(1.0 / pre_.std[c]);
    mean[c] = static_cast<float>(pre_.mean[c]);
  }
  size_t i = 0;
  for (int y = 0; y < img.rows; ++y) {
    const uint8_t* row = img.ptr<uint8_t>(y);
    for (int x = 0; x < img.cols; ++x, ++i, row += 3) {
      c0[i] = (static_cast<float>(row[src0]) - mean[0]) * inv[0];
      c1[i] = (static_cast<float>(row[1]) - mean[1]) * inv[1];
      c2[i] = (static_cast<float>(row[src2]) - mean[2]) * inv[2];
    }
  }
  return t;
}

Result<std::vector<Detection>> CnnDetector::Decode(const Tensor& out, float score_threshold) const {
  const TensorView view{out.data.data(), out.shape};
  if (params_.format == "nanodet") return DecodeNanoDet(view, nanodet_, score_threshold);
  if (params_.format == "yolov5") return DecodeYoloV5(view, score_threshold);
  if (predecoded_) return DecodeYoloPredecoded(view, score_threshold);
  return DecodeYoloV8(view, score_threshold);
}

Result<std::vector<Detection>> CnnDetector::Detect(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return InvalidArgument("CnnDetector needs a non-empty 8-bit BGR image");
  }
  const LetterboxTransform t = MakeInput(bgr, &input_);
  ES_ASSIGN_OR_RETURN(std::vector<Tensor> outs, engine_->Run(input_));
  if (output_index_ >= outs.size()) return Internal("engine returned too few outputs");
  ES_ASSIGN_OR_RETURN(std::vector<Detection> cands,
                      Decode(outs[output_index_], params_.score_threshold));
  if (!params_.class_map.empty()) {  // the model's classes -> COCO ids
    std::erase_if(cands, [&](Detection& d) {
      if (d.class_id < 0 || d.class_id >= static_cast<int>(params_.class_map.size())) return true;
      d.class_id = params_.class_map[static_cast<size_t>(d.class_id)];
      return false;
    });
  }
  if (!params_.class_ids.empty()) {
    std::erase_if(cands, [&](const Detection& d) {
      return std::find(params_.class_ids.begin(), params_.class_ids.end(), d.class_id) ==
             params_.class_ids.end();
    });
  }
  std::vector<Detection> kept =
      NmsClassAware(std::move(cands), params_.nms_iou, params_.max_detections);
  std::vector<Detection> result;
  result.reserve(kept.size());
  for (Detection& d : kept) {
    d.box = t.ToSource(d.box);
    if (d.box.area() > 0.f) result.push_back(d);
  }
  return result;
}

Result<std::unique_ptr<Detector>> MakeCnnDetector(const DetectorOptions& options,
                                                  const std::string& model_path) {
  // Options are checked before the (slow) model load.
  ES_ASSIGN_OR_RETURN(CnnDetectorParams params, CnnDetectorParams::FromOptions(options));
  if (!params.format.empty()) ES_RETURN_IF_ERROR(DefaultPreprocess(params.format).status());
  EngineOptions eo;
  eo.kind = options.engine;
  eo.threads = options.threads;
  ES_ASSIGN_OR_RETURN(std::unique_ptr<InferenceEngine> engine, MakeEngine(eo, model_path));
  ES_ASSIGN_OR_RETURN(std::unique_ptr<CnnDetector> d,
                      CnnDetector::Create(std::move(engine), std::move(params)));
  return std::unique_ptr<Detector>(std::move(d));
}

}  // namespace es
