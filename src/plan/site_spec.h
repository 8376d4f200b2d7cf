// PlanSite: what `edgesight plan` knows about a site, read from a YAML file (docs/tradeoffs.md,
// "The planner"; examples/site-*.yaml).
//
// Contract
// - The file is a mapping of sections: site, cameras, link, power, edge, cloud, event, hybrid,
//   labour, constraints. Every key has a default (below, with where it comes from in the
//   documentation); a file may set any subset. Unknown sections and keys, wrong types and values
//   out of range are errors naming the key ("link.rtt_ms: expected a number in [0, 10000], got
//   -5"); so are the cross-field rules (cameras.detect_fps <= cameras.fps).
// - Units are in the key names: _usd, _ms, _mbps, _kbps, _kb (1024 bytes), _w, _kwh, _per_tb.
// - LoadPlanSite: kNotFound for a missing file, kInvalidArgument for anything else, one line,
//   prefixed with the file path.
// Thread-safety: plain values; the schemas are immutable function-local statics.
#pragma once

#include <string>

#include "core/option_schema.h"
#include "edgesight/status.h"

namespace es {

struct SiteInfo {
  std::string name = "site";
};

struct CameraLoad {
  int count = 4;
  int width = 1920;
  int height = 1080;
  double fps = 15;
  double detect_fps = 5;  // detector runs per camera per second (fps / detection period)
  double hours_per_day = 24;
  double events_per_hour = 4;  // per camera
  double stream_kbps = 0;      // 0 = estimated: width x height x fps x bits_per_pixel
  double bits_per_pixel = 0.1;
};

struct LinkSpec {
  double uplink_mbps = 10;
  double rtt_ms = 80;
  double jitter_ms = 20;
  double loss = 0.005;
  double usd_per_gb = 0;
  double outage_hours_per_month = 0;
};

struct PowerSpec {
  double usd_per_kwh = 0.30;
};

struct EdgeSpec {
  double unit_usd = 500;
  double life_years = 5;
  double idle_w = 6;
  double utilisation = 0.7;  // detector load one unit is planned for
  double pipeline_overhead_ms = 2;
  double telemetry_kbps = 0.4;         // metrics and health per camera
  double unavailable_fraction = 0.01;  // cloud-fallback: share of time the edge detector is down
};

struct CloudSpec {
  double inference_ms = 20;
  double gpu_usd_per_hour = 0.526;
  double gpu_inferences_per_s = 300;
  double utilisation = 0.6;
  double usd_per_1000_inferences = 0;  // > 0: priced per inference instead of per GPU hour
  double egress_usd_per_tb = 1.0;
  double response_bytes = 300;
};

struct EventSpec {
  double metadata_bytes = 350;
  double crop_kb = 12;
};

struct HybridSpec {
  double escalation_fraction = 0.2;  // share of events the edge escalates for verification
};

struct LabourSpec {
  double truck_roll_usd = 250;
  double truck_rolls_per_year = 0.5;  // per edge unit, maintenance
};

struct PlanConstraints {
  double latency_p99_ms = 1000;
  double min_agreement = 0.9;
};

struct PlanSite {
  SiteInfo site;
  CameraLoad cameras;
  LinkSpec link;
  PowerSpec power;
  EdgeSpec edge;
  CloudSpec cloud;
  EventSpec event;
  HybridSpec hybrid;
  LabourSpec labour;
  PlanConstraints constraints;
};

const OptionSchema<SiteInfo>& SiteInfoSchema();
const OptionSchema<CameraLoad>& CameraLoadSchema();
const OptionSchema<LinkSpec>& LinkSpecSchema();
const OptionSchema<PowerSpec>& PowerSpecSchema();
const OptionSchema<EdgeSpec>& EdgeSpecSchema();
const OptionSchema<CloudSpec>& CloudSpecSchema();
const OptionSchema<EventSpec>& EventSpecSchema();
const OptionSchema<HybridSpec>& HybridSpecSchema();
const OptionSchema<LabourSpec>& LabourSpecSchema();
const OptionSchema<PlanConstraints>& PlanConstraintsSchema();

// Every section's fields and rules.
Status CheckPlanSite(const PlanSite& site);

Result<PlanSite> LoadPlanSite(const std::string& path);
Result<PlanSite> LoadPlanSiteString(const std::string& yaml, const std::string& path);

// One "section.key  type  range  default  meaning" line per key, for docs and --help.
std::string DescribePlanSite();

}  // namespace es
