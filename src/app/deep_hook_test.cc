// Deep analysis on real footage (vtest.avi frame 60, the embedded NanoDet for the person's box,
// BlazePose lite): a person inside a watched zone gets a pose event in the outbox, at most once
// per min_interval_s; a track in a zone that is not watched, and a predicted box, get none.
#include "app/deep_hook.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "detect/detector.h"
#include "source/video_source.h"

namespace es {
namespace {

namespace fs = std::filesystem;

class DeepHookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(DefaultPoseModelPath()) || !fs::exists(DefaultNanoDetModelPath()) ||
        !fs::exists(ES_DEFAULT_VIDEO)) {
      GTEST_SKIP() << "pose model, embedded detector or vtest.avi absent";
    }
    SourceOptions so;
    so.uri = ES_DEFAULT_VIDEO;
    auto source = MakeSource(so);
    ASSERT_TRUE(source.ok());
    ASSERT_TRUE((*source)->Open().ok());
    Frame f;
    for (int i = 0; i < 61 && (*source)->Read(&f).ok(); ++i) {
    }
    frame_ = f.image.clone();
    ASSERT_FALSE(frame_.empty());
    auto det = MakeDetector(DetectorOptions{});
    ASSERT_TRUE(det.ok());
    auto dets = (*det)->Detect(frame_);
    ASSERT_TRUE(dets.ok());
    for (const Detection& d : *dets) {
      if (d.class_id == kClassPerson && d.score > 0.5f && d.box.h > person_.h) person_ = d.box;
    }
    ASSERT_GT(person_.h, 40);
    dir_ = fs::temp_directory_path() / ("es_deep_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    auto outbox = Outbox::Open((dir_ / "outbox.db").string());
    ASSERT_TRUE(outbox.ok());
    outbox_ = std::move(outbox).value();
  }
  void TearDown() override {
    outbox_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static Event ZoneEvent(EventPhase phase, int track, const std::string& zone) {
    Event e;
    e.type = EventType::kZone;
    e.phase = phase;
    e.track_id = track;
    e.class_id = kClassPerson;
    e.zone = zone;
    e.start_id = "edge1/cam0/" + std::to_string(100 + track);
    e.id = e.start_id;
    return e;
  }
  FramePacket Packet(double t_s, std::vector<TrackOutput> tracks, std::vector<Event> events) {
    FramePacket p;
    p.frame.image = frame_;
    p.frame.meta.pts_us = static_cast<int64_t>(t_s * 1e6);
    p.frame.meta.seq = static_cast<int64_t>(t_s * 10);
    p.tracks = std::move(tracks);
    p.events = std::move(events);
    return p;
  }
  std::vector<nlohmann::json> PoseEvents() {
    std::vector<nlohmann::json> out;
    auto entries = outbox_->Peek(1000);
    EXPECT_TRUE(entries.ok());
    for (const OutboxEntry& e : *entries) {
      auto j = nlohmann::json::parse(e.payload);
      if (j["type"] == "pose") out.push_back(j);
    }
    return out;
  }

  cv::Mat frame_;
  BBox person_;
  fs::path dir_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(DeepHookTest, PersonInAWatchedZoneGetsAPoseEventAtMostOncePerInterval) {
  DeepOptions o;
  o.enabled = true;
  o.min_interval_s = 2;
  MetricsRegistry metrics;
  auto hook = DeepHook::Create(o, {"door"}, "edge1", "cam0", outbox_.get(), nullptr, &metrics);
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  const BBox floor{20, 440, 60, 120};  // empty floor: no person there at frame 60
  TrackOutput in{7, kClassPerson, 0.8f, person_, false};
  TrackOutput other{8, kClassPerson, 0.8f, floor, false};
  FramePacket p = Packet(0, {in, other},
                         {ZoneEvent(EventPhase::kStart, 7, "door"),
                          ZoneEvent(EventPhase::kStart, 8, "yard")});  // yard: not watched
  ASSERT_TRUE((*hook)->OnDecision(&p).ok());
  p = Packet(0.5, {in, other}, {});  // within min_interval_s: nothing
  ASSERT_TRUE((*hook)->OnDecision(&p).ok());
  TrackOutput guessed = in;
  guessed.predicted = true;
  p = Packet(2.5, {guessed}, {});  // due, but a predicted box is a guess
  ASSERT_TRUE((*hook)->OnDecision(&p).ok());
  p = Packet(2.6, {in}, {});  // due
  ASSERT_TRUE((*hook)->OnDecision(&p).ok());
  p = Packet(5, {in}, {ZoneEvent(EventPhase::kEnd, 7, "door")});  // left the zone: nothing
  ASSERT_TRUE((*hook)->OnDecision(&p).ok());
  ASSERT_TRUE((*hook)->Finish().ok());

  const std::vector<nlohmann::json> poses = PoseEvents();
  ASSERT_EQ(poses.size(), 2u);
  EXPECT_EQ(poses[0]["id"], "edge1/cam0/107/pose/1");
  EXPECT_EQ(poses[1]["id"], "edge1/cam0/107/pose/2");
  for (const nlohmann::json& j : poses) {
    EXPECT_EQ(j["track_id"], 7);
    EXPECT_EQ(j["zone"], "door");
    EXPECT_TRUE(j["person"].get<bool>()) << j.dump();
    EXPECT_GT(j["presence"].get<double>(), 0.5);
    ASSERT_EQ(j["keypoints"].size(), static_cast<size_t>(kPoseKeypoints));
    // The hips (23, 24) lie inside the person's box, in source pixels.
    for (int k : {23, 24}) {
      const double x = j["keypoints"][k][0], y = j["keypoints"][k][1];
      EXPECT_GT(x, person_.x - 5);
      EXPECT_LT(x, person_.x2() + 5);
      EXPECT_GT(y, person_.y);
      EXPECT_LT(y, person_.y + person_.h);
    }
  }
  const nlohmann::json s = (*hook)->Summary();
  EXPECT_EQ(s["poses"], 2);
  EXPECT_EQ(s["person"], 2);
  EXPECT_EQ(s["dropped"], 0);
}

TEST_F(DeepHookTest, EmptyFloorInAWatchedZoneIsNoPerson) {
  DeepOptions o;
  o.enabled = true;
  auto hook = DeepHook::Create(o, {"yard"}, "edge1", "cam0", outbox_.get(), nullptr, nullptr);
  ASSERT_TRUE(hook.ok());
  TrackOutput floor{8, kClassPerson, 0.4f, BBox{20, 440, 60, 120}, false};
  FramePacket p = Packet(0, {floor}, {ZoneEvent(EventPhase::kStart, 8, "yard")});
  ASSERT_TRUE((*hook)->OnDecision(&p).ok());
  ASSERT_TRUE((*hook)->Finish().ok());
  const std::vector<nlohmann::json> poses = PoseEvents();
  ASSERT_EQ(poses.size(), 1u);
  EXPECT_FALSE(poses[0]["person"].get<bool>()) << poses[0].dump();
  EXPECT_EQ((*hook)->Summary()["no_person"], 1);
}

TEST(DeepHookCreateTest, AMissingModelIsNotFoundNamingTheKey) {
  DeepOptions o;
  o.model = "/nonexistent/pose.onnx";
  auto hook = DeepHook::Create(o, {"door"}, "edge1", "cam0", nullptr, nullptr, nullptr);
  ASSERT_FALSE(hook.ok());
  EXPECT_EQ(hook.status().code(), StatusCode::kNotFound);
  EXPECT_NE(hook.status().message().find("deep.model"), std::string::npos);
}

}  // namespace
}  // namespace es
