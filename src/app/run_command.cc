#include "app/run_command.h"

#include <csignal>
#include <thread>

#include "alarm/alarm_dispatcher.h"
#include "app/alarm_hook.h"
#include "app/ptz_hook.h"
#include "app/source_usage_hook.h"
#include "app/uplink_runtime.h"
#include "detect/detector.h"
#include "record/recorder_hook.h"
#include "source/ffmpeg_source.h"
#include "source/video_source.h"

namespace es {
namespace {

RunResult Failed(const AppConfig& c, Status s) {
  RunResult r;
  r.summary.source = c.source.uri;
  r.summary.status = s.ToString();
  r.status = std::move(s);
  return r;
}

// Waits for SIGINT/SIGTERM on a dedicated thread (signals are blocked in every other thread
// because the mask is set before the pipeline threads start) and stops the pipeline.
class SignalWatcher {
 public:
  explicit SignalWatcher(Pipeline* pipeline) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::jthread([this, pipeline](std::stop_token st) {
      const timespec tick{0, 100'000'000};
      while (!st.stop_requested()) {
        if (sigtimedwait(&set_, nullptr, &tick) > 0) {
          pipeline->Stop();
          return;
        }
      }
    });
  }
  ~SignalWatcher() {
    thread_.request_stop();
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_{}, old_{};
  std::jthread thread_;
};

// Decision hooks, in order: the recorder names clips, the outbox commits the events (with their
// clip) and crops, the source usage is accounted, then local alarms and the PTZ linkage react.
Status AddDecisionHooks(const AppConfig& c, UplinkRuntime* uplink, PipelineParts* parts) {
  // One packet callback (capture thread) feeds the recorder's ring and the source accounting.
  std::vector<PacketCallback> packet_consumers;
  if (!c.recording.dir.empty()) {
    auto recorder = Recorder::Create(c.recording, c.source.stream_id);
    if (!recorder.ok()) return recorder.status();
    std::shared_ptr<Recorder> rec = std::move(recorder).value();
    packet_consumers.push_back([rec](const AVPacket& p, const AVStream& st) { rec->OnPacket(p, st); });
    parts->hooks.push_back(std::make_unique<RecorderHook>(rec));
  }
  if (uplink != nullptr) {
    auto hook = uplink->MakeHook();
    if (!hook.ok()) return hook.status();
    parts->hooks.push_back(std::move(hook).value());
    auto usage = std::make_unique<SourceUsageHook>(uplink->outbox(), c.source.stream_id);
    SourceUsageHook* u = usage.get();
    packet_consumers.push_back([u](const AVPacket& p, const AVStream& st) { u->OnPacket(p, st); });
    parts->hooks.push_back(std::move(usage));
  }
  if (auto* ff = dynamic_cast<FfmpegSource*>(parts->source.get()); ff && !packet_consumers.empty()) {
    ff->SetPacketCallback([consumers = std::move(packet_consumers)](const AVPacket& p,
                                                                    const AVStream& st) {
      for (const auto& consume : consumers) consume(p, st);
    });
  }
  if (!c.alarm.rules.empty()) {
    auto alarms = AlarmDispatcher::Create(c.alarm);
    if (!alarms.ok()) return alarms.status();
    parts->hooks.push_back(std::make_unique<AlarmHook>(std::move(alarms).value(), 5.0));
  }
  // PTZ last: it only reads the tracks. A bad calibration file fails here (exit 2); a head
  // that is down or refuses the credentials does not (the hook reports it in the summary).
  if (!c.ptz.driver.empty()) {
    auto ptz = PtzHook::Create(c.ptz);
    if (!ptz.ok()) return ptz.status();
    parts->hooks.push_back(std::move(ptz).value());
  }
  return Status::Ok();
}

}  // namespace

RunResult BuildAndRun(const AppConfig& c, const std::string& device, bool install_signal_handlers) {
  PipelineParts parts;
  auto uplink = UplinkRuntime::Open(c.uplink, device, c.source.stream_id);
  if (!uplink.ok()) return Failed(c, uplink.status());
  auto source = MakeSource(c.source);
  if (!source.ok()) return Failed(c, source.status());
  parts.source = std::move(source).value();

  auto detector = MakeDetector(c.detector);
  if (!detector.ok()) return Failed(c, detector.status());
  parts.detect = std::make_unique<DetectStage>(std::move(detector).value(), c.gate,
                                               c.pipeline.detect_interval);
  parts.track = std::make_unique<TrackStage>(c.tracker);
  std::shared_ptr<EventIdSource> ids = std::make_shared<InMemoryEventIdSource>();
  if (*uplink) ids = (*uplink)->ids();
  auto analyzer = Analyzer::Create(c.analytics, device, c.source.stream_id, ids);
  if (!analyzer.ok()) return Failed(c, analyzer.status());
  parts.analytics = std::make_unique<AnalyticsStage>(std::move(analyzer).value());
  if (Status st = AddDecisionHooks(c, uplink->get(), &parts); !st.ok()) return Failed(c, st);
  if (!c.output.events_out.empty()) {
    auto sink = MakeJsonLinesSink(c.output.events_out);
    if (!sink.ok()) return Failed(c, sink.status());
    parts.sinks.push_back(std::move(sink).value());
  }
  if (!c.output.annotate.empty()) {
    auto sink = MakeAnnotatedVideoSink(c.output.annotate, c.output.trail_length);
    if (!sink.ok()) return Failed(c, sink.status());
    parts.sinks.push_back(std::move(sink).value());
  }

  Pipeline pipeline(std::move(parts), c.pipeline);
  std::unique_ptr<SignalWatcher> watcher;
  if (install_signal_handlers) watcher = std::make_unique<SignalWatcher>(&pipeline);
  RunResult r = pipeline.Run();
  r.summary.source = c.source.uri;
  if (*uplink) {
    (*uplink)->Finish();
    r.summary.hooks.emplace_back("uplink", (*uplink)->Summary());
  }
  return r;
}

}  // namespace es
