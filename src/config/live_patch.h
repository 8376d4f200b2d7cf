// Live settings over the API: a camera's live settings (pipeline/camera_settings.h) as JSON in
// the config file's shape, and a JSON patch of them checked by the same schema as the file.
//
// Contract
// - LiveSettingsJson(c): {"gate": {every gate key}, "pipeline": {"detect_interval",
//   "detect_period_s", "max_period_s", "priority"}}, values typed as in the file.
// - ApplyLivePatch(current, patch): patch is an object of the same shape holding any subset of
//   those keys. It goes through the config schema (unknown keys with did-you-mean, types,
//   ranges) and the whole-config checks, with the same messages as the config file
//   ("gate.var_threshold: expected a number in ..."), then must touch live keys only
//   ("pipeline.queue_capacity: not a live setting; change the config file and restart").
//   Returns the new config; `current` is never changed. Errors are kInvalidArgument, one line.
// Thread-safety: re-entrant.
#pragma once

#include <nlohmann/json.hpp>

#include "config/app_config.h"
#include "edgesight/status.h"

namespace es {

nlohmann::json LiveSettingsJson(const AppConfig& config);
Result<AppConfig> ApplyLivePatch(const AppConfig& current, const nlohmann::json& patch);

}  // namespace es
