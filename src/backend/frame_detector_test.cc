// Cloud-fallback end to end in one process, over a real mosquitto on loopback: the edge's
// RemoteDetector sends a vtest.avi frame, the backend's FrameDetector (the embedded NanoDet)
// answers, and the persons come back in the frame's own pixels. Also: no backend -> the request
// gives up at its timeout; a malformed frame is rejected and counted, never answered.
#include "backend/frame_detector.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <mosquitto.h>

#include <filesystem>
#include <opencv2/videoio.hpp>

#include "uplink/mqtt_test_util.h"
#include "uplink/remote_detector.h"

namespace es {
namespace {

using mqtt_test::MosquittoProcess;
using mqtt_test::WaitFor;

class FrameDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MosquittoProcess::Installed() || !std::filesystem::exists(DefaultNanoDetModelPath()) ||
        !std::filesystem::exists(ES_DEFAULT_VIDEO)) {
      GTEST_SKIP() << "mosquitto, the embedded model or vtest.avi absent";
    }
    cv::VideoCapture cap(ES_DEFAULT_VIDEO);
    for (int i = 0; i < 60 && cap.read(frame_); ++i) {
    }
    ASSERT_FALSE(frame_.empty());
    port_ = mqtt_test::FreePort();
    broker_ = std::make_unique<MosquittoProcess>(port_, "allow_anonymous true\n");
    ASSERT_TRUE(broker_->Start());
    mqtt_.host = "127.0.0.1";
    mqtt_.port = port_;
  }

  std::unique_ptr<RemoteDetector> Edge() {
    RemoteDetectorOptions ro;
    ro.device = "edge1";
    auto r = RemoteDetector::Create(mqtt_, ro);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    EXPECT_TRUE((*r)->Start().ok());
    EXPECT_TRUE(WaitFor([&] { return (*r)->stats().connected; }, 10));
    return std::move(r).value();
  }

  std::unique_ptr<FrameDetector> Backend(MetricsRegistry* metrics) {
    FrameDetectorOptions o;
    o.mqtt = mqtt_;
    o.worker = "w1";
    auto f = FrameDetector::Create(o, metrics);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) return nullptr;
    EXPECT_TRUE((*f)->Start().ok());
    EXPECT_TRUE(WaitFor([&] { return (*f)->stats().connected; }, 10));
    return std::move(f).value();
  }

  cv::Mat frame_;
  int port_ = 0;
  MosquittoOptions mqtt_;
  std::unique_ptr<MosquittoProcess> broker_;
};

TEST_F(FrameDetectorTest, PersonsComeBackInSourcePixels) {
  MetricsRegistry metrics;
  auto backend = Backend(&metrics);
  auto edge = Edge();
  ASSERT_TRUE(backend && edge);
  // The edge's own view of the frame, for comparison.
  auto local = MakeDetector(DetectorOptions{});
  ASSERT_TRUE(local.ok());
  auto expected = (*local)->Detect(frame_);
  ASSERT_TRUE(expected.ok());
  RemoteRequest rq;
  rq.stream = "cam0";
  rq.timeout = Duration::Seconds(10);
  rq.max_side = 640;  // vtest is 768x576: downscaled on the way
  Result<RemoteAnswer> a = Unavailable("not sent");
  // The backend's subscription may land a moment after its CONNACK: retry the first frames.
  for (int i = 0; i < 20 && !a.ok(); ++i) {
    rq.timeout = Duration::Millis(i < 19 ? 500 : 10000);
    a = edge->Detect(frame_, rq);
  }
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GT(a->round_trip, Duration{});
  EXPECT_FALSE(a->model.empty());
  int persons = 0;
  for (const Detection& d : a->detections) {
    if (d.class_id != kClassPerson || d.score < 0.5f) continue;
    ++persons;
    // Each confident person matches one the edge's detector finds on the full frame.
    float best = 0;
    for (const Detection& e : *expected) {
      if (e.class_id == kClassPerson) best = std::max(best, IoU(d.box, e.box));
    }
    EXPECT_GT(best, 0.6f) << d.box.x << "," << d.box.y << " " << d.box.w << "x" << d.box.h;
  }
  EXPECT_GE(persons, 2);
  // The backend counts an answer after publishing it: the edge may have it first.
  for (int i = 0; i < 100 && backend->stats().answered < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(backend->stats().answered, 1);
  EXPECT_GE(edge->stats().answered, 1);
  EXPECT_GT(edge->stats().bytes_sent, 0);
  edge->Stop();
  backend->Stop();
}

TEST_F(FrameDetectorTest, NoBackendTimesOutAndAMalformedFrameIsRejected) {
  auto edge = Edge();
  ASSERT_TRUE(edge);
  RemoteRequest rq;
  rq.stream = "cam0";
  rq.timeout = Duration::Millis(200);
  auto a = edge->Detect(frame_, rq);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(a.status().message().find("no answer within 200 ms"), std::string::npos);
  EXPECT_EQ(edge->stats().timeouts, 1);

  MetricsRegistry metrics;
  auto backend = Backend(&metrics);
  ASSERT_TRUE(backend);
  std::vector<std::string> logged;
  mosquitto_lib_init();
  mosquitto* m = mosquitto_new("junk", true, nullptr);
  ASSERT_EQ(mosquitto_connect(m, "127.0.0.1", port_, 30), MOSQ_ERR_SUCCESS);
  ASSERT_EQ(mosquitto_loop_start(m), MOSQ_ERR_SUCCESS);
  EXPECT_TRUE(WaitFor(
      [&] {
        mosquitto_publish(m, nullptr, "edgesight/v1/edge1/cam0/frames", 4, "junk", 0, false);
        return backend->stats().rejected > 0;
      },
      10));
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
  EXPECT_EQ(backend->stats().answered, 0);
  backend->Stop();
}

}  // namespace
}  // namespace es
