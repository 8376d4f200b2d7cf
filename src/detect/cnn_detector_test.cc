#include "detect/cnn_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "detect/coco_classes.h"
#include "detect/detector.h"

namespace es {
namespace {

// tools/make_detect_testdata.py: input 128x128, one "person" per white 8x8 cell (score 0.982),
// YOLOv8 raw output [1, 84, 256].
const std::string kTinyModel = std::string(ES_SOURCE_DIR) + "/src/detect/testdata/tiny_yolov8.onnx";
const char kPersonJpg[] = "/usr/share/darknet/data/person.jpg";

std::vector<std::string> BuiltEngines() {
  std::vector<std::string> kinds = {"opencv"};
  if (HaveOnnxRuntime()) kinds.push_back("ort");
  return kinds;
}

Result<std::unique_ptr<CnnDetector>> MakeTiny(const std::string& engine, CnnDetectorParams p) {
  auto e = MakeEngine({engine, 1}, kTinyModel);
  if (!e.ok()) return e.status();
  return CnnDetector::Create(std::move(e).value(), std::move(p));
}

CnnDetectorParams TinyParams() {
  CnnDetectorParams p;
  p.format = "yolov8";
  p.score_threshold = 0.5f;
  return p;
}

void ExpectBoxNear(const BBox& got, const BBox& want, float tol) {
  EXPECT_NEAR(got.x, want.x, tol);
  EXPECT_NEAR(got.y, want.y, tol);
  EXPECT_NEAR(got.w, want.w, tol);
  EXPECT_NEAR(got.h, want.h, tol);
}

TEST(InferHeadFormatTest, RecognisesEachHeadLayout) {
  EXPECT_EQ(*InferHeadFormat({1, 84, 8400}, 640, 640), "yolov8");    // YOLOv8 / 11 raw
  EXPECT_EQ(*InferHeadFormat({1, 8400, 84}, 640, 640), "yolov8");    // transposed export
  EXPECT_EQ(*InferHeadFormat({1, 300, 6}, 640, 640), "yolov8");      // end-to-end
  EXPECT_EQ(*InferHeadFormat({1, 25200, 85}, 640, 640), "yolov5");   // 3 anchors per cell
  EXPECT_EQ(*InferHeadFormat({1, 3598, 124}, 416, 416), "nanodet");  // 4 levels, reg_max 10
  EXPECT_EQ(*InferHeadFormat({1, 3549, 112}, 416, 416), "nanodet");  // 3 levels, reg_max 7
  EXPECT_EQ(*InferHeadFormat({2100, 112}, 320, 320), "nanodet");     // rank 2
}

TEST(InferHeadFormatTest, UnrecognisedShapeAsksForAFormat) {
  for (const auto& shape : std::vector<std::vector<int64_t>>{
           {1, 1000, 90}, {1, 3549, 113}, {1, 2, 3, 4}, {2, 84, 8400}, {}}) {
    auto f = InferHeadFormat(shape, 416, 416);
    ASSERT_FALSE(f.ok()) << ShapeToString(shape);
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(f.status().message().find("format"), std::string::npos);
  }
}

TEST(CnnDetectorParamsTest, MapsClassNamesAndRejectsUnknownOnes) {
  DetectorOptions o;
  o.classes = {"person", "dog"};
  auto p = CnnDetectorParams::FromOptions(o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->class_ids, (std::vector<int>{0, 16}));
  o.classes = {"person", "unicorn"};
  auto bad = CnnDetectorParams::FromOptions(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("unicorn"), std::string::npos);
}

TEST(CnnPreprocessTest, YoloFeedsRgbOverTwoFiftyFiveWithGreyCentredPadding) {
  auto d = MakeTiny("opencv", TinyParams());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  // 128x64 pure blue frame: scale 1, padded 32 rows above and below with 114.
  cv::Mat blue(64, 128, CV_8UC3, cv::Scalar(255, 0, 0));
  Tensor t;
  const LetterboxTransform lb = (*d)->MakeInput(blue, &t);
  EXPECT_FLOAT_EQ(lb.scale, 1.f);
  EXPECT_FLOAT_EQ(lb.pad_y, 32.f);
  ASSERT_EQ(t.shape, (std::vector<int64_t>{1, 3, 128, 128}));
  const size_t plane = 128 * 128;
  const size_t inside = 64 * 128 + 5, pad = 5;       // (row 64, col 5) and (row 0, col 5)
  EXPECT_FLOAT_EQ(t.data[0 * plane + inside], 0.f);  // R
  EXPECT_FLOAT_EQ(t.data[1 * plane + inside], 0.f);  // G
  EXPECT_FLOAT_EQ(t.data[2 * plane + inside], 1.f);  // B
  for (int c = 0; c < 3; ++c) EXPECT_FLOAT_EQ(t.data[c * plane + pad], 114.f / 255.f);
}

TEST(CnnPreprocessTest, NanoDetDefaultsArePerField) {
  auto p = DefaultPreprocess("nanodet");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->center);  // NanoDet pads right/bottom
  EXPECT_FALSE(DefaultPreprocess("ssd").ok());
}

class CnnDetectorTinyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CnnDetectorTinyTest, FindsTheWhiteSquareInFramePixels) {
  auto d = MakeTiny(GetParam(), TinyParams());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)->name(), "yolov8/" + GetParam());
  EXPECT_EQ((*d)->input_width(), 128);
  // 256x128 frame -> scale 0.5, 32 px grey bands above and below in the network input. A white
  // 16x16 square at (64, 32) lands on network cell (4, 5) exactly.
  cv::Mat frame(128, 256, CV_8UC3, cv::Scalar(0, 0, 0));
  frame(cv::Rect(64, 32, 16, 16)).setTo(cv::Scalar(255, 255, 255));
  auto dets = (*d)->Detect(frame);
  ASSERT_TRUE(dets.ok()) << dets.status().ToString();
  ASSERT_EQ(dets->size(), 1u);
  EXPECT_EQ((*dets)[0].class_id, kClassPerson);
  EXPECT_NEAR((*dets)[0].score, 1.f / (1.f + std::exp(-4.f)), 1e-3f);
  ExpectBoxNear((*dets)[0].box, {64, 32, 16, 16}, 0.01f);
}

TEST_P(CnnDetectorTinyTest, TwoSquaresTwoDetectionsSortedByScore) {
  auto d = MakeTiny(GetParam(), TinyParams());
  ASSERT_TRUE(d.ok());
  cv::Mat frame(128, 128, CV_8UC3, cv::Scalar(0, 0, 0));
  frame(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar(255, 255, 255));
  frame(cv::Rect(64, 96, 8, 8)).setTo(cv::Scalar(200, 200, 200));  // dimmer, lower score
  auto dets = (*d)->Detect(frame);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 2u);
  ExpectBoxNear((*dets)[0].box, {0, 0, 8, 8}, 0.01f);
  ExpectBoxNear((*dets)[1].box, {64, 96, 8, 8}, 0.01f);
  EXPECT_GT((*dets)[0].score, (*dets)[1].score);
}

TEST_P(CnnDetectorTinyTest, ClassFilterDropsOtherClasses) {
  CnnDetectorParams p = TinyParams();
  p.class_ids = {CocoClassId("car")};
  auto d = MakeTiny(GetParam(), p);
  ASSERT_TRUE(d.ok());
  cv::Mat frame(128, 128, CV_8UC3, cv::Scalar(255, 255, 255));
  auto dets = (*d)->Detect(frame);
  ASSERT_TRUE(dets.ok());
  EXPECT_TRUE(dets->empty());
}

// A model whose classes are not COCO's in COCO order (a model update's manifest lists them): its
// detections carry the COCO id of each name; a list of the wrong length is refused.
TEST_P(CnnDetectorTinyTest, TheModelsClassListMapsToCocoIds) {
  CnnDetectorParams p = TinyParams();
  for (int i = 0; i < kNumCocoClasses; ++i) p.class_map.push_back(i);
  std::swap(p.class_map[0], p.class_map[CocoClassId("dog")]);  // output 0 is "dog"
  auto d = MakeTiny(GetParam(), p);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  cv::Mat frame(128, 128, CV_8UC3, cv::Scalar(0, 0, 0));
  frame(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar(255, 255, 255));
  auto dets = (*d)->Detect(frame);
  ASSERT_TRUE(dets.ok());
  ASSERT_EQ(dets->size(), 1u);
  EXPECT_EQ((*dets)[0].class_id, CocoClassId("dog"));
  p.class_map.resize(3);
  auto wrong = MakeTiny(GetParam(), p);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("the model has 80 classes; its class list names 3"),
            std::string::npos)
      << wrong.status().ToString();
  DetectorOptions o;
  o.model_classes = {"person", "forklift"};
  EXPECT_NE(CnnDetectorParams::FromOptions(o).status().message().find("'forklift'"),
            std::string::npos);
}

TEST_P(CnnDetectorTinyTest, ScoreThresholdIsRespected) {
  CnnDetectorParams p = TinyParams();
  p.score_threshold = 0.99f;  // above the white cell's 0.982
  auto d = MakeTiny(GetParam(), p);
  ASSERT_TRUE(d.ok());
  cv::Mat frame(128, 128, CV_8UC3, cv::Scalar(255, 255, 255));
  auto dets = (*d)->Detect(frame);
  ASSERT_TRUE(dets.ok());
  EXPECT_TRUE(dets->empty());
}

TEST_P(CnnDetectorTinyTest, InfersTheFormatFromTheOutputShape) {
  CnnDetectorParams p = TinyParams();
  p.format = "";
  auto d = MakeTiny(GetParam(), p);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)->format(), "yolov8");
}

TEST_P(CnnDetectorTinyTest, WrongFormatFailsAtConstruction) {
  CnnDetectorParams p = TinyParams();
  p.format = "nanodet";
  auto d = MakeTiny(GetParam(), p);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  p.format = "yolov5";  // rows of 256 values: 5 + 251 classes does not fit
  auto d5 = MakeTiny(GetParam(), p);
  ASSERT_FALSE(d5.ok());
  p.format = "retinanet";
  auto unknown = MakeTiny(GetParam(), p);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(CnnDetectorTinyTest, InputSizeMustMatchAFixedModel) {
  CnnDetectorParams p = TinyParams();
  p.input_size = 320;
  auto d = MakeTiny(GetParam(), p);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  p.input_size = 128;
  EXPECT_TRUE(MakeTiny(GetParam(), p).ok());
}

TEST_P(CnnDetectorTinyTest, RejectsEmptyAndGreyFrames) {
  auto d = MakeTiny(GetParam(), TinyParams());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->Detect(cv::Mat()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*d)->Detect(cv::Mat(10, 10, CV_8UC1)).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, CnnDetectorTinyTest, ::testing::ValuesIn(BuiltEngines()),
                         [](const auto& info) { return info.param; });

// ---- the embedded NanoDet model on darknet's person.jpg ----

struct Expected {
  const char* cls;
  float score;
  BBox box;
};

// models/README.md, "Expected detections on person.jpg" (x, y, w, h in source pixels).
const Expected kPersonJpgExpected[] = {
    {"dog", 0.5995f, {66.8f, 264.9f, 132.9f, 86.1f}},
    {"person", 0.4702f, {187.7f, 99.3f, 87.9f, 276.8f}},
    {"horse", 0.4126f, {404.1f, 139.0f, 199.9f, 199.5f}},
};
// The detection of e's class that overlaps e's box most; null when there is none.
const Detection* BestMatch(const std::vector<Detection>& dets, const Expected& e) {
  const Detection* best = nullptr;
  for (const Detection& d : dets) {
    if (CocoClassName(d.class_id) != e.cls) continue;
    if (!best || IoU(d.box, e.box) > IoU(best->box, e.box)) best = &d;
  }
  return best;
}

constexpr float kScoreTolerance = 0.05f;  // README: resize rounding moves scores up to 0.03

class NanoDetTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(DefaultNanoDetModelPath())) {
      GTEST_SKIP() << "embedded model " << DefaultNanoDetModelPath()
                   << " is absent (run scripts/fetch_assets.sh)";
    }
    if (!std::filesystem::exists(kPersonJpg)) {
      GTEST_SKIP() << kPersonJpg << " is absent (Debian package darknet)";
    }
  }
};

Result<std::vector<Detection>> RunNanoDet(const std::string& engine) {
  DetectorOptions o;
  o.type = "nanodet";
  o.engine = engine;
  o.threads = 2;
  ES_ASSIGN_OR_RETURN(std::unique_ptr<Detector> d, MakeDetector(o));
  return d->Detect(cv::imread(kPersonJpg));
}

TEST_P(NanoDetTest, FindsPersonDogAndHorseOnPersonJpg) {
  auto dets = RunNanoDet(GetParam());
  ASSERT_TRUE(dets.ok()) << dets.status().ToString();
  std::ostringstream found;
  for (const Detection& d : *dets) {
    found << CocoClassName(d.class_id) << " " << d.score << " [" << d.box.x << ", " << d.box.y
          << ", " << d.box.x2() << ", " << d.box.y2() << "]\n";
  }
  SCOPED_TRACE("detections:\n" + found.str());
  for (const Expected& e : kPersonJpgExpected) {
    const Detection* best = BestMatch(*dets, e);
    ASSERT_NE(best, nullptr) << "no " << e.cls;
    EXPECT_GE(IoU(best->box, e.box), 0.8f) << e.cls;
    EXPECT_NEAR(best->score, e.score, kScoreTolerance) << e.cls;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, NanoDetTest, ::testing::ValuesIn(BuiltEngines()),
                         [](const auto& info) { return info.param; });

TEST(NanoDetAgreementTest, OrtAndOpenCvAgree) {
  if (!HaveOnnxRuntime()) GTEST_SKIP() << "ONNX Runtime is not part of this build";
  if (!std::filesystem::exists(DefaultNanoDetModelPath()) || !std::filesystem::exists(kPersonJpg)) {
    GTEST_SKIP() << "embedded model or person.jpg absent";
  }
  auto a = RunNanoDet("ort");
  auto b = RunNanoDet("opencv");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].class_id, (*b)[i].class_id) << i;
    EXPECT_NEAR((*a)[i].score, (*b)[i].score, 1e-3f) << i;
    EXPECT_GE(IoU((*a)[i].box, (*b)[i].box), 0.99f) << i;
  }
}

// ---- the INT8 model (tools/quantize_nanodet.py, docs/tradeoffs.md) ----

std::string ModelPath(const std::string& file) {
  return std::filesystem::path(DefaultNanoDetModelPath()).parent_path().string() + "/" + file;
}

std::string Int8ModelPath() { return ModelPath("nanodet-m-416-int8.onnx"); }

Result<std::unique_ptr<Detector>> MakeOnnxNanoDet(const std::string& engine,
                                                  const std::string& path = Int8ModelPath()) {
  DetectorOptions o;
  o.type = "onnx";
  o.model = path;
  o.format = "nanodet";
  o.engine = engine;
  o.threads = 2;
  return MakeDetector(o);
}

TEST(NanoDetInt8Test, FindsWhatFp32FindsOnPersonJpg) {
  if (!HaveOnnxRuntime()) GTEST_SKIP() << "ONNX Runtime is not part of this build";
  if (!std::filesystem::exists(Int8ModelPath()) || !std::filesystem::exists(kPersonJpg)) {
    GTEST_SKIP() << "INT8 model or person.jpg absent (run scripts/fetch_assets.sh)";
  }
  auto d = MakeOnnxNanoDet("ort");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto dets = (*d)->Detect(cv::imread(kPersonJpg));
  ASSERT_TRUE(dets.ok()) << dets.status().ToString();
  // The same three objects as the FP32 model, with boxes and scores a little off: the
  // quantisation error, not a different model.
  for (const Expected& e : kPersonJpgExpected) {
    const Detection* best = BestMatch(*dets, e);
    ASSERT_NE(best, nullptr) << "no " << e.cls;
    EXPECT_GE(IoU(best->box, e.box), 0.7f) << e.cls;
    EXPECT_NEAR(best->score, e.score, 0.1f) << e.cls;
  }
}

TEST(NanoDetInt8Test, OpenCvEngineRefusesItWithOneLine) {
  if (!std::filesystem::exists(Int8ModelPath())) GTEST_SKIP() << "INT8 model absent";
  auto d = MakeOnnxNanoDet("opencv");
  if (d.ok()) GTEST_SKIP() << "this OpenCV loads QDQ models";
  EXPECT_FALSE(d.status().message().empty());
  EXPECT_EQ(d.status().message().find('\n'), std::string::npos) << d.status().message();
}

// The 320 operating point (convert_nanodet.py --input-size 320, and its INT8 quantisation): the
// decoder takes the grid from the model (2100 anchor points), and the three objects are found.
TEST(NanoDet320Test, FindsTheThreeObjectsOnPersonJpg) {
  if (!HaveOnnxRuntime()) GTEST_SKIP() << "ONNX Runtime is not part of this build";
  for (const char* file : {"nanodet-320.onnx", "nanodet-320-int8.onnx"}) {
    SCOPED_TRACE(file);
    if (!std::filesystem::exists(ModelPath(file)) || !std::filesystem::exists(kPersonJpg)) {
      GTEST_SKIP() << file << " or person.jpg absent (run scripts/fetch_assets.sh)";
    }
    auto d = MakeOnnxNanoDet("ort", ModelPath(file));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    auto dets = (*d)->Detect(cv::imread(kPersonJpg));
    ASSERT_TRUE(dets.ok()) << dets.status().ToString();
    std::ostringstream found;
    for (const Detection& x : *dets) {
      found << CocoClassName(x.class_id) << " " << x.score << " [" << x.box.x << ", " << x.box.y
            << ", " << x.box.w << ", " << x.box.h << "]\n";
    }
    SCOPED_TRACE(found.str());
    for (const Expected& e : kPersonJpgExpected) {
      const Detection* best = BestMatch(*dets, e);
      ASSERT_NE(best, nullptr) << "no " << e.cls;
      EXPECT_GE(IoU(best->box, e.box), 0.6f) << e.cls;
    }
  }
}

}  // namespace
}  // namespace es
