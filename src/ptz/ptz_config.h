// PtzConfig: the `ptz:` configuration section — which PTZ head the run drives and how the
// linkage (ptz_linkage.h) picks and follows targets.
//
// Contract: a plain aggregate. YAML keeps it flat: `ptz.driver`, `ptz.onvif_url`, ... and the
// PtzLinkageOptions keys (`ptz.controller`, `ptz.calibration_file`, `ptz.class_priority`, ...)
// all sit directly under `ptz:`; the schema (config/config_schema.cc) binds them into
// `linkage`. driver "" (the default) switches PTZ off; "simulator" drives a simulated head in
// wall-clock time (no camera needed); "onvif" speaks ONVIF PTZ to onvif_url.
// Validation: the schema (ptz_schema.h) checks types and ranges, ValidatePtzConfig the
// cross-field rules (driver onvif needs onvif_url; any driver needs linkage.calibration_file)
// and PtzLinkageOptions::Validate(). The calibration file itself is loaded (and a points file
// fitted) when the run starts (app/ptz_hook.h).
// Thread-safety: a plain value; not synchronised.
#pragma once

#include <string>

#include "ptz/ptz_linkage.h"

namespace es {

struct PtzConfig {
  std::string driver;                       // "" = off | simulator | onvif
  std::string onvif_url;                    // http://host[:port]/onvif/ptz_service
  std::string onvif_profile = "Profile_1";  // media profile token
  std::string onvif_configuration;          // PTZ configuration token; "" = onvif_profile
  std::string onvif_username;               // empty = no WS-Security header
  std::string onvif_password_file;          // first line = the password
  int onvif_timeout_ms = 1000;              // connect timeout, and read timeout, per request
  PtzLinkageOptions linkage;                // the remaining `ptz.*` keys
};

// The section's rules: what the driver needs, ONVIF tokens, the zoom ordering, the zone's
// geometry, then PtzLinkageOptions::Validate() as the last word (its messages also start
// "ptz.<key>:"). Checked whatever the driver (also "", off), so a config stays valid when PTZ
// is switched on. Failure: InvalidArgument, one line starting with the key path.
Status ValidatePtzConfig(const PtzConfig& config);

}  // namespace es
