#include "uplink/frame_message.h"

#include <gtest/gtest.h>

#include "uplink/crop_payload.h"

namespace es {
namespace {

TEST(FrameMessageTest, RequestRoundTrips) {
  FrameRequest r;
  r.id = "edge1/ab/7";
  r.device = "edge1";
  r.stream = "cam0";
  r.frame = 7;
  r.pts_us = 700000;
  r.source_width = 1920;
  r.source_height = 1080;
  r.width = 640;
  r.height = 360;
  r.created_unix_ms = 1000;
  r.deadline_unix_ms = 2000;
  r.jpeg = std::string("\xff\xd8 jpeg \xff\xd9", 10);
  auto d = DecodeFrameRequest(EncodeFrameRequest(r));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, r.id);
  EXPECT_EQ(d->stream, "cam0");
  EXPECT_EQ(d->source_width, 1920);
  EXPECT_EQ(d->height, 360);
  EXPECT_EQ(d->deadline_unix_ms, 2000);
  EXPECT_EQ(d->jpeg, r.jpeg);
  EXPECT_EQ(FrameTopic("edge1", "cam0"), "edgesight/v1/edge1/cam0/frames");
  EXPECT_EQ(DetectionsTopic("edge1"), "edgesight/v1/edge1/detections");
}

TEST(FrameMessageTest, MalformedRequestsNameTheProblem) {
  EXPECT_EQ(DecodeFrameRequest("junk").status().code(), StatusCode::kDataLoss);
  auto missing = DecodeFrameRequest(EncodeCropPayload({{"v", 1}, {"id", "x"}}, "\xff\xd8\xff\xd9"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("device"), std::string::npos);
  auto zero = DecodeFrameRequest(EncodeCropPayload({{"v", 1},
                                                    {"id", "x"},
                                                    {"device", "d"},
                                                    {"stream", "s"},
                                                    {"source_width", 0},
                                                    {"source_height", 10}},
                                                   "\xff\xd8\xff\xd9"));
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("source_width"), std::string::npos);
  auto version = DecodeFrameRequest(EncodeCropPayload({{"v", 2}}, "\xff\xd8\xff\xd9"));
  EXPECT_NE(version.status().message().find("unsupported version 2"), std::string::npos);
}

TEST(FrameMessageTest, ReplyRoundTripsAndRejectsBadFields) {
  DetectionsReply r;
  r.id = "edge1/ab/7";
  r.device = "edge1";
  r.stream = "cam0";
  r.model = "nanodet/ort";
  r.worker = "w1";
  r.detections = {{{10, 20, 30, 40}, 0.75f, 2}};
  r.detect_ms = 12.5;
  auto d = DecodeDetectionsReply(EncodeDetectionsReply(r));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->detections.size(), 1u);
  EXPECT_EQ(d->detections[0].class_id, 2);
  EXPECT_FLOAT_EQ(d->detections[0].box.h, 40);
  EXPECT_DOUBLE_EQ(d->detect_ms, 12.5);
  EXPECT_TRUE(d->error.empty());

  EXPECT_EQ(DecodeDetectionsReply("{").status().code(), StatusCode::kDataLoss);
  auto no_list = DecodeDetectionsReply(R"({"v":1,"id":"x"})");
  EXPECT_NE(no_list.status().message().find("'detections' must be an array"), std::string::npos);
  auto bad_box = DecodeDetectionsReply(
      R"({"v":1,"id":"x","detections":[{"class_id":0,"score":1,"box":[1]}]})");
  ASSERT_FALSE(bad_box.ok());
  EXPECT_NE(bad_box.status().message().find("box"), std::string::npos);
  auto negative = DecodeDetectionsReply(
      R"({"v":1,"id":"x","detections":[{"class_id":-1,"score":1,"box":[1,2,3,4]}]})");
  EXPECT_FALSE(negative.ok());
}

}  // namespace
}  // namespace es
