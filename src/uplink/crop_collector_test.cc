// CropCollector on synthetic frames: the best view wins, the crop is committed at the track's
// end with its event ids, the JPEG respects its bound, memory is bounded.
#include "uplink/crop_collector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "core/jpeg_codec.h"
#include "uplink/crop_payload.h"

namespace es {
namespace {

class CropCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/es_crops_XXXXXX";
    dir_ = mkdtemp(tmpl);
    OpenOutbox({});
  }
  void TearDown() override {
    outbox_.reset();
    std::filesystem::remove_all(dir_);
  }
  void OpenOutbox(OutboxOptions o) {
    outbox_.reset();
    auto r = Outbox::Open(dir_ + "/o.db", o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    outbox_ = std::move(r).value();
  }
  std::unique_ptr<CropCollector> Make(CropOptions o = {}) {
    o.device = "dev";
    auto r = CropCollector::Create(outbox_.get(), o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  // A grey 640x480 frame with `box` filled in `color`.
  static Frame MakeFrame(int64_t seq, const BBox& box, cv::Scalar color) {
    Frame f;
    f.meta.stream_id = "cam";
    f.meta.seq = seq;
    f.meta.pts_us = seq * 100000;
    f.image = cv::Mat(480, 640, CV_8UC3, cv::Scalar(128, 128, 128));
    cv::rectangle(f.image, cv::Rect(static_cast<int>(box.x), static_cast<int>(box.y),
                                    static_cast<int>(box.w), static_cast<int>(box.h)),
                  color, cv::FILLED);
    return f;
  }
  static TrackOutput Track(int id, const BBox& b, float score, bool predicted = false) {
    TrackOutput t;
    t.id = id;
    t.box = b;
    t.score = score;
    t.predicted = predicted;
    return t;
  }
  static Event TrackEvent(int track_id, EventPhase phase, const std::string& id,
                          const std::string& start_id) {
    Event e;
    e.type = EventType::kTrack;
    e.phase = phase;
    e.track_id = track_id;
    e.stream = "cam";
    e.device = "dev";
    e.id = id;
    e.start_id = start_id;
    return e;
  }
  std::vector<OutboxEntry> Crops() {
    auto all = outbox_->Peek(1000);
    EXPECT_TRUE(all.ok());
    std::vector<OutboxEntry> out;
    for (auto& e : *all) {
      if (e.kind == OutboxKind::kCrop) out.push_back(e);
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<Outbox> outbox_;
};

TEST(CropQualityTest, ScoreTimesAreaWithEdgePenalty) {
  CropOptions o;
  bool cut = true;
  EXPECT_DOUBLE_EQ(CropQuality({1, 0, 0.5f, {100, 100, 20, 40}}, 640, 480, o, &cut),
                   0.5 * 800);
  EXPECT_FALSE(cut);
  // Touching the left border: cut, penalised.
  EXPECT_DOUBLE_EQ(CropQuality({1, 0, 0.5f, {0, 100, 20, 40}}, 640, 480, o, &cut),
                   0.5 * 800 * o.edge_penalty);
  EXPECT_TRUE(cut);
  // Partly outside the frame: only the visible part counts.
  EXPECT_DOUBLE_EQ(CropQuality({1, 0, 1.f, {630, 0, 20, 10}}, 640, 480, o, &cut),
                   10.0 * 10 * o.edge_penalty);
  EXPECT_EQ(CropQuality({1, 0, 1.f, {700, 10, 20, 10}}, 640, 480, o), 0.0);
}

TEST_F(CropCollectorTest, BestViewIsCommittedAtTrackEndWithEventIds) {
  auto c = Make();
  ASSERT_TRUE(c);
  const BBox small{100, 100, 30, 60}, best{200, 100, 60, 120}, cut{0, 50, 100, 200},
      big_predicted{300, 50, 150, 300};
  // f0: start + small view (blue); f1: best view (red); f2: bigger but cut by the edge (green);
  // f3: biggest but predicted (white); f4: smaller again.
  ASSERT_TRUE(c->OnFrame(MakeFrame(0, small, {255, 0, 0}), {Track(7, small, 0.9f)},
                         {TrackEvent(7, EventPhase::kStart, "dev/cam/1", "dev/cam/1")})
                  .ok());
  ASSERT_TRUE(c->OnFrame(MakeFrame(1, best, {0, 0, 255}), {Track(7, best, 0.8f)}, {}).ok());
  ASSERT_TRUE(c->OnFrame(MakeFrame(2, cut, {0, 255, 0}), {Track(7, cut, 0.9f)}, {}).ok());
  ASSERT_TRUE(c->OnFrame(MakeFrame(3, big_predicted, {255, 255, 255}),
                         {Track(7, big_predicted, 0.9f, /*predicted=*/true)}, {})
                  .ok());
  ASSERT_TRUE(c->OnFrame(MakeFrame(4, small, {255, 0, 0}), {Track(7, small, 0.95f)}, {}).ok());
  EXPECT_TRUE(Crops().empty()) << "nothing before the track ends";
  EXPECT_EQ(c->held(), 1u);
  // End event on the end-of-stream packet (no image).
  Frame eos;
  eos.meta.stream_id = "cam";
  eos.meta.seq = 5;
  ASSERT_TRUE(
      c->OnFrame(eos, {}, {TrackEvent(7, EventPhase::kEnd, "dev/cam/9", "dev/cam/1")}).ok());
  EXPECT_EQ(c->held(), 0u);
  auto crops = Crops();
  ASSERT_EQ(crops.size(), 1u);
  EXPECT_EQ(crops[0].topic, "edgesight/v1/dev/cam/crops");
  EXPECT_EQ(crops[0].message_id, "dev/cam/1/crop");
  auto msg = DecodeCropPayload(crops[0].payload);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  const auto& h = msg->header;
  EXPECT_EQ(h["v"], 1);
  EXPECT_EQ(h["id"], "dev/cam/1/crop");
  EXPECT_EQ(h["event_id"], "dev/cam/1");
  EXPECT_EQ(h["end_event_id"], "dev/cam/9");
  EXPECT_EQ(h["track_id"], 7);
  EXPECT_EQ(h["frame"], 1);
  EXPECT_EQ(h["edge_cut"], false);
  EXPECT_EQ(h["box"], nlohmann::json::array({200.0, 100.0, 60.0, 120.0}));
  EXPECT_EQ(h["content_type"], "image/jpeg");
  // The JPEG shows the red box of frame 1 (BGR (0,0,255)) with its grey context margin.
  const Result<cv::Mat> decoded = DecodeJpeg(msg->jpeg);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const cv::Mat& img = *decoded;
  EXPECT_EQ(img.cols, h["width"].get<int>());
  EXPECT_EQ(img.rows, h["height"].get<int>());
  cv::Vec3b center = img.at<cv::Vec3b>(img.rows / 2, img.cols / 2);
  EXPECT_GT(center[2], 200);
  EXPECT_LT(center[0], 60);
  EXPECT_LT(center[1], 60);
  cv::Vec3b corner = img.at<cv::Vec3b>(1, 1);
  EXPECT_NEAR(corner[0], 128, 20);
  EXPECT_EQ(c->stats().committed, 1);
}

TEST_F(CropCollectorTest, ALocalConsumerGetsTheCropWithOrWithoutAnOutbox) {
  std::vector<std::pair<CropView, std::string>> seen;
  CropOptions o;
  o.device = "dev";
  o.on_crop = [&](const CropView& v) { seen.emplace_back(v, std::string(v.jpeg)); };
  auto local = CropCollector::Create(nullptr, o);  // no outbox: the consumer only
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  const BBox b{200, 100, 60, 120};
  ASSERT_TRUE((*local)
                  ->OnFrame(MakeFrame(0, b, {0, 0, 255}), {Track(3, b, 0.9f)},
                            {TrackEvent(3, EventPhase::kStart, "dev/cam/1", "dev/cam/1")})
                  .ok());
  ASSERT_TRUE((*local)
                  ->OnFrame(MakeFrame(1, b, {0, 0, 255}), {},
                            {TrackEvent(3, EventPhase::kEnd, "dev/cam/2", "dev/cam/1")})
                  .ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first.stream, "cam");
  EXPECT_EQ(seen[0].first.track_id, 3);
  EXPECT_EQ(seen[0].first.start_id, "dev/cam/1");
  EXPECT_EQ(seen[0].first.end_id, "dev/cam/2");
  ASSERT_GT(seen[0].second.size(), 100u);
  EXPECT_EQ(static_cast<unsigned char>(seen[0].second[0]), 0xFF);  // JPEG
  EXPECT_EQ((*local)->stats().committed, 1);
  EXPECT_TRUE(Crops().empty());
  // Without an outbox and without a consumer there is nowhere to put crops.
  EXPECT_FALSE(CropCollector::Create(nullptr, CropOptions{}).ok());
}

TEST_F(CropCollectorTest, JpegIsBoundedAndDownscaled) {
  CropOptions o;
  o.max_side = 200;
  o.max_jpeg_bytes = 2048;
  o.jpeg_quality = 95;
  auto c = Make(o);
  ASSERT_TRUE(c);
  Frame f = MakeFrame(0, {0, 0, 0, 0}, {0, 0, 0});
  cv::randu(f.image, cv::Scalar::all(0), cv::Scalar::all(255));  // noise: JPEG's worst case
  const BBox box{100, 40, 300, 400};
  ASSERT_TRUE(c->OnFrame(f, {Track(3, box, 0.9f)},
                         {TrackEvent(3, EventPhase::kStart, "dev/cam/5", "dev/cam/5")})
                  .ok());
  ASSERT_TRUE(c->FlushAll().ok());
  auto crops = Crops();
  ASSERT_EQ(crops.size(), 1u);
  auto msg = DecodeCropPayload(crops[0].payload);
  ASSERT_TRUE(msg.ok());
  EXPECT_LE(static_cast<int64_t>(msg->jpeg.size()), o.max_jpeg_bytes);
  EXPECT_LE(std::max(msg->header["width"].get<int>(), msg->header["height"].get<int>()), 200);
  EXPECT_LT(msg->header["quality"].get<int>(), 95);
}

TEST_F(CropCollectorTest, EndFlushesOnlyThatTrackAndMemoryIsBounded) {
  CropOptions o;
  o.max_tracks = 3;
  auto c = Make(o);
  ASSERT_TRUE(c);
  std::vector<TrackOutput> tracks;
  for (int id = 1; id <= 3; ++id) tracks.push_back(Track(id, {id * 100.f, 100, 40, 80}, 0.9f));
  ASSERT_TRUE(c->OnFrame(MakeFrame(0, {}, {}), tracks, {}).ok());
  ASSERT_TRUE(c->OnFrame(MakeFrame(1, {}, {}), {tracks[1], tracks[2]},
                         {TrackEvent(2, EventPhase::kEnd, "dev/cam/20", "dev/cam/2")})
                  .ok());
  ASSERT_EQ(Crops().size(), 1u);
  EXPECT_EQ(Crops()[0].message_id, "dev/cam/2/crop");
  EXPECT_EQ(c->held(), 2u);
  // Two new tracks: 4 held > 3, so track 1 (seen longest ago) is committed early.
  ASSERT_TRUE(c->OnFrame(MakeFrame(2, {}, {}),
                         {tracks[2], Track(4, {400, 200, 40, 80}, 0.9f),
                          Track(5, {500, 200, 40, 80}, 0.9f)},
                         {})
                  .ok());
  EXPECT_EQ(c->held(), 3u);
  auto crops = Crops();
  ASSERT_EQ(crops.size(), 2u);
  auto m = DecodeCropPayload(crops[1].payload);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->header["track_id"], 1);
  EXPECT_EQ(m->header["event_id"], "");  // no start event seen: id from device/stream/track
  ASSERT_TRUE(c->FlushAll().ok());
  EXPECT_EQ(Crops().size(), 5u);
  EXPECT_EQ(c->held(), 0u);
}

TEST_F(CropCollectorTest, OutboxFullDropsTheCropNotTheRun) {
  OutboxOptions small;
  small.max_bytes = 64 * 1024;
  OpenOutbox(small);
  auto c = Make();
  ASSERT_TRUE(c);
  ASSERT_TRUE(outbox_->Append(OutboxKind::kEvent, "t", std::string(60000, 'e'), "e").ok());
  Frame f = MakeFrame(0, {0, 0, 0, 0}, {0, 0, 0});
  cv::randu(f.image, cv::Scalar::all(0), cv::Scalar::all(255));
  ASSERT_TRUE(c->OnFrame(f, {Track(1, {100, 100, 200, 200}, 0.9f)}, {}).ok());
  EXPECT_TRUE(c->FlushAll().ok());
  EXPECT_EQ(c->stats().dropped, 1);
  EXPECT_NE(c->stats().last_error.find("outbox full"), std::string::npos) << c->stats().last_error;
  EXPECT_EQ(outbox_->Depth(), 1);  // the event is still there
}

TEST(CropPayloadTest, RoundTripAndRejectsForeignBytes) {
  const std::string jpeg("\xFF\xD8\x01\x02\xFF\xD9", 6);
  std::string p = EncodeCropPayload({{"v", 1}, {"id", "x"}}, jpeg);
  EXPECT_EQ(p.substr(0, 4), "ESCR");
  auto m = DecodeCropPayload(p);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->header["id"], "x");
  EXPECT_EQ(m->jpeg, jpeg);
  EXPECT_EQ(DecodeCropPayload("not a crop").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeCropPayload(p.substr(0, 12)).status().code(), StatusCode::kDataLoss);
  std::string bad_version = p;
  bad_version[4] = 9;
  EXPECT_EQ(DecodeCropPayload(bad_version).status().code(), StatusCode::kDataLoss);
}

TEST(CropCollectorOptionsTest, BadOptionsAreInvalidArgument) {
  char tmpl[] = "/tmp/es_crops_opt_XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto box = Outbox::Open(dir + "/o.db");
  ASSERT_TRUE(box.ok());
  CropOptions o;
  o.max_side = 4;
  EXPECT_EQ(CropCollector::Create(box->get(), o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.jpeg_quality = 101;
  EXPECT_EQ(CropCollector::Create(box->get(), o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CropCollector::Create(nullptr, {}).status().code(), StatusCode::kInvalidArgument);
  box->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace es
