// Live metrics of the device's components that keep their own statistics (recorder, alarm
// dispatcher, PTZ linkage): callback series on the registry that read the component's
// thread-safe stats() when scraped.
//
// Contract: the callbacks hold weak references; once a component is gone (the run is ending)
// its series keep the last value read, so counters never go backwards.
//   edgesight_recording_clips_total{camera}, _recording_bytes_total{camera},
//   edgesight_recording_deleted_total{camera} (retention), edgesight_recording_degraded{camera};
//   edgesight_alarm_actions_total{result=fired|failed|dropped|suppressed};
//   edgesight_ptz_commands_total{camera}, edgesight_ptz_driver_errors_total{camera},
//   edgesight_ptz_handoffs_total{camera}, edgesight_ptz_healthy{camera}.
// Thread-safety: register from one thread; the callbacks run on readers' threads.
#pragma once

#include <memory>
#include <string>

#include "alarm/alarm_dispatcher.h"
#include "core/metrics_registry.h"
#include "ptz/ptz_linkage.h"
#include "record/recorder.h"

namespace es {

void RegisterRecorderMetrics(MetricsRegistry* m, const std::string& camera,
                             std::weak_ptr<Recorder> recorder);
void RegisterAlarmMetrics(MetricsRegistry* m, std::weak_ptr<AlarmDispatcher> alarms);
void RegisterPtzMetrics(MetricsRegistry* m, const std::string& camera,
                        std::weak_ptr<const PtzLinkage> linkage);

}  // namespace es
