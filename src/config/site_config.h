// SiteConfig: every camera of one device, from one YAML file with a `cameras:` list.
//
// Contract
// - The top-level sections (config_loader.h) are the defaults of every camera. `cameras:` is a
//   list of mappings; each item has `id` (required, 1-32 of [A-Za-z0-9_-], unique), `source`
//   (a URI, or a mapping of source keys), optional `role` (wide | ptz) and `pair` (the id of
//   the other lens of a dual-lens camera), and any of the per-camera sections source, gate,
//   tracker, pipeline, output, analytics, recording, ptz, whose keys override the defaults
//   (lists such as analytics.zones replace the default list). detector, alarm, uplink, http
//   and governor are device-wide: one model, one alarm dispatcher, one outbox and broker
//   connection, one API server, one governor.
// - Top-level analytics.zones / lines with a `stream:` apply to that camera only (one naming no
//   camera is an error); without `stream:` they apply to every camera.
// - Each camera's document goes through the same schema and checks as a single-camera config;
//   errors name the camera: "site.yaml: cameras[2] 'gate': analytics.zones[0] 'door': ...".
//   Cross-camera errors: duplicate ids, a `ptz` camera whose `pair` is not a `wide` camera
//   (and the other way round), a pair naming an unknown camera.
// - Without `cameras:`, the site has one camera: the top-level config (id = source.stream_id).
// - ApplySiteOverrides: `--set` assignments applied to every camera (all or nothing).
// Failure: one-line Status as config_loader.h (kInvalidArgument / kNotFound).
// Thread-safety: plain values and re-entrant functions.
#pragma once

#include <string>
#include <vector>

#include "config/app_config.h"
#include "edgesight/status.h"

namespace es {

struct SiteCamera {
  std::string id;
  std::string role;  // "", "wide" or "ptz"
  std::string pair;  // the other lens' camera id when role is set
  AppConfig config;  // source.stream_id == id
};

struct SiteConfig {
  bool has_cameras_list = false;  // the file had `cameras:`
  std::vector<SiteCamera> cameras;
};

Result<SiteConfig> LoadSiteConfigString(const std::string& yaml, const std::string& origin);
Result<SiteConfig> LoadSiteConfigFile(const std::string& path);

// The single-camera site of a plain AppConfig.
SiteConfig SingleCameraSite(AppConfig config);

Status ApplySiteOverrides(SiteConfig* site, const std::vector<std::string>& assignments);

// Cross-camera checks (ids unique, dual-lens pairs); run by the loaders, and by callers that
// build or change a SiteConfig by hand.
Status ValidateSite(const SiteConfig& site);

}  // namespace es
