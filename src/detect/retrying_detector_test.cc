#include "detect/retrying_detector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>

namespace es {
namespace {

namespace fs = std::filesystem;

// A model path that does not exist at first; the model is copied there later, as an operator
// restoring a deleted or half-written file would.
TEST(RetryingDetectorTest, UnavailableUntilTheModelLoadsThenDetects) {
  if (!fs::exists(DefaultNanoDetModelPath())) GTEST_SKIP() << "embedded model absent";
  const fs::path dir = fs::temp_directory_path() / ("es_retry_" + std::to_string(getpid()));
  fs::create_directories(dir);
  DetectorOptions o;
  o.type = "onnx";
  o.format = "nanodet";
  o.model = (dir / "model.onnx").string();
  auto first = MakeDetector(o);
  ASSERT_FALSE(first.ok());
  Timestamp now = Timestamp::Seconds(100);
  RetryingDetector d(o, first.status(), Duration::Seconds(5), [&] { return now; });
  EXPECT_FALSE(d.loaded());
  EXPECT_NE(d.name().find("not loaded"), std::string::npos);
  const cv::Mat frame(240, 320, CV_8UC3, cv::Scalar(90, 90, 90));
  auto r = d.Detect(frame);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("model not loaded"), std::string::npos);
  // A corrupt file is tried at the next retry time, and still fails.
  { std::ofstream(o.model) << "not an onnx model"; }
  now = now + Duration::Seconds(5);
  r = d.Detect(frame);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  // The real model arrives; nothing is tried before the retry time...
  fs::copy_file(DefaultNanoDetModelPath(), o.model, fs::copy_options::overwrite_existing);
  now = now + Duration::Seconds(1);
  EXPECT_FALSE(d.Detect(frame).ok());
  EXPECT_FALSE(d.loaded());
  // ...and it loads at the retry time.
  now = now + Duration::Seconds(4);
  r = d.Detect(frame);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(d.loaded());
  EXPECT_EQ(d.name().find("not loaded"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace es
