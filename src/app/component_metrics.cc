#include "app/component_metrics.h"

#include <atomic>
#include <functional>

namespace es {

namespace {

// read(*component) while it lives; afterwards the last value read.
template <typename T>
std::function<double()> LastKnown(std::weak_ptr<T> weak, std::function<double(T&)> read) {
  auto last = std::make_shared<std::atomic<double>>(0.0);
  return [weak = std::move(weak), read = std::move(read), last] {
    if (auto p = weak.lock()) last->store(read(*p));
    return last->load();
  };
}

}  // namespace

void RegisterRecorderMetrics(MetricsRegistry* m, const std::string& camera,
                             std::weak_ptr<Recorder> rec) {
  const MetricLabels cam = {{"camera", camera}};
  using R = Recorder;
  m->AddCallbackCounter("edgesight_recording_clips_total", "complete clips written", cam,
                        LastKnown<R>(rec, [](R& r) { return double(r.stats().clips_written); }));
  m->AddCallbackCounter("edgesight_recording_bytes_total", "bytes of complete clips written",
                        cam,
                        LastKnown<R>(rec, [](R& r) { return double(r.stats().bytes_written); }));
  m->AddCallbackCounter("edgesight_recording_deleted_total", "clips deleted by retention", cam,
                        LastKnown<R>(rec, [](R& r) { return double(r.stats().clips_deleted); }));
  m->AddCallbackGauge("edgesight_recording_degraded",
                      "1 while the recorder cannot write (disk full or failing)", cam,
                      LastKnown<R>(rec, [](R& r) { return r.stats().degraded ? 1.0 : 0.0; }));
}

void RegisterAlarmMetrics(MetricsRegistry* m, std::weak_ptr<AlarmDispatcher> alarms) {
  using A = AlarmDispatcher;
  const std::pair<const char*, uint64_t AlarmStats::*> kResults[] = {
      {"fired", &AlarmStats::fired},
      {"failed", &AlarmStats::failed},
      {"dropped", &AlarmStats::dropped},
      {"suppressed", &AlarmStats::suppressed}};
  for (const auto& [result, field] : kResults) {
    m->AddCallbackCounter("edgesight_alarm_actions_total",
                          "alarm actions by result (suppressed: rate-limited)",
                          {{"result", result}},
                          LastKnown<A>(alarms, [field = field](A& a) {
                            return static_cast<double>(a.Stats().*field);
                          }));
  }
}

void RegisterPtzMetrics(MetricsRegistry* m, const std::string& camera,
                        std::weak_ptr<const PtzLinkage> linkage) {
  const MetricLabels cam = {{"camera", camera}};
  using P = const PtzLinkage;
  m->AddCallbackCounter("edgesight_ptz_commands_total", "commands sent to the PTZ head", cam,
                        LastKnown<P>(linkage, [](P& l) { return double(l.stats().commands_sent); }));
  m->AddCallbackCounter("edgesight_ptz_driver_errors_total", "PTZ head errors", cam,
                        LastKnown<P>(linkage, [](P& l) { return double(l.stats().driver_errors); }));
  m->AddCallbackCounter("edgesight_ptz_handoffs_total", "target switches of the PTZ head", cam,
                        LastKnown<P>(linkage, [](P& l) { return double(l.stats().handoffs); }));
  m->AddCallbackGauge("edgesight_ptz_healthy", "1 while the PTZ head answers", cam,
                      LastKnown<P>(linkage, [](P& l) {
                        return l.stats().health == PtzHealth::kOk ? 1.0 : 0.0;
                      }));
}

}  // namespace es
