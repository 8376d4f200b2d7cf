// LiveCameraConfig: one running camera's configuration as changed at run time (SIGHUP reload,
// PATCH over the API), and the settings slot its stages read (camera_settings.h).
//
// Contract: Patch() validates a JSON patch of the live settings (config/live_patch.h), and on
// success keeps the new config and publishes its live settings in one step; on error nothing
// changes. Replace() takes a whole reloaded config (its live settings are published; the rest
// waits for a restart). The slot's version counts the changes.
// Thread-safety: every method is thread-safe; changes are serialised by one mutex.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "config/app_config.h"
#include "edgesight/status.h"
#include "pipeline/camera_settings.h"

namespace es {

class LiveCameraConfig {
 public:
  explicit LiveCameraConfig(AppConfig config);

  AppConfig config() const;
  // {"version": n, "gate": {...}, "pipeline": {...}}
  nlohmann::json SettingsJson() const;
  Status Patch(const nlohmann::json& patch);
  void Replace(AppConfig config);

  const std::shared_ptr<CameraSettingsSlot>& slot() const { return slot_; }

 private:
  mutable std::mutex mu_;
  AppConfig config_;
  const std::shared_ptr<CameraSettingsSlot> slot_;
};

}  // namespace es
