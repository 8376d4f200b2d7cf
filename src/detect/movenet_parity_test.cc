// Parity of movenet-lightning.onnx (MoveNet SinglePose Lightning, made by
// tools/convert_movenet.py; contract in models/README.md, "MoveNet") on ONNX Runtime with the
// Python reference: convert_movenet.py evaluates the original TF.js graph in numpy on the same
// 192x192 input (a person crop of vtest.avi letterboxed by ffmpeg, so the test feeds the same
// pixels to both). Only the model is checked here: there is no MoveNet estimator class yet.
// Skips (with the reason) when ONNX Runtime is not built in, or the model, its TF.js source,
// vtest.avi, ffmpeg or /usr/bin/python3 with numpy and onnx are missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "core/temp_dir_test_util.h"
#include "detect/inference_engine.h"
#include "detect/pose_estimator.h"

namespace es {
namespace {

namespace fs = std::filesystem;

constexpr int kInputSize = 192;
constexpr int kKeypoints = 17;  // COCO order: 0 nose .. 16 right ankle

// vtest.avi frame 100: the man facing the camera (the BlazePose test's person crop, w:h:x:y).
constexpr int kFrame = 100;
constexpr char kPersonCrop[] = "50:92:366:170";

// Tolerances of convert_movenet.py (TOLERANCE): y, x normalised to the input (1e-3 = 0.19 px);
// a keypoint that lands on another heatmap cell moves by 1/48 and fails.
constexpr float kMaxYxDiff = 1e-3f;
constexpr float kMaxScoreDiff = 1e-4f;

// Next to the pose model in the model cache (scripts/fetch_assets.sh puts both there).
fs::path ModelDir() { return fs::path(DefaultPoseModelPath()).parent_path(); }

// Cuts the person crop of frame kFrame of vtest.avi and letterboxes it centred into 192x192 on
// black (the contract's preprocessing), as a lossless PNG.
bool CutLetterboxedCrop(const std::string& out) {
  const std::string s = std::to_string(kInputSize);
  const std::string cmd = std::string("ffmpeg -nostdin -hide_banner -loglevel error -y -i ") +
                          ES_DEFAULT_VIDEO + " -vf \"select=eq(n\\," + std::to_string(kFrame) +
                          "),crop=" + kPersonCrop + ",scale=" + s + ":" + s +
                          ":force_original_aspect_ratio=decrease:flags=bilinear,pad=" + s + ":" +
                          s + ":(ow-iw)/2:(oh-ih)/2:black\" -frames:v 1 " + out;
  return std::system(cmd.c_str()) == 0;
}

// A BGR 192x192 image as the model's input: NCHW, RGB, pixel values 0..255 (not scaled).
Tensor ToInput(const cv::Mat& bgr) {
  Tensor t;
  t.name = "input";
  t.shape = {1, 3, kInputSize, kInputSize};
  const size_t plane = static_cast<size_t>(kInputSize) * kInputSize;
  t.data.resize(3 * plane);
  size_t i = 0;
  for (int y = 0; y < bgr.rows; ++y) {
    const uint8_t* row = bgr.ptr<uint8_t>(y);
    for (int x = 0; x < bgr.cols; ++x, ++i, row += 3) {
      t.data[i] = row[2];
      t.data[plane + i] = row[1];
      t.data[2 * plane + i] = row[0];
    }
  }
  return t;
}

TEST(MoveNetParityTest, OrtMatchesTheTfGraphReference) {
  if (!HaveOnnxRuntime()) GTEST_SKIP() << "ONNX Runtime is not part of this build";
  const fs::path model = ModelDir() / "movenet-lightning.onnx";
  const fs::path tfjs = ModelDir() / "movenet-tfjs";
  if (!fs::exists(model)) GTEST_SKIP() << model << " is absent (run scripts/fetch_assets.sh)";
  if (!fs::exists(tfjs / "movenet-lightning.json") || !fs::exists(tfjs / "movenet-lightning.bin")) {
    GTEST_SKIP() << tfjs << " is absent (run scripts/fetch_assets.sh)";
  }
  if (!fs::exists(ES_DEFAULT_VIDEO)) GTEST_SKIP() << ES_DEFAULT_VIDEO << " is absent";
  if (std::system("ffmpeg -hide_banner -version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "ffmpeg command line tool not installed";
  }
  if (std::system("/usr/bin/python3 -c 'import numpy, onnx' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with numpy and onnx is needed for the reference";
  }
  test_util::TempDir dir("es_movenet");
  ASSERT_FALSE(dir.path().empty());
  const std::string image = dir / "person192.png";
  ASSERT_TRUE(CutLetterboxedCrop(image));

  // The reference: 17 lines "y x score" from the TF graph in numpy.
  const fs::path tool = fs::path(ES_SOURCE_DIR) / "tools" / "convert_movenet.py";
  const std::string ref_file = dir / "reference.txt";
  const std::string cmd = "/usr/bin/python3 " + tool.string() + " --json " +
                          (tfjs / "movenet-lightning.json").string() + " --bin " +
                          (tfjs / "movenet-lightning.bin").string() + " --reference " + image +
                          " --reference-out " + ref_file + " >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(ref_file);
  std::vector<std::array<float, 3>> ref(kKeypoints);
  for (auto& row : ref) ASSERT_TRUE(in >> row[0] >> row[1] >> row[2]) << ref_file;

  auto engine = MakeEngine({"ort", 1}, model.string());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->input_shape(), (std::vector<int64_t>{1, 3, kInputSize, kInputSize}));
  const cv::Mat img = cv::imread(image);
  ASSERT_EQ(img.type(), CV_8UC3);
  ASSERT_EQ(img.cols, kInputSize);
  ASSERT_EQ(img.rows, kInputSize);
  auto outs = (*engine)->Run(ToInput(img));
  ASSERT_TRUE(outs.ok()) << outs.status().ToString();
  auto it = std::find_if(outs->begin(), outs->end(),
                         [](const Tensor& t) { return t.name == "keypoints"; });
  ASSERT_NE(it, outs->end()) << "no output 'keypoints'";
  ASSERT_EQ(it->shape, (std::vector<int64_t>{1, 1, kKeypoints, 3}));

  float max_yx = 0.f, max_score = 0.f, mean_score = 0.f;
  for (int k = 0; k < kKeypoints; ++k) {
    const float* got = it->data.data() + 3 * k;
    max_yx = std::max({max_yx, std::fabs(got[0] - ref[k][0]), std::fabs(got[1] - ref[k][1])});
    max_score = std::max(max_score, std::fabs(got[2] - ref[k][2]));
    mean_score += got[2] / kKeypoints;
    EXPECT_GE(got[2], 0.f) << "keypoint " << k;
    EXPECT_LE(got[2], 1.f) << "keypoint " << k;
  }
  std::printf(
      "movenet parity (ort vs TF graph in numpy): max |y, x| diff %.3g (of 1; %.3g px of %d), "
      "max |score| diff %.3g; mean score %.4f\n",
      max_yx, max_yx * kInputSize, kInputSize, max_score, mean_score);
  EXPECT_LT(max_yx, kMaxYxDiff);
  EXPECT_LT(max_score, kMaxScoreDiff);
}

// The model without its TF.js source or Python still loads and keeps its contract.
TEST(MoveNetParityTest, OrtLoadsTheModelWithItsContract) {
  if (!HaveOnnxRuntime()) GTEST_SKIP() << "ONNX Runtime is not part of this build";
  const fs::path model = ModelDir() / "movenet-lightning.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << model << " is absent (run scripts/fetch_assets.sh)";
  auto engine = MakeEngine({"ort", 1}, model.string());
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->input_shape(), (std::vector<int64_t>{1, 3, kInputSize, kInputSize}));
  EXPECT_EQ((*engine)->output_names(), (std::vector<std::string>{"keypoints"}));
  // A black input: every score is a probability and every coordinate lies inside the input.
  Tensor black;
  black.name = "input";
  black.shape = {1, 3, kInputSize, kInputSize};
  black.data.assign(3 * kInputSize * kInputSize, 0.f);
  auto outs = (*engine)->Run(black);
  ASSERT_TRUE(outs.ok()) << outs.status().ToString();
  ASSERT_EQ(outs->size(), 1u);
  ASSERT_EQ((*outs)[0].data.size(), static_cast<size_t>(kKeypoints * 3));
  for (int k = 0; k < kKeypoints; ++k) {
    const float* v = (*outs)[0].data.data() + 3 * k;
    for (int j = 0; j < 3; ++j) {
      EXPECT_GE(v[j], 0.f) << "keypoint " << k << " field " << j;
      EXPECT_LE(v[j], 1.f) << "keypoint " << k << " field " << j;
    }
  }
}

}  // namespace
}  // namespace es
