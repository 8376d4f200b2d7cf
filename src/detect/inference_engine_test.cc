#include "detect/inference_engine.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "detect/opencv_engine.h"
#ifdef ES_HAVE_ORT
#include "detect/ort_engine.h"
#endif

namespace es {
namespace {

const std::string kTinyModel = std::string(ES_SOURCE_DIR) + "/src/detect/testdata/tiny_yolov8.onnx";
constexpr int kSize = 128, kCell = 8, kGrid = 16, kChannels = 84;

// A text file with an .onnx name, removed at the end of the test.
class TextModel {
 public:
  TextModel() : path_(std::filesystem::temp_directory_path() /
                      ("es_not_a_model_" + std::to_string(::getpid()) + ".onnx")) {
    std::ofstream(path_) << "this is not a model\nsecond line\n";
  }
  ~TextModel() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// What tools/make_detect_testdata.py's model computes, written out independently.
std::vector<float> TinyModelReference(const std::vector<float>& input) {
  std::vector<float> out(static_cast<size_t>(kChannels) * kGrid * kGrid);
  const size_t plane = static_cast<size_t>(kSize) * kSize;
  for (int gy = 0; gy < kGrid; ++gy) {
    for (int gx = 0; gx < kGrid; ++gx) {
      float sum = 0.f;  // r + g + b cell means
      for (int c = 0; c < 3; ++c) {
        double acc = 0;
        for (int y = gy * kCell; y < (gy + 1) * kCell; ++y) {
          for (int x = gx * kCell; x < (gx + 1) * kCell; ++x) {
            acc += input[c * plane + y * kSize + x];
          }
        }
        sum += static_cast<float>(acc / (kCell * kCell));
      }
      const size_t n = static_cast<size_t>(gy) * kGrid + gx;
      const size_t stride = static_cast<size_t>(kGrid) * kGrid;
      out[0 * stride + n] = (gx + 0.5f) * kCell;
      out[1 * stride + n] = (gy + 0.5f) * kCell;
      out[2 * stride + n] = kCell;
      out[3 * stride + n] = kCell;
      out[4 * stride + n] = 1.f / (1.f + std::exp(-(10.f / 3.f * sum - 6.f)));
      for (int c = 5; c < kChannels; ++c) out[c * stride + n] = 1.f / (1.f + std::exp(10.f));
    }
  }
  return out;
}

Tensor RandomInput(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  Tensor t;
  t.name = "images";
  t.shape = {1, 3, kSize, kSize};
  t.data.resize(3 * kSize * kSize);
  for (float& v : t.data) v = u(rng);
  return t;
}

std::vector<std::string> BuiltEngines() {
  std::vector<std::string> kinds = {"opencv"};
  if (HaveOnnxRuntime()) kinds.push_back("ort");
  return kinds;
}

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  Result<std::unique_ptr<InferenceEngine>> Make(const std::string& path, int threads = 1) {
    return MakeEngine({GetParam(), threads}, path);
  }
};

TEST_P(EngineTest, MissingFileIsNotFoundNamingThePath) {
  auto e = Make("/nonexistent/model.onnx");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
  EXPECT_NE(e.status().message().find("/nonexistent/model.onnx"), std::string::npos);
}

TEST_P(EngineTest, TextFileNamedOnnxIsDataLoss) {
  TextModel text;
  auto e = Make(text.path());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss) << e.status().ToString();
}

TEST_P(EngineTest, ReportsDeclaredShapeAndOutputs) {
  auto e = Make(kTinyModel);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ((*e)->name(), GetParam());
  EXPECT_EQ((*e)->input_shape(), (std::vector<int64_t>{1, 3, kSize, kSize}));
  EXPECT_EQ((*e)->output_names(), (std::vector<std::string>{"output0"}));
}

TEST_P(EngineTest, ComputesTheModelsFunction) {
  auto e = Make(kTinyModel);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  for (unsigned seed : {1u, 2u}) {
    const Tensor in = RandomInput(seed);
    auto out = (*e)->Run(in);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ(out->size(), 1u);
    const Tensor& t = (*out)[0];
    EXPECT_EQ(t.name, "output0");
    EXPECT_EQ(t.shape, (std::vector<int64_t>{1, kChannels, kGrid * kGrid}));
    const std::vector<float> ref = TinyModelReference(in.data);
    ASSERT_EQ(t.data.size(), ref.size());
    float max_err = 0.f;
    for (size_t i = 0; i < ref.size(); ++i) {
      max_err = std::max(max_err, std::abs(t.data[i] - ref[i]));
    }
    EXPECT_LT(max_err, 1e-4f);
  }
}

TEST_P(EngineTest, ThreadCountDoesNotChangeResults) {
  auto one = Make(kTinyModel, 1);
  auto two = Make(kTinyModel, 2);
  ASSERT_TRUE(one.ok() && two.ok());
  const Tensor in = RandomInput(7);
  auto a = (*one)->Run(in);
  auto b = (*two)->Run(in);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ((*a)[0].data.size(), (*b)[0].data.size());
  for (size_t i = 0; i < (*a)[0].data.size(); ++i) {
    ASSERT_NEAR((*a)[0].data[i], (*b)[0].data[i], 1e-5f) << i;
  }
}

TEST_P(EngineTest, InputSizeMismatchIsInvalidArgument) {
  auto e = Make(kTinyModel);
  ASSERT_TRUE(e.ok());
  Tensor in = RandomInput(3);
  in.data.resize(10);
  auto out = (*e)->Run(in);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(EngineTest, WrongInputShapeIsAnErrorNotACrash) {
  auto e = Make(kTinyModel);
  ASSERT_TRUE(e.ok());
  Tensor in;
  in.shape = {1, 2, 4, 4};  // two channels: the conv cannot take it
  in.data.assign(32, 0.f);
  auto out = (*e)->Run(in);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().code(), StatusCode::kOk);
}

INSTANTIATE_TEST_SUITE_P(Engines, EngineTest, ::testing::ValuesIn(BuiltEngines()),
                         [](const auto& info) { return info.param; });

TEST(EngineDirectTest, OpenCvEngineRejectsTextAsDataLoss) {
  TextModel text;
  auto e = MakeOpenCvEngine(text.path(), 1);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(e.status().message().find('\n'), std::string::npos);
}

#ifdef ES_HAVE_ORT
TEST(EngineDirectTest, OrtEngineRejectsTextAsDataLossOnOneLine) {
  TextModel text;
  auto e = MakeOrtEngine(text.path(), 1);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(e.status().message().find("ort"), std::string::npos);
  EXPECT_EQ(e.status().message().find('\n'), std::string::npos);
}

TEST(EngineDirectTest, OrtEngineMissingFileIsNotFound) {
  auto e = MakeOrtEngine("/nonexistent/m.onnx", 1);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
}
#endif

TEST(MakeEngineTest, EnginesAgreeOnTheSameInput) {
  if (!HaveOnnxRuntime()) GTEST_SKIP() << "ONNX Runtime is not part of this build";
  auto ort = MakeEngine({"ort", 1}, kTinyModel);
  auto cv = MakeEngine({"opencv", 1}, kTinyModel);
  ASSERT_TRUE(ort.ok() && cv.ok());
  const Tensor in = RandomInput(11);
  auto a = (*ort)->Run(in);
  auto b = (*cv)->Run(in);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)[0].shape, (*b)[0].shape);
  for (size_t i = 0; i < (*a)[0].data.size(); ++i) {
    ASSERT_NEAR((*a)[0].data[i], (*b)[0].data[i], 1e-4f) << i;
  }
}

TEST(MakeEngineTest, AutoPicksOrtWhenBuiltIn) {
  auto e = MakeEngine({"auto", 1}, kTinyModel);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ((*e)->name(), HaveOnnxRuntime() ? "ort" : "opencv");
}

TEST(MakeEngineTest, UnknownKindIsInvalidArgument) {
  auto e = MakeEngine({"tensorrt", 1}, kTinyModel);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("tensorrt"), std::string::npos);
}

TEST(MakeEngineTest, OrtWithoutOrtIsInvalidArgument) {
  if (HaveOnnxRuntime()) GTEST_SKIP() << "this build has ONNX Runtime";
  auto e = MakeEngine({"ort", 1}, kTinyModel);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.status().message(), "ONNX Runtime is not part of this build");
}

TEST(MakeEngineTest, NegativeThreadsIsInvalidArgument) {
  auto e = MakeEngine({"opencv", -1}, kTinyModel);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
