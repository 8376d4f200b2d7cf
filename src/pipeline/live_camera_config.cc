#include "pipeline/live_camera_config.h"

#include "config/live_patch.h"

namespace es {

LiveCameraConfig::LiveCameraConfig(AppConfig config)
    : config_(std::move(config)),
      slot_(std::make_shared<CameraSettingsSlot>(LiveSettingsOf(config_.gate, config_.pipeline))) {}

AppConfig LiveCameraConfig::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

nlohmann::json LiveCameraConfig::SettingsJson() const {
  std::lock_guard lock(mu_);
  nlohmann::json j = {{"version", slot_->version()}};
  j.update(LiveSettingsJson(config_));
  return j;
}

Status LiveCameraConfig::Patch(const nlohmann::json& patch) {
  std::lock_guard lock(mu_);
  ES_ASSIGN_OR_RETURN(AppConfig next, ApplyLivePatch(config_, patch));
  config_ = std::move(next);
  slot_->Store(LiveSettingsOf(config_.gate, config_.pipeline));
  return Status::Ok();
}

void LiveCameraConfig::Replace(AppConfig config) {
  std::lock_guard lock(mu_);
  config_ = std::move(config);
  slot_->Store(LiveSettingsOf(config_.gate, config_.pipeline));
}

}  // namespace es
