#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/latency_stats.h"

namespace es {

struct Pipeline::Impl {
  PipelineParts parts;
  PipelineOptions options;

  BoundedQueue<FramePacket> q_detect;
  BoundedQueue<FramePacket> q_track;
  BoundedQueue<FramePacket> q_output;

  std::atomic<bool> stop{false};
  std::mutex error_mu;
  Status error;
  uint64_t frames_read = 0;  // capture thread only; read after join
  SourceInfo info;           // written before the first frame is queued

  // Output-thread statistics (read after join).
  std::map<std::string, LatencyStats> stats;
  RunSummary summary;
  // Distinct confirmed ids: one bit per id (ids are small and dense per tracker), so a
  // months-long stream does not grow a set node per track.
  std::vector<bool> seen_ids;
  uint64_t distinct_ids = 0;

  // Live metrics (null when the parts bring no registry).
  struct Live {
    Counter* read = nullptr;
    Counter* dropped = nullptr;
    Counter* processed = nullptr;
    Counter* detector_runs = nullptr;
    Counter* skipped = nullptr;
    Counter* events = nullptr;
    Histogram* detect = nullptr;
    Histogram* wait = nullptr;
    Histogram* g2d = nullptr;
    Gauge* up = nullptr;          // 1 while the source is open and delivering
    Gauge* last_frame = nullptr;  // wall time of the last frame read (Unix seconds)
    Gauge* queued = nullptr;      // frames waiting for the detect stage
    Gauge* declared = nullptr;    // frames this run will read, when the source says (-1: live)
  } live;
  uint64_t dropped_seen = 0;  // capture thread

  void RegisterMetrics() {
    MetricsRegistry* r = parts.metrics;
    if (r == nullptr) return;
    const MetricLabels cam = {{"camera", parts.camera}};
    live.read = r->GetCounter("edgesight_frames_read_total", "frames the source delivered", cam);
    live.dropped = r->GetCounter("edgesight_frames_dropped_total",
                                 "frames dropped by the flow limiter before detection", cam);
    live.processed =
        r->GetCounter("edgesight_frames_processed_total", "frames decided (tracks ready)", cam);
    live.detector_runs =
        r->GetCounter("edgesight_detector_runs_total", "frames the detector ran on", cam);
    live.skipped =
        r->GetCounter("edgesight_detector_skipped_total",
                      "frames decided without the detector (period, interval, gate)", cam);
    live.events = r->GetCounter("edgesight_events_total", "analytics events decided", cam);
    live.detect = r->GetHistogram("edgesight_detect_seconds", "detector time per run", cam);
    live.wait = r->GetHistogram("edgesight_detect_wait_seconds",
                                "time waiting for the shared detector", cam);
    live.g2d =
        r->GetHistogram("edgesight_glass_to_decision_seconds", "capture to decision latency", cam);
    live.up = r->GetGauge("edgesight_camera_up",
                          "1 while the camera's capture runs (source open or reconnecting)", cam);
    live.last_frame = r->GetGauge("edgesight_last_frame_timestamp_seconds",
                                  "wall time the camera's last frame was read", cam);
    live.queued = r->GetGauge("edgesight_queue_depth", "frames waiting in a stage's queue",
                              {{"camera", parts.camera}, {"queue", "detect"}});
    live.declared =
        r->GetGauge("edgesight_source_declared_frames",
                    "frames this run will read, as the source declares (-1: unknown)", cam);
  }

  static double WallSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Impl(PipelineParts p, PipelineOptions o)
      : parts(std::move(p)),
        options(o),
        q_detect("decode->detect", static_cast<size_t>(o.queue_capacity),
                 o.queue_policy == "block" ? QueuePolicy::kBlock : QueuePolicy::kDropOldest),
        q_track("detect->track", 8, QueuePolicy::kBlock),
        q_output("track->output", 8, QueuePolicy::kBlock) {
    for (const char* name : {"decode", "gate", "detect", "track", "output", "glass_to_decision",
                             "pipeline_overhead"}) {
      stats.try_emplace(name);
    }
    RegisterMetrics();
  }

  void Fail(Status s) {
    {
      std::lock_guard lock(error_mu);
      if (error.ok()) error = std::move(s);
    }
    Abort();
  }

  // A failure: closing every queue wakes every thread; frames still queued are not decided.
  void Abort() {
    stop = true;
    parts.source->Interrupt();
    q_detect.Close();
    q_track.Close();
    q_output.Close();
  }

  // A graceful stop (SIGINT/SIGTERM): only capture stops. Every frame already read goes on
  // through detect, track, the hooks and the sinks; the closing events (end_of_stream) follow,
  // then each stage closes its output queue as it finishes, so nothing in flight is lost.
  void RequestStop() {
    stop = true;
    parts.source->Interrupt();
  }

  void CaptureLoop() {
    Status s = parts.source->Open();
    if (!s.ok()) {
      Fail(s);
      return;
    }
    info = parts.source->info();  // sources pace themselves (SourceOptions::realtime)
    if (live.up) {
      live.up->Set(1);
      int64_t total = info.frame_count;
      if (options.max_frames > 0)
        total = total > 0 ? std::min<int64_t>(total, options.max_frames) : options.max_frames;
      live.declared->Set(static_cast<double>(total));
    }
    while (!stop) {
      if (options.max_frames > 0 && frames_read >= static_cast<uint64_t>(options.max_frames)) break;
      FramePacket p;
      s = parts.source->Read(&p.frame);
      if (s.code() == StatusCode::kEndOfStream) break;
      if (s.code() == StatusCode::kCancelled && stop) break;
      if (!s.ok()) {
        // Frames already queued are still processed; then the run ends with this error.
        std::lock_guard lock(error_mu);
        if (error.ok()) error = s;
        break;
      }
      p.decode_time = p.frame.meta.decode;
      ++frames_read;
      if (live.read) {
        live.read->Add();
        live.last_frame->Set(WallSeconds());
      }
      if (!q_detect.Push(std::move(p))) break;
      if (live.dropped) {
        const uint64_t d = q_detect.dropped();
        live.dropped->Add(d - dropped_seen);
        dropped_seen = d;
        live.queued->Set(static_cast<double>(q_detect.size()));
      }
    }
    if (live.up) live.up->Set(0);
    q_detect.Close();
  }

  void DetectLoop() {
    while (auto p = q_detect.Pop()) {
      if (live.queued) live.queued->Set(static_cast<double>(q_detect.size()));
      if (Status s = parts.detect->Process(&*p); !s.ok()) return Fail(s);
      if (!q_track.Push(std::move(*p))) break;
    }
    q_track.Close();
  }

  Status RunHooks(FramePacket* p) {
    for (auto& hook : parts.hooks) ES_RETURN_IF_ERROR(hook->OnDecision(p));
    return Status::Ok();
  }

  void TrackLoop() {
    std::string stream_id;
    Status failed;
    while (auto p = q_track.Pop()) {
      if (Status s = parts.track->Process(&*p); !s.ok()) {
        failed = s;
        break;
      }
      if (parts.analytics) {
        if (Status s = parts.analytics->Process(&*p); !s.ok()) {
          failed = s;
          break;
        }
      }
      if (Status s = RunHooks(&*p); !s.ok()) {
        failed = s;
        break;
      }
      stream_id = p->frame.meta.stream_id;
      if (!q_output.Push(std::move(*p))) break;
    }
    // Episodes still open are closed even when the run was stopped (SIGINT/SIGTERM): their
    // start events went through the hooks (the outbox), so their end events must too; the
    // sinks only see them when the output queue is still open. Not after a failure.
    if (failed.ok() && parts.analytics) {
      FramePacket tail;
      tail.end_of_stream = true;
      tail.frame.meta.stream_id = stream_id;
      tail.events = parts.analytics->Finish();
      if (!tail.events.empty()) {
        failed = RunHooks(&tail);
        if (failed.ok()) q_output.Push(std::move(tail));  // discarded if stopped
      }
    }
    for (auto& hook : parts.hooks) {
      if (Status s = hook->Finish(); !s.ok() && failed.ok()) failed = s;
    }
    if (!failed.ok()) return Fail(failed);
    q_output.Close();
  }

  void OutputLoop() {
    bool started = false;
    while (auto p = q_output.Pop()) {
      // The queue's mutex orders this read after the capture thread wrote `info`.
      if (!started) {
        started = true;
        for (auto& sink : parts.sinks) {
          if (Status s = sink->Start(info); !s.ok()) return Fail(s);
        }
      }
      const Timestamp t0 = SteadyNow();
      for (auto& sink : parts.sinks) {
        if (Status s = sink->Consume(*p); !s.ok()) return Fail(s);
      }
      Account(*p, SteadyNow() - t0);
    }
  }

  void AccountLive(const FramePacket& p) {
    if (live.events == nullptr) return;
    live.events->Add(p.events.size());
    if (p.end_of_stream) return;
    live.processed->Add();
    live.g2d->Observe((p.decided - p.frame.meta.capture).seconds());
    if (p.decision == DetectDecision::kRan) {
      live.detector_runs->Add();
      live.detect->Observe(p.detect_time.seconds());
      live.wait->Observe(p.detect_wait.seconds());
    } else {
      live.skipped->Add();
    }
  }

  void Account(const FramePacket& p, Duration output_time) {
    AccountLive(p);
    summary.events += p.events.size();
    if (p.end_of_stream) return;
    ++summary.frames_processed;
    stats["decode"].Add(p.decode_time);
    stats["track"].Add(p.track_time);
    stats["output"].Add(output_time);
    switch (p.decision) {
      case DetectDecision::kRan:
        ++summary.detector_runs;
        summary.detections += p.detections.size();
        stats["gate"].Add(p.gate_time);
        stats["detect"].Add(p.detect_time);
        break;
      case DetectDecision::kSkippedInterval:
        ++summary.skipped_interval;
        break;
      case DetectDecision::kSkippedNoMotion:
        ++summary.skipped_no_motion;
        stats["gate"].Add(p.gate_time);
        break;
      case DetectDecision::kSkippedNoDetector:
        ++summary.skipped_no_detector;
        stats["gate"].Add(p.gate_time);
        break;
    }
    const Duration g2d = p.decided - p.frame.meta.capture;
    stats["glass_to_decision"].Add(g2d);
    stats["pipeline_overhead"].Add(g2d - p.detect_time);
    summary.track_frames += p.tracks.size();
    if (p.camera_motion_px >= 0) {
      ++summary.camera_motion_frames;
      summary.camera_motion_sum_px += p.camera_motion_px;
      summary.camera_motion_max_px = std::max(summary.camera_motion_max_px, p.camera_motion_px);
    }
    for (const auto& t : p.tracks) {
      if (t.id < 0) continue;
      const auto id = static_cast<size_t>(t.id);
      if (id >= seen_ids.size()) seen_ids.resize(std::max(id + 1, seen_ids.size() * 2));
      if (!seen_ids[id]) {
        seen_ids[id] = true;
        ++distinct_ids;
      }
    }
  }
};

Pipeline::Pipeline(PipelineParts parts, PipelineOptions options)
    : impl_(std::make_unique<Impl>(std::move(parts), options)) {}

Pipeline::~Pipeline() = default;

void Pipeline::Stop() { impl_->RequestStop(); }

RunResult Pipeline::Run() {
  Impl& m = *impl_;
  const Timestamp start = SteadyNow();
  {
    std::jthread capture([&] { m.CaptureLoop(); });
    std::jthread detect([&] { m.DetectLoop(); });
    std::jthread track([&] { m.TrackLoop(); });
    std::jthread output([&] { m.OutputLoop(); });
  }  // joins all four
  Status status;
  {
    std::lock_guard lock(m.error_mu);
    status = m.error;
  }
  for (auto& sink : m.parts.sinks) {
    if (Status s = sink->Close(); !s.ok() && status.ok()) status = s;
  }
  RunResult r;
  r.summary = m.summary;
  r.summary.detector = m.parts.detect->detector_name();
  r.summary.frames_read = m.frames_read;
  r.summary.frames_dropped = m.q_detect.dropped();
  r.summary.tracks = m.distinct_ids;
  r.summary.wall_s = (SteadyNow() - start).seconds();
  r.summary.fps = r.summary.wall_s > 0 ? r.summary.frames_processed / r.summary.wall_s : 0;
  for (auto& [name, st] : m.stats) r.summary.latency[name] = st.Summary();
  for (auto& hook : m.parts.hooks) {
    r.summary.hooks.emplace_back(hook->name(), hook->Summary());
    if (std::string why = hook->Degraded(); !why.empty()) r.summary.degraded.push_back(why);
  }
  r.summary.status = status.ok() ? "ok" : status.ToString();
  r.status = status;
  return r;
}

}  // namespace es
