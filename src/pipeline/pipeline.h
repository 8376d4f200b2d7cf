// Pipeline: the runtime that owns threads and queues for one stream.
//
//   capture ──Q1(drop oldest, flow limiter)──► detect ──Q2(block)──► track ──Q3(block)──► output
//
// Capture never blocks on inference: Q1 is bounded and drops its oldest frame (counted) when the
// detector falls behind, unless queue_policy is "block" (offline processing of a file where
// every frame matters). Q2/Q3 never drop. File and synthetic sources pace themselves at their
// frame rate when SourceOptions.realtime is set, so they behave like a camera. Run() blocks until
// the source ends, max_frames is reached, Stop() is called, or a stage fails; it always joins every
// thread (no deadlock on shutdown: queues are closed downstream-first on failure).
// Thread-safety: Run() once, from one thread; Stop() from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "core/metrics_registry.h"
#include "edgesight/status.h"
#include "pipeline/decision_hook.h"
#include "pipeline/frame_sink.h"
#include "pipeline/pipeline_options.h"
#include "pipeline/run_summary.h"
#include "pipeline/stages.h"
#include "source/video_source.h"

namespace es {

struct PipelineParts {
  std::unique_ptr<VideoSource> source;  // not yet opened
  std::unique_ptr<DetectStage> detect;
  std::unique_ptr<TrackStage> track;
  std::unique_ptr<AnalyticsStage> analytics;  // optional
  // Track thread, after analytics, in order (decision_hook.h): recorder, outbox, alarm, PTZ.
  std::vector<std::unique_ptr<DecisionHook>> hooks;
  std::vector<std::unique_ptr<FrameSink>> sinks;
  // Live metrics (optional, borrowed; must outlive the pipeline): per-camera counters and
  // latency histograms labelled {camera=<camera>}, updated while the pipeline runs.
  MetricsRegistry* metrics = nullptr;
  std::string camera;
};

struct RunResult {
  RunSummary summary;
  Status status;  // first error: source (kNotFound/kDataLoss/kUnavailable), a stage, or a sink
};

class Pipeline {
 public:
  Pipeline(PipelineParts parts, PipelineOptions options);
  ~Pipeline();
  RunResult Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es
