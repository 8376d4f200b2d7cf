#include "app/ptz_hook.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "app/exit_codes.h"
#include "app/log_line.h"
#include "core/password_file.h"
#include "ptz/calibration_file.h"
#include "ptz/onvif_ptz_client.h"

namespace es {
namespace {

Result<std::shared_ptr<PtzDriver>> MakeOnvif(const PtzConfig& c) {
  OnvifPtzClientOptions o;
  o.endpoint = c.onvif_url;
  o.profile_token = c.onvif_profile;
  o.configuration_token = c.onvif_configuration;
  o.username = c.onvif_username;
  if (!c.onvif_password_file.empty()) {
    ES_ASSIGN_OR_RETURN(o.password, ReadPasswordFile("ptz.onvif_password_file", c.onvif_password_file));
  }
  o.connect_timeout = Duration::Millis(c.onvif_timeout_ms);
  o.read_timeout = Duration::Millis(c.onvif_timeout_ms);
  auto client = OnvifPtzClient::Create(std::move(o));
  if (!client.ok()) {
    return Status(client.status().code(), "ptz.onvif_url: " + client.status().message());
  }
  return std::shared_ptr<PtzDriver>(std::move(client).value());
}

}  // namespace

Result<std::unique_ptr<PtzHook>> PtzHook::Create(const PtzConfig& config) {
  auto hook = std::unique_ptr<PtzHook>(new PtzHook());
  if (config.driver == "simulator") {
    hook->sim_ = std::make_shared<SimulatorDriver>(PtzSimOptions{}, SteadyNow());
    hook->sim_->SetPosition(config.linkage.home_pan_deg, config.linkage.home_tilt_deg,
                            config.linkage.home_zoom);
    hook->driver_ = hook->sim_;
  } else if (config.driver == "onvif") {
    ES_ASSIGN_OR_RETURN(hook->driver_, MakeOnvif(config));
  } else {
    return InvalidArgument("ptz.driver: expected simulator or onvif, got " +
                           std::string(config.driver.empty() ? "\"\"" : config.driver));
  }
  // The calibration (and the options) first: a bad file is bad input, whatever the head does.
  ES_ASSIGN_OR_RETURN(hook->linkage_, PtzLinkage::Create(config.linkage, hook->driver_));
  // A calibration that fits its points badly is used, but never silently.
  auto residuals = LoadCalibrationResiduals(config.linkage.calibration_file);
  if (residuals.ok() && residuals->has_value() && (*residuals)->max_deg > kCalibrationWarnDeg) {
    char line[256];
    std::snprintf(line, sizeof(line),
                  "ptz.calibration_file: residuals up to %.1f deg (rms %.1f) over %.1f deg: the "
                  "head will miss its targets; measure the points again (edgesight calibrate)",
                  (*residuals)->max_deg, (*residuals)->rms_deg, kCalibrationWarnDeg);
    hook->calibration_warning_ = line;
    LogLine(LogLevel::kWarning, std::string("warning: ") + line);
  }
  if (hook->sim_) {
    hook->sim_->StartRealtime();
  } else {
    const auto caps = hook->driver_->GetConfigurationOptions();
    if (caps.ok()) {
      hook->probe_ = "ok";
    } else {
      hook->probe_failed_ = true;
      hook->probe_ = OneLine(caps.status().message());
      if (caps.status().code() == StatusCode::kPermissionDenied) {
        // Wrong credentials are bad configuration: said at once, exit 2 at the end; tracking
        // (and everything committed) goes on meanwhile.
        hook->refused_ = true;
        ReportError(Status(StatusCode::kPermissionDenied,
                           "ptz: " + hook->probe_ + " (tracking goes on without the head)"));
      } else {
        spdlog::warn("ptz: head not ready, tracking goes on: {}", hook->probe_);
      }
    }
  }
  return hook;
}

PtzHook::~PtzHook() {
  if (!finished_) (void)Finish();
}

Status PtzHook::OnDecision(FramePacket* packet) {
  if (packet->end_of_stream || finished_) return Status::Ok();
  linkage_->OnFrame(packet->tracks, packet->frame.meta.capture);
  if (pair_) {
    const PtzLinkageStats s = linkage_->stats();
    const int followed = s.selector == SelectorState::kTracking ? s.track_id : -1;
    int class_id = 0;
    for (const TrackOutput& t : packet->tracks) {
      if (t.id == followed) class_id = t.class_id;
    }
    pair_->SetFollowing(followed, class_id, packet->frame.meta.capture);
  }
  return Status::Ok();
}

Status PtzHook::Finish() {
  if (finished_) return Status::Ok();
  finished_ = true;
  if (linkage_) {
    linkage_->WaitIdle(Duration::Seconds(1));
    linkage_->Stop();
  }
  if (sim_) sim_->StopRealtime();
  return Status::Ok();
}

std::string PtzHook::Degraded() const {
  if (!calibration_warning_.empty()) return "ptz: " + calibration_warning_;
  const nlohmann::json j = Summary();
  if (j.value("health", "") != "degraded") return {};
  return "ptz: " + j.value("last_error", std::string("head degraded"));
}

nlohmann::json PtzHook::Summary() const {
  const PtzLinkageStats s = linkage_->stats();
  nlohmann::json j = s.ToJson();
  const bool talked = s.commands_sent > 0 || s.status_polls > 0;
  if (probe_failed_ && !talked) {
    j["health"] = "degraded";
    j["last_error"] = probe_;
  }
  j["driver"] = driver_->Describe();
  j["probe"] = probe_;
  if (!calibration_warning_.empty()) j["calibration_warning"] = calibration_warning_;
  if (sim_) {
    const PtzStatus head = sim_->TrueStatus();
    j["head"] = {{"pan_deg", head.pan_deg}, {"tilt_deg", head.tilt_deg}, {"zoom", head.zoom}};
  }
  return j;
}

}  // namespace es
