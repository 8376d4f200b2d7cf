// `edgesight run`: builds a pipeline from an AppConfig and runs it.
//
// BuildAndRun wires source, detector, tracker, decision hooks (recorder,
// outbox, alarms) and sinks (the one place that knows every module),
// runs the pipeline to completion and returns the summary plus the first error. Config errors,
// a model that does not load and unwritable outputs are reported before any thread starts.
// With `signals`, SIGINT/SIGTERM/SIGHUP stop the run gracefully (shutdown_signals.h): capture
// stops, every frame in flight is decided, open episodes are closed, the clip being written is
// finalised, the outbox drains for at most half of pipeline.stop_timeout_s, and the summary says
// which signal stopped the run.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/shutdown_signals.h"
#include "config/app_config.h"
#include "config/site_config.h"
#include "pipeline/pipeline.h"

namespace es {

// Every camera of a site in one process (site_config.h): one detection service (one model,
// scheduled across cameras), one uplink, one alarm dispatcher; a pipeline per camera. A camera
// whose source fails (missing file, RTSP down) ends alone; the others go on. `status` is the
// build error (bad config, a model that does not load: nothing ran), or, once running, the
// first camera's error when every camera failed, else ok.
struct SiteRunResult {
  std::vector<RunResult> cameras;     // in the site's camera order
  nlohmann::json uplink;              // null without an uplink
  nlohmann::json escalation;          // null unless a camera escalates (hybrid tier)
  nlohmann::json models;              // null without a model store (models.store)
  std::vector<std::string> degraded;  // device-wide: the uplink's reason, if any
  // A broker or PTZ head refused our credentials: said on stderr at once; exit 2 at the end.
  bool credentials_refused = false;
  Status status;
  // {"device", "cameras": {id: summary}, "uplink", "status": ok | degraded: ... | error}
  nlohmann::ordered_json ToJson(const std::string& device) const;
};

// The site's configuration read again (SIGHUP): the same file and flags as at start.
using SiteReloader = std::function<Result<SiteConfig>()>;

// With `signals` and `reload`, SIGHUP re-reads the configuration and applies the live settings
// of each running camera (camera_settings.h: gate, detection interval, period, its bound,
// priority) from its next frame on; anything else needs a restart. The summary's
// schedule.settings_version counts the snapshots a camera has had (1 = never changed).
// With progress, a status line on stderr shows each camera's progress while it runs
// (app/progress.h; the CLI asks for it only on a terminal).
SiteRunResult RunSite(const SiteConfig& site, const std::string& device, ShutdownSignals* signals,
                      const SiteReloader& reload = {}, bool progress = false);

// The single-camera summary of a one-camera site run ("uplink" among its hooks, the device's
// degradations in its own).
RunResult SingleCameraResult(SiteRunResult site, const AppConfig& config);

// One camera (the single-camera summary, with "uplink" among its hooks).
// device: this edge device's id, the first part of every event id ("<device>/<stream>/<n>").
RunResult BuildAndRun(const AppConfig& config, const std::string& device, ShutdownSignals* signals,
                      const SiteReloader& reload = {});

}  // namespace es
