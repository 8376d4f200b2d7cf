#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace es {
namespace {

// A source of N blank frames, as fast as Read() is called (like a live camera that never
// waits for the consumer); optional failure at the end.
class FakeSource : public VideoSource {
 public:
  FakeSource(int frames, Status end = EndOfStream()) : frames_(frames), end_(std::move(end)) {}
  Status Open() override { return Status::Ok(); }
  Status Read(Frame* f) override {
    if (seq_ >= frames_) return end_;
    f->meta.stream_id = "fake";
    f->meta.seq = seq_;
    f->meta.pts_us = seq_ * 40'000;
    f->meta.capture = SteadyNow();
    f->image = cv::Mat(48, 64, CV_8UC3, cv::Scalar(20, 20, 20));
    ++seq_;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return Status::Ok();
  }
  SourceInfo info() const override { return {64, 48, 25.0, frames_, "fake", true}; }

 private:
  int frames_;
  int64_t seq_ = 0;
  Status end_;
};

// One box per call, after a configurable delay.
class SlowDetector : public Detector {
 public:
  explicit SlowDetector(std::chrono::milliseconds delay) : delay_(delay) {}
  std::string name() const override { return "slow"; }
  Result<std::vector<Detection>> Detect(const cv::Mat&) override {
    std::this_thread::sleep_for(delay_);
    return std::vector<Detection>{{{10, 10, 20, 30}, 0.9f, kClassPerson}};
  }

 private:
  std::chrono::milliseconds delay_;
};

class FailingSink : public FrameSink {
 public:
  explicit FailingSink(int fail_at) : fail_at_(fail_at) {}
  Status Consume(const FramePacket&) override {
    return ++n_ >= fail_at_ ? Unavailable("disk full") : Status::Ok();
  }
  Status Close() override { return Status::Ok(); }

 private:
  int fail_at_, n_ = 0;
};

PipelineParts Parts(int frames, std::chrono::milliseconds delay, Status end = EndOfStream()) {
  PipelineParts p;
  p.source = std::make_unique<FakeSource>(frames, std::move(end));
  GateOptions gate;
  gate.enabled = false;
  p.detect = std::make_unique<DetectStage>(std::make_unique<SlowDetector>(delay), gate, 1);
  p.track = std::make_unique<TrackStage>(ByteTrackOptions{});
  return p;
}

TEST(Pipeline, DropOldestNeverBlocksCaptureAndCountsDrops) {
  PipelineOptions o;  // drop_oldest, capacity 2
  Pipeline pipeline(Parts(200, std::chrono::milliseconds(5)), o);
  const RunResult r = pipeline.Run();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.summary.frames_read, 200u);
  EXPECT_GT(r.summary.frames_dropped, 50u);  // 0.2 ms capture vs 5 ms detector
  EXPECT_EQ(r.summary.frames_processed + r.summary.frames_dropped, 200u);
}

TEST(Pipeline, BlockPolicyProcessesEveryFrame) {
  PipelineOptions o;
  o.queue_policy = "block";
  Pipeline pipeline(Parts(60, std::chrono::milliseconds(1)), o);
  const RunResult r = pipeline.Run();
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.summary.frames_processed, 60u);
  EXPECT_EQ(r.summary.frames_dropped, 0u);
  EXPECT_EQ(r.summary.tracks, 1u);
  EXPECT_EQ(r.summary.latency.at("detect").count, 60u);
  EXPECT_GE(r.summary.latency.at("glass_to_decision").p50_ms, 1.0);
}

TEST(Pipeline, SourceErrorAfterGoodFramesKeepsThemAndReportsIt) {
  PipelineOptions o;
  o.queue_policy = "block";
  Pipeline pipeline(Parts(30, std::chrono::milliseconds(0), DataLoss("video truncated")), o);
  const RunResult r = pipeline.Run();
  EXPECT_EQ(r.status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.summary.frames_processed, 30u);
}

TEST(Pipeline, SinkFailureStopsEverythingWithoutDeadlock) {
  PipelineOptions o;
  o.queue_policy = "block";
  PipelineParts parts = Parts(100000, std::chrono::milliseconds(0));
  parts.sinks.push_back(std::make_unique<FailingSink>(10));
  Pipeline pipeline(std::move(parts), o);
  const RunResult r = pipeline.Run();  // must return: every thread sees the closed queues
  EXPECT_EQ(r.status.code(), StatusCode::kUnavailable);
  EXPECT_LT(r.summary.frames_read, 100000u);
}

TEST(Pipeline, StopFromAnotherThreadEndsTheRun) {
  PipelineOptions o;
  Pipeline pipeline(Parts(1'000'000, std::chrono::milliseconds(1)), o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pipeline.Stop();
  });
  const RunResult r = pipeline.Run();
  stopper.join();
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_LT(r.summary.frames_read, 1'000'000u);
  EXPECT_GT(r.summary.frames_processed, 0u);
}

TEST(Pipeline, IntervalSkipsDetectorButEveryFrameGetsTracks) {
  PipelineOptions o;
  o.queue_policy = "block";
  PipelineParts parts = Parts(30, std::chrono::milliseconds(0));
  GateOptions gate;
  gate.enabled = false;
  parts.detect = std::make_unique<DetectStage>(
      std::make_unique<SlowDetector>(std::chrono::milliseconds(0)), gate, 3);
  Pipeline pipeline(std::move(parts), o);
  const RunResult r = pipeline.Run();
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.summary.detector_runs, 10u);
  EXPECT_EQ(r.summary.skipped_interval, 20u);
  EXPECT_GE(r.summary.track_frames, 28u);  // confirmed from the first update on, every frame
}

// Records what the decision path saw; tags every event so the sink can check it ran first.
class RecordingHook : public DecisionHook {
 public:
  explicit RecordingHook(int fail_at = -1) : fail_at_(fail_at) {}
  Status OnDecision(FramePacket* p) override {
    if (p->end_of_stream) ++tails;
    ++frames;
    for (Event& e : p->events) {
      e.zone = "seen-by-hook";  // any annotation a later stage can observe
      ++events;
    }
    if (fail_at_ >= 0 && frames >= fail_at_) return DataLoss("outbox cannot commit");
    return Status::Ok();
  }
  Status Finish() override {
    ++finished;
    return Status::Ok();
  }
  std::string name() const override { return "recording_hook"; }
  nlohmann::json Summary() const override { return {{"events", events}}; }
  int frames = 0, tails = 0, events = 0, finished = 0;

 private:
  int fail_at_;
};

class EventCheckSink : public FrameSink {
 public:
  Status Consume(const FramePacket& p) override {
    for (const Event& e : p.events) {
      ++events;
      if (e.zone != "seen-by-hook") ++unhooked;
    }
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  int events = 0, unhooked = 0;
};

// Analytics, a RecordingHook and an EventCheckSink on `parts`; returns the hook and the sink.
std::pair<RecordingHook*, EventCheckSink*> AddAnalyticsHookAndSink(PipelineParts* parts) {
  parts->analytics = std::make_unique<AnalyticsStage>(
      Analyzer::Create(AnalyticsOptions{}, "dev", "fake", std::make_shared<InMemoryEventIdSource>())
          .value());
  auto hook = std::make_unique<RecordingHook>();
  RecordingHook* h = hook.get();
  parts->hooks.push_back(std::move(hook));
  auto sink = std::make_unique<EventCheckSink>();
  EventCheckSink* k = sink.get();
  parts->sinks.push_back(std::move(sink));
  return {h, k};
}

TEST(Pipeline, HooksSeeEveryEventBeforeTheSinksIncludingTheClosingOnes) {
  PipelineParts parts = Parts(40, std::chrono::milliseconds(0));
  auto [h, k] = AddAnalyticsHookAndSink(&parts);
  PipelineOptions o;
  o.queue_policy = "block";
  Pipeline pipeline(std::move(parts), o);
  const RunResult r = pipeline.Run();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(h->frames, 41);  // 40 frames + the end-of-stream packet with the track end
  EXPECT_EQ(h->tails, 1);
  EXPECT_EQ(h->finished, 1);
  EXPECT_EQ(h->events, 2);  // one track: start and end
  EXPECT_EQ(k->events, 2);
  EXPECT_EQ(k->unhooked, 0);
  ASSERT_EQ(r.summary.hooks.size(), 1u);
  EXPECT_EQ(r.summary.hooks[0].first, "recording_hook");
  EXPECT_EQ(r.summary.ToJson()["recording_hook"]["events"], 2);
}

// SIGINT/SIGTERM: every frame read is decided, the closing events reach the hooks and the
// sinks, and nothing is dropped by the stop itself.
TEST(Pipeline, GracefulStopDecidesEveryFrameReadAndClosesEpisodes) {
  PipelineParts parts = Parts(1'000'000, std::chrono::milliseconds(2));
  auto [h, k] = AddAnalyticsHookAndSink(&parts);
  PipelineOptions o;
  o.queue_policy = "block";
  Pipeline pipeline(std::move(parts), o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    pipeline.Stop();
  });
  const RunResult r = pipeline.Run();
  stopper.join();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_LT(r.summary.frames_read, 1'000'000u);
  EXPECT_EQ(r.summary.frames_processed, r.summary.frames_read);
  EXPECT_EQ(h->tails, 1);
  EXPECT_EQ(h->finished, 1);
  EXPECT_EQ(h->events, 2);  // the track's start and its end
  EXPECT_EQ(k->events, 2);  // the sinks saw the end too
}

// The live metrics are read by another thread while the pipeline writes them (run this test
// under ThreadSanitizer too: docs/runtime.md), and they agree with the summary at the end.
TEST(Pipeline, LiveMetricsAreReadableWhileRunningAndMatchTheSummary) {
  MetricsRegistry metrics;
  PipelineParts parts = Parts(300, std::chrono::milliseconds(1));
  parts.metrics = &metrics;
  parts.camera = "cam7";
  Pipeline pipeline(std::move(parts), PipelineOptions{});
  std::atomic<bool> done{false};
  uint64_t max_seen = 0;
  std::thread reader([&] {
    for (int i = 0; i < 100000 && !done; ++i) {
      const std::string text = metrics.PrometheusText();
      max_seen = std::max(
          max_seen, metrics.CounterValue("edgesight_frames_read_total", {{"camera", "cam7"}}));
      if (text.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const RunResult r = pipeline.Run();
  done = true;
  reader.join();
  ASSERT_TRUE(r.status.ok());
  const MetricLabels cam = {{"camera", "cam7"}};
  EXPECT_GT(max_seen, 0u);
  EXPECT_EQ(metrics.CounterValue("edgesight_frames_read_total", cam), r.summary.frames_read);
  EXPECT_EQ(metrics.CounterValue("edgesight_frames_dropped_total", cam), r.summary.frames_dropped);
  EXPECT_EQ(metrics.CounterValue("edgesight_frames_processed_total", cam),
            r.summary.frames_processed);
  EXPECT_EQ(metrics.CounterValue("edgesight_detector_runs_total", cam), r.summary.detector_runs);
  auto g2d = metrics.HistogramSnapshot("edgesight_glass_to_decision_seconds", cam);
  ASSERT_TRUE(g2d.has_value());
  EXPECT_EQ(g2d->count, r.summary.frames_processed);
}

// Live settings: a snapshot stored while the pipeline runs governs the next frames; no frame is
// lost or decided twice because of it.
class SettingsChangingSource : public FakeSource {
 public:
  SettingsChangingSource(int frames, int change_at, std::shared_ptr<CameraSettingsSlot> slot)
      : FakeSource(frames), change_at_(change_at), slot_(std::move(slot)) {}
  Status Read(Frame* f) override {
    Status s = FakeSource::Read(f);
    if (s.ok() && f->meta.seq == change_at_) {
      CameraSettings next = *slot_->Load();
      next.detect_interval = 1000;  // from now on, the tracker predicts
      slot_->Store(next);
    }
    return s;
  }

 private:
  int change_at_;
  std::shared_ptr<CameraSettingsSlot> slot_;
};

class DecisionLog : public FrameSink {
 public:
  Status Consume(const FramePacket& p) override {
    if (!p.end_of_stream) decisions.push_back(p.decision);
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  std::vector<DetectDecision> decisions;
};

TEST(Pipeline, LiveSettingsChangeMidRunTakesEffectOnTheNextFramesAndLosesNone) {
  GateOptions gate;
  gate.enabled = false;
  auto slot = std::make_shared<CameraSettingsSlot>(CameraSettings{gate, 1});
  PipelineParts parts;
  parts.source = std::make_unique<SettingsChangingSource>(100, 40, slot);
  parts.detect = std::make_unique<DetectStage>(
      MakeDirectClient(std::make_unique<SlowDetector>(std::chrono::milliseconds(0))), slot);
  parts.track = std::make_unique<TrackStage>(ByteTrackOptions{});
  auto log = std::make_unique<DecisionLog>();
  DecisionLog* l = log.get();
  parts.sinks.push_back(std::move(log));
  PipelineOptions o;
  o.queue_policy = "block";
  Pipeline pipeline(std::move(parts), o);
  const RunResult r = pipeline.Run();
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(l->decisions.size(), 100u);  // nothing lost
  // Frames read before the change were detected (the queue holds at most 2 + one in hand);
  // every frame read after it was predicted.
  for (int i = 0; i < 40 - 4; ++i) EXPECT_EQ(l->decisions[i], DetectDecision::kRan) << i;
  for (int i = 41; i < 100; ++i) EXPECT_EQ(l->decisions[i], DetectDecision::kSkippedInterval) << i;
  EXPECT_EQ(slot->version(), 2u);
}

TEST(Pipeline, AFailingHookStopsTheRunWithItsError) {
  PipelineParts parts = Parts(100000, std::chrono::milliseconds(0));
  auto hook = std::make_unique<RecordingHook>(5);
  RecordingHook* h = hook.get();
  parts.hooks.push_back(std::move(hook));
  Pipeline pipeline(std::move(parts), PipelineOptions{});
  const RunResult r = pipeline.Run();
  EXPECT_EQ(r.status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(h->finished, 1);
  EXPECT_LT(r.summary.frames_processed, 100000u);
}

}  // namespace
}  // namespace es
