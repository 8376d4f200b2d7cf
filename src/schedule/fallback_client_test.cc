#include "schedule/fallback_client.h"

#include <gtest/gtest.h>

#include <deque>

namespace es {
namespace {

// A local client whose answers the test scripts: OK (one box) or the given error.
class ScriptedLocal : public DetectionClient {
 public:
  bool Due(Timestamp) override { return true; }
  Result<DetectionResult> Detect(const cv::Mat&, Timestamp) override {
    ++calls;
    if (!failing.ok()) return failing;
    DetectionResult r;
    r.detections = {{{1, 2, 3, 4}, 0.9f, kClassPerson}};
    return r;
  }
  std::string name() const override { return "local"; }
  Status failing = Status::Ok();
  int calls = 0;
};

struct Fixture {
  MetricsRegistry registry;
  ScriptedLocal* local = nullptr;
  int remote_calls = 0;
  Status remote_status = Status::Ok();
  std::unique_ptr<FallbackClient> client;
  FallbackMetrics m;

  std::shared_ptr<std::atomic<bool>> shed = std::make_shared<std::atomic<bool>>(false);

  explicit Fixture(FallbackOptions o) {
    auto l = std::make_unique<ScriptedLocal>();
    local = l.get();
    m = FallbackMetrics::Register(&registry, "cam");
    client = std::make_unique<FallbackClient>(
        std::move(l),
        [this](const cv::Mat&, Timestamp) -> Result<RemoteDetections> {
          ++remote_calls;
          if (!remote_status.ok()) return remote_status;
          return RemoteDetections{{{{5, 6, 7, 8}, 0.8f, kClassPerson}}, Duration::Millis(120)};
        },
        o, "cam", m, nullptr, shed);
  }
};

const cv::Mat kFrame(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
Timestamp At(double s) { return Timestamp::Seconds(s); }

FallbackOptions Options() {
  FallbackOptions o;
  o.enabled = true;
  o.max_fps = 2;
  o.switch_after = 2;
  o.probe_s = 10;
  return o;
}

TEST(FallbackClientTest, LocalAnswersPassThrough) {
  Fixture f(Options());
  auto r = f.client->Detect(kFrame, At(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, DetectionSource::kLocal);
  EXPECT_EQ(f.remote_calls, 0);
  EXPECT_EQ(f.m.mode->value(), 0);
}

TEST(FallbackClientTest, SwitchesAfterConsecutiveFailuresAndBackWhenAProbeSucceeds) {
  Fixture f(Options());
  f.local->failing = Unavailable("model not loaded: no such file");
  // First failure: below switch_after, the frame is predict-only, nothing is sent.
  auto r = f.client->Detect(kFrame, At(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, DetectionSource::kNone);
  EXPECT_EQ(f.remote_calls, 0);
  // Second: the camera switches, and this frame already goes to the backend.
  r = f.client->Detect(kFrame, At(0.1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, DetectionSource::kBackend);
  ASSERT_EQ(r->detections.size(), 1u);
  EXPECT_FLOAT_EQ(r->detections[0].box.x, 5);
  EXPECT_EQ(r->run, Duration::Millis(120));
  EXPECT_TRUE(f.client->on_backend());
  EXPECT_EQ(f.m.mode->value(), 1);
  EXPECT_EQ(f.m.to_backend->value(), 1u);
  EXPECT_EQ(f.m.local_failures->value(), 2u);
  // The rate cap: due again only 1/max_fps after the last frame sent.
  EXPECT_FALSE(f.client->Due(At(0.3)));
  EXPECT_TRUE(f.client->Due(At(0.6)));
  const int local_calls = f.local->calls;
  r = f.client->Detect(kFrame, At(0.6));
  EXPECT_EQ(r->source, DetectionSource::kBackend);
  EXPECT_EQ(f.local->calls, local_calls);  // no probe before probe_s
  // The probe at 10.1 s fails: still on the backend, next probe 10 s later.
  EXPECT_TRUE(f.client->Due(At(10.1)));
  r = f.client->Detect(kFrame, At(10.1));
  EXPECT_EQ(r->source, DetectionSource::kBackend);
  EXPECT_EQ(f.local->calls, local_calls + 1);
  // The model is back: the next probe's answer is used and the camera is local again.
  f.local->failing = Status::Ok();
  r = f.client->Detect(kFrame, At(15));
  EXPECT_EQ(r->source, DetectionSource::kBackend);  // not yet probe time
  r = f.client->Detect(kFrame, At(20.2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, DetectionSource::kLocal);
  EXPECT_FALSE(f.client->on_backend());
  EXPECT_EQ(f.m.mode->value(), 0);
  EXPECT_EQ(f.m.to_local->value(), 1u);
  EXPECT_EQ(f.m.backend_answered->value(), 4u);
  EXPECT_EQ(f.m.round_trip->snapshot().count, 4u);
}

// Frames at 10 fps that arrive a little early or late: the backend gets max_fps of them, never
// more over time and not half as many.
TEST(FallbackClientTest, BackendRateHoldsMaxFpsWithJitteredFrames) {
  FallbackOptions o = Options();
  o.switch_after = 1;
  o.max_fps = 5;
  o.probe_s = 1000;
  Fixture f(o);
  f.local->failing = Unavailable("model not loaded");
  int sent = 0;
  for (int i = 0; i < 100; ++i) {                                      // 10 s
    const Timestamp t = At(i * 0.1 + ((i * 7919) % 21 - 10) * 0.001);  // +-10 ms
    if (!f.client->Due(t)) continue;
    f.client->Detect(kFrame, t);
    ++sent;
  }
  EXPECT_EQ(f.remote_calls, sent);
  EXPECT_GE(sent, 48);
  EXPECT_LE(sent, 51);
}

// The governor sheds the camera: it detects on the backend (the local detector is fine, so no
// probes), falls back to its shed local period when the backend does not answer, and is local
// again when the shedding ends.
TEST(FallbackClientTest, AShedCameraDetectsOnTheBackendUntilItIsNoLongerShed) {
  Fixture f(Options());
  *f.shed = true;  // the governor's signal, read in Due()
  EXPECT_TRUE(f.client->Due(At(0)));
  EXPECT_TRUE(f.client->shed());
  EXPECT_EQ(f.m.mode->value(), 2);
  EXPECT_EQ(f.m.to_backend->value(), 1u);
  auto r = f.client->Detect(kFrame, At(0));
  EXPECT_EQ(r->source, DetectionSource::kBackend);
  EXPECT_EQ(f.local->calls, 0);
  r = f.client->Detect(kFrame, At(20));  // long after probe_s: no probe while shed
  EXPECT_EQ(r->source, DetectionSource::kBackend);
  EXPECT_EQ(f.local->calls, 0);
  // The link is down: the local detector answers at the shed period instead.
  f.remote_status = Unavailable("backend detection: no broker connection");
  r = f.client->Detect(kFrame, At(21));
  EXPECT_EQ(r->source, DetectionSource::kLocal);
  EXPECT_EQ(f.local->calls, 1);
  *f.shed = false;
  EXPECT_TRUE(f.client->Due(At(22)));
  EXPECT_FALSE(f.client->shed());
  EXPECT_EQ(f.m.mode->value(), 0);
  EXPECT_EQ(f.m.to_local->value(), 1u);
  const int remote_calls = f.remote_calls;
  r = f.client->Detect(kFrame, At(22));
  EXPECT_EQ(r->source, DetectionSource::kLocal);
  EXPECT_EQ(f.remote_calls, remote_calls);
  // on_shed false: shedding stays local.
  FallbackOptions o = Options();
  o.on_shed = false;
  Fixture g(o);
  *g.shed = true;
  g.client->Due(At(0));
  EXPECT_FALSE(g.client->shed());
  EXPECT_EQ(g.client->Detect(kFrame, At(0))->source, DetectionSource::kLocal);
}

TEST(FallbackClientTest, AnUnansweredFrameIsPredictOnlyNeverAnError) {
  FallbackOptions o = Options();
  o.switch_after = 1;
  Fixture f(o);
  f.local->failing = Unavailable("detector did not answer within 2.0 s");
  f.remote_status = Unavailable("backend detection: no answer within 1000 ms");
  auto r = f.client->Detect(kFrame, At(0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source, DetectionSource::kNone);
  EXPECT_TRUE(r->detections.empty());
  EXPECT_EQ(f.m.backend_unanswered->value(), 1u);
  EXPECT_EQ(f.m.backend_answered->value(), 0u);
}

TEST(FallbackClientTest, ASuccessResetsTheFailureCount) {
  FallbackOptions o = Options();
  o.switch_after = 2;
  Fixture f(o);
  f.local->failing = Unavailable("flaky");
  f.client->Detect(kFrame, At(0));
  f.local->failing = Status::Ok();
  f.client->Detect(kFrame, At(0.2));
  f.local->failing = Unavailable("flaky");
  auto r = f.client->Detect(kFrame, At(0.4));  // one failure in a row again: no switch
  EXPECT_EQ(r->source, DetectionSource::kNone);
  EXPECT_FALSE(f.client->on_backend());
  EXPECT_EQ(f.remote_calls, 0);
}

TEST(FallbackClientTest, CancelledPassesThrough) {
  Fixture f(Options());
  f.local->failing = Cancelled("detection service stopped");
  auto r = f.client->Detect(kFrame, At(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(f.m.local_failures->value(), 0u);
}

}  // namespace
}  // namespace es
