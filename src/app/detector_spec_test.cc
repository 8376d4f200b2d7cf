#include "app/detector_spec.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(DetectorSpec, PlainTypes) {
  for (const char* t : {"nanodet", "hog", "motion"}) {
    DetectorOptions o;
    ASSERT_TRUE(ApplyDetectorSpec(t, &o).ok()) << t;
    EXPECT_EQ(o.type, t);
  }
}

TEST(DetectorSpec, OnnxWithOptions) {
  DetectorOptions o;
  ASSERT_TRUE(
      ApplyDetectorSpec("onnx:/m/y.onnx,format=yolov8,engine=opencv,threads=1,score=0.4", &o).ok());
  EXPECT_EQ(o.type, "onnx");
  EXPECT_EQ(o.model, "/m/y.onnx");
  EXPECT_EQ(o.format, "yolov8");
  EXPECT_EQ(o.engine, "opencv");
  EXPECT_EQ(o.threads, 1);
  EXPECT_FLOAT_EQ(o.score_threshold, 0.4f);
}

TEST(DetectorSpec, Errors) {
  DetectorOptions o;
  for (const char* bad : {"", "yolo", "onnx", "nanodet,threads=zero", "nanodet,engine=tpu",
                          "nanodet,score=2", "nanodet,colour=red", "nanodet,threads"}) {
    Status s = ApplyDetectorSpec(bad, &o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().find('\n'), std::string::npos);
  }
}

// The flag accepts exactly what the config file accepts: ranges come from the schema (the flag
// used to allow threads in [1, 64] while detector.threads allowed [1, 256]).
TEST(DetectorSpec, RangesAreTheSchemasAndErrorsNameTheKey) {
  DetectorOptions o;
  ASSERT_TRUE(ApplyDetectorSpec("nanodet,threads=200", &o).ok());
  EXPECT_EQ(o.threads, 200);
  EXPECT_EQ(ApplyDetectorSpec("nanodet,threads=300", &o).message(),
            "--detector: detector.threads: expected an integer in [1, 256], got 300");
  EXPECT_EQ(ApplyDetectorSpec("nanodet,engine=tpu", &o).message(),
            "--detector: detector.engine: expected one of [auto, ort, opencv], got \"tpu\"");
}

}  // namespace
}  // namespace es
