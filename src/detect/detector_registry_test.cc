#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "detect/detector.h"
#include "detect/inference_engine.h"

namespace es {
namespace {

const std::string kTinyModel = std::string(ES_SOURCE_DIR) + "/src/detect/testdata/tiny_yolov8.onnx";

TEST(DetectorRegistryTest, UnknownTypeListsTheValidTypes) {
  DetectorOptions o;
  o.type = "yolo";
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(d.status().message(),
            "detector.type: expected one of [nanodet, onnx, hog, motion], got \"yolo\"");
}

TEST(DetectorRegistryTest, OnnxNeedsAModel) {
  DetectorOptions o;
  o.type = "onnx";
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
}

TEST(DetectorRegistryTest, OnnxInfersTheFormatAndUsesTheRequestedEngine) {
  DetectorOptions o;
  o.type = "onnx";
  o.model = kTinyModel;
  o.engine = "opencv";
  auto d = MakeDetector(o);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)->name(), "yolov8/opencv");
  o.engine = "auto";
  auto a = MakeDetector(o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->name(), HaveOnnxRuntime() ? "yolov8/ort" : "yolov8/opencv");
}

TEST(DetectorRegistryTest, OnnxMissingModelIsNotFound) {
  DetectorOptions o;
  o.type = "onnx";
  o.model = "/nonexistent/yolo.onnx";
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
}

TEST(DetectorRegistryTest, UnknownClassIsInvalidArgumentBeforeLoading) {
  DetectorOptions o;
  o.type = "onnx";
  o.model = "/nonexistent/yolo.onnx";  // never opened: options are checked first
  o.classes = {"person", "dragon"};
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("dragon"), std::string::npos);
}

TEST(DetectorRegistryTest, NanoDetWithAnExplicitMissingModelIsNotFound) {
  DetectorOptions o;
  o.type = "nanodet";
  o.model = "/nonexistent/nanodet.onnx";
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  EXPECT_NE(d.status().message().find("/nonexistent/nanodet.onnx"), std::string::npos);
}

TEST(DetectorRegistryTest, NanoDetRejectsAnotherFormat) {
  DetectorOptions o;
  o.type = "nanodet";
  o.format = "yolov5";
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
}

TEST(DetectorRegistryTest, OrtRequestWithoutOrtIsInvalidArgument) {
  if (HaveOnnxRuntime()) GTEST_SKIP() << "this build has ONNX Runtime";
  DetectorOptions o;
  o.type = "onnx";
  o.model = kTinyModel;
  o.engine = "ort";
  auto d = MakeDetector(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "ONNX Runtime is not part of this build");
}

TEST(DetectorRegistryTest, BuildsHogAndMotion) {
  for (const char* type : {"hog", "motion"}) {
    DetectorOptions o;
    o.type = type;
    auto d = MakeDetector(o);
    ASSERT_TRUE(d.ok()) << type << ": " << d.status().ToString();
    EXPECT_EQ((*d)->name(), type);
  }
}

TEST(DefaultNanoDetModelPathTest, EnvironmentOverridesTheBuildDefault) {
  const char* old = std::getenv("ES_MODEL_DIR");
  const std::string saved = old ? old : "";
  ::unsetenv("ES_MODEL_DIR");
  EXPECT_EQ(DefaultNanoDetModelPath(), std::string(ES_MODEL_DIR) + "/nanodet-m-416.onnx");
  ::setenv("ES_MODEL_DIR", "/opt/models", 1);
  EXPECT_EQ(DefaultNanoDetModelPath(), "/opt/models/nanodet-m-416.onnx");
  ::setenv("ES_MODEL_DIR", "", 1);  // empty counts as unset
  EXPECT_EQ(DefaultNanoDetModelPath(), std::string(ES_MODEL_DIR) + "/nanodet-m-416.onnx");
  if (old) {
    ::setenv("ES_MODEL_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("ES_MODEL_DIR");
  }
}

}  // namespace
}  // namespace es
