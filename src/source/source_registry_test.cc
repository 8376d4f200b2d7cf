#include <gtest/gtest.h>

#include "source/ffmpeg_source.h"
#include "source/synthetic_source.h"
#include "source/video_source.h"

namespace es {
namespace {

TEST(MakeSourceTest, EmptyUriIsInvalid) {
  SourceOptions o;
  auto r = MakeSource(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(MakeSourceTest, PicksImplementationFromUri) {
  SourceOptions o;
  o.uri = "synthetic:crowd";
  auto synth = MakeSource(o);
  ASSERT_TRUE(synth.ok()) << synth.status().ToString();
  EXPECT_NE(dynamic_cast<SyntheticSource*>(synth->get()), nullptr);

  o.uri = "rtsp://127.0.0.1:8554/cam";
  auto rtsp = MakeSource(o);
  ASSERT_TRUE(rtsp.ok());
  EXPECT_NE(dynamic_cast<FfmpegSource*>(rtsp->get()), nullptr);

  o.uri = "/some/file.mp4";  // MakeSource does not open anything: a missing file is fine here
  auto file = MakeSource(o);
  ASSERT_TRUE(file.ok());
  EXPECT_NE(dynamic_cast<FfmpegSource*>(file->get()), nullptr);
  EXPECT_EQ((*file)->Open().code(), StatusCode::kNotFound);
}

TEST(MakeSourceTest, UnknownSyntheticSceneIsInvalid) {
  SourceOptions o;
  o.uri = "synthetic:nope";
  auto r = MakeSource(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("crowd, walk, empty"), std::string::npos);
}

TEST(MakeSourceTest, BadTransportIsInvalid) {
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1/x";
  o.rtsp_transport = "sctp";
  EXPECT_EQ(MakeSource(o).status().code(), StatusCode::kInvalidArgument);
  // The same message as a config file gets: the source module's schema is the one table.
  EXPECT_EQ(MakeSource(o).status().message(),
            "source.rtsp_transport: expected one of [tcp, udp], got \"sctp\"");
}

TEST(MakeSourceTest, OutOfRangeOptionsAreNamedByTheirKey) {
  SourceOptions o;
  o.uri = "rtsp://127.0.0.1/x";
  o.read_timeout_ms = -1;
  EXPECT_EQ(MakeSource(o).status().message(),
            "source.read_timeout_ms: expected an integer in [1, 600000], got -1");
  SourceOptions s;
  s.uri = "synthetic:walk";
  s.synthetic_width = 10;
  EXPECT_EQ(MakeSource(s).status().message(),
            "source.synthetic_width: expected an integer in [64, 4096], got 10");
}

TEST(MakeSourceTest, SyntheticSourceRunsThroughTheInterface) {
  SourceOptions o;
  o.uri = "synthetic:walk";
  o.realtime = false;
  auto r = MakeSource(o);
  ASSERT_TRUE(r.ok());
  VideoSource& src = **r;
  ASSERT_TRUE(src.Open().ok());
  Frame f;
  ASSERT_TRUE(src.Read(&f).ok());
  EXPECT_EQ(f.image.cols, 640);
  EXPECT_FALSE(src.GroundTruth().empty());
}

}  // namespace
}  // namespace es
