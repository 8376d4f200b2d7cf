#include "core/jpeg_codec.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <string>

namespace es {
namespace {

cv::Mat Scene() {
  cv::Mat img(120, 160, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::rectangle(img, cv::Rect(40, 30, 60, 50), cv::Scalar(0, 0, 255), cv::FILLED);  // red
  return img;
}

std::string_view View(const std::vector<uint8_t>& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

TEST(JpegCodec, RoundTripKeepsSizeAndColours) {
  const cv::Mat img = Scene();
  Result<std::vector<uint8_t>> jpg = EncodeJpeg(img, 90);
  ASSERT_TRUE(jpg.ok()) << jpg.status().ToString();
  ASSERT_GT(jpg->size(), 4u);
  EXPECT_EQ((*jpg)[0], 0xFF);  // SOI marker
  EXPECT_EQ((*jpg)[1], 0xD8);
  Result<cv::Mat> back = DecodeJpeg(View(*jpg));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), img.size());
  ASSERT_EQ(back->type(), CV_8UC3);
  const cv::Vec3b red = back->at<cv::Vec3b>(55, 70);
  EXPECT_GT(red[2], 230);
  EXPECT_LT(red[0], 30);
  const cv::Vec3b grey = back->at<cv::Vec3b>(5, 5);
  EXPECT_NEAR(grey[0], 128, 4);
  EXPECT_NEAR(grey[1], 128, 4);
}

TEST(JpegCodec, EncodesARegionOfALargerImage) {
  const cv::Mat big = Scene();
  const cv::Mat roi = big(cv::Rect(40, 30, 60, 50));  // all red, row stride of the parent
  ASSERT_FALSE(roi.isContinuous());
  Result<std::vector<uint8_t>> jpg = EncodeJpeg(roi, 90);
  ASSERT_TRUE(jpg.ok());
  Result<cv::Mat> back = DecodeJpeg(View(*jpg));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->cols, 60);
  EXPECT_EQ(back->rows, 50);
  EXPECT_GT(back->at<cv::Vec3b>(25, 30)[2], 230);
  EXPECT_LT(back->at<cv::Vec3b>(25, 30)[0], 30);
}

TEST(JpegCodec, LowerQualityMakesSmallerFiles) {
  cv::Mat noise(240, 320, CV_8UC3);
  cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
  Result<std::vector<uint8_t>> hi = EncodeJpeg(noise, 95);
  Result<std::vector<uint8_t>> lo = EncodeJpeg(noise, 20);
  ASSERT_TRUE(hi.ok() && lo.ok());
  EXPECT_LT(lo->size() * 2, hi->size());
}

TEST(JpegCodec, BadInputIsAnErrorNotACrash) {
  EXPECT_EQ(EncodeJpeg(cv::Mat(), 80).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeJpeg(cv::Mat(10, 10, CV_8UC1), 80).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeJpeg("").status().code(), StatusCode::kInvalidArgument);
  const Result<cv::Mat> junk = DecodeJpeg("this is not a JPEG at all");
  EXPECT_EQ(junk.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(junk.status().message().find("JPEG: "), std::string::npos);
  EXPECT_EQ(junk.status().message().find('\n'), std::string::npos);
  // A JPEG cut after its header decodes as far as it goes (like a browser) or fails cleanly.
  Result<std::vector<uint8_t>> jpg = EncodeJpeg(Scene(), 80);
  ASSERT_TRUE(jpg.ok());
  const Result<cv::Mat> cut = DecodeJpeg(View(*jpg).substr(0, jpg->size() / 2));
  if (cut.ok()) {
    EXPECT_EQ(cut->size(), cv::Size(160, 120));
  }
}

}  // namespace
}  // namespace es
