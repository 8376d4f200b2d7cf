#include "detect/onnx_model_info.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace es {
namespace {

const std::string kTinyModel = std::string(ES_SOURCE_DIR) + "/src/detect/testdata/tiny_yolov8.onnx";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(OnnxModelInfoTest, ReadsDeclaredInputsAndOutputsWithoutInitializers) {
  Result<OnnxModelInfo> info = ReadOnnxModelInfo(kTinyModel);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->ir_version, 8);
  ASSERT_EQ(info->inputs.size(), 1u);  // conv_w, conv_b, ... are initializers, not inputs
  EXPECT_EQ(info->inputs[0].name, "images");
  EXPECT_EQ(info->inputs[0].shape, (std::vector<int64_t>{1, 3, 128, 128}));
  ASSERT_EQ(info->outputs.size(), 1u);
  EXPECT_EQ(info->outputs[0].name, "output0");
  EXPECT_EQ(info->outputs[0].shape, (std::vector<int64_t>{1, 84, 256}));
}

TEST(OnnxModelInfoTest, MissingFileIsNotFoundNamingThePath) {
  Result<OnnxModelInfo> info = ReadOnnxModelInfo("/nonexistent/dir/model.onnx");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kNotFound);
  EXPECT_NE(info.status().message().find("/nonexistent/dir/model.onnx"), std::string::npos);
}

TEST(OnnxModelInfoTest, TextIsDataLoss) {
  for (const char* text : {"", "hello world\n", "{\"not\": \"onnx\"}", "\x08\x07"}) {
    Result<OnnxModelInfo> info = ParseOnnxModelInfo(text);
    ASSERT_FALSE(info.ok()) << text;
    EXPECT_EQ(info.status().code(), StatusCode::kDataLoss) << text;
  }
}

TEST(OnnxModelInfoTest, TruncatedModelIsDataLoss) {
  const std::string bytes = ReadAll(kTinyModel);
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t cut : {bytes.size() / 2, bytes.size() - 1, size_t{20}}) {
    Result<OnnxModelInfo> info = ParseOnnxModelInfo(std::string_view(bytes).substr(0, cut));
    ASSERT_FALSE(info.ok()) << "cut at " << cut;
    EXPECT_EQ(info.status().code(), StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace es
