#include "plan/site_spec.h"

#include <functional>
#include <sstream>
#include <vector>

#include "config/did_you_mean.h"
#include "config/schema_document.h"
#include "config/schema_yaml.h"

namespace es {

const OptionSchema<SiteInfo>& SiteInfoSchema() {
  static const OptionSchema<SiteInfo> kSchema = [] {
    OptionSchema<SiteInfo> s("site", "the site");
    s.Add("name", &SiteInfo::name, AnyValue(), "shown in the report");
    return s;
  }();
  return kSchema;
}

const OptionSchema<CameraLoad>& CameraLoadSchema() {
  static const OptionSchema<CameraLoad> kSchema = [] {
    using C = CameraLoad;
    OptionSchema<CameraLoad> s("cameras", "the cameras (all alike)");
    s.Add("count", &C::count, Closed(1, 100000), "number of cameras")
        .Add("width", &C::width, Closed(16, 16384), "frame width in pixels")
        .Add("height", &C::height, Closed(16, 16384), "frame height in pixels")
        .Add("fps", &C::fps, OpenClosed(0, 240), "frames per second each camera sends")
        .Add("detect_fps", &C::detect_fps, OpenClosed(0, 240),
             "detector runs per camera per second (fps / detection period)")
        .Add("hours_per_day", &C::hours_per_day, OpenClosed(0, 24),
             "hours per day the cameras are analysed")
        .Add("events_per_hour", &C::events_per_hour, Closed(0, 1e6),
             "events (tracks that raise an event) per camera per hour")
        .Add("stream_kbps", &C::stream_kbps, Closed(0, 1e6),
             "encoded video bitrate per camera; 0 = width x height x fps x bits_per_pixel")
        .Add("bits_per_pixel", &C::bits_per_pixel, OpenClosed(0, 10),
             "H.264 bits per pixel for the estimate (0.1: good quality, moderate motion, as "
             "uplink-stats)")
        .SetRules([](const CameraLoad& c) -> Status {
          if (c.detect_fps > c.fps) {
            return InvalidArgument("cameras.detect_fps: expected at most cameras.fps (" +
                                   FormatNumber(c.fps) + "), got " + FormatNumber(c.detect_fps));
          }
          return Status::Ok();
        });
    return s;
  }();
  return kSchema;
}

const OptionSchema<LinkSpec>& LinkSpecSchema() {
  static const OptionSchema<LinkSpec> kSchema = [] {
    using L = LinkSpec;
    OptionSchema<LinkSpec> s("link", "the site's uplink");
    s.Add("uplink_mbps", &L::uplink_mbps, OpenClosed(0, 1e6), "usable upstream bandwidth")
        .Add("rtt_ms", &L::rtt_ms, Closed(0, 10000), "round trip to the cloud region")
        .Add("jitter_ms", &L::jitter_ms, Closed(0, 10000),
             "standard deviation of the one-request delay")
        .Add("loss", &L::loss, Closed(0, 0.5), "packet loss probability")
        .Add("usd_per_gb", &L::usd_per_gb, Closed(0, 1e4),
             "price of uplink data (metered 4G); 0 for a flat-rate line")
        .Add("outage_hours_per_month", &L::outage_hours_per_month, Closed(0, 744),
             "expected hours per month with no link");
    return s;
  }();
  return kSchema;
}

const OptionSchema<PowerSpec>& PowerSpecSchema() {
  static const OptionSchema<PowerSpec> kSchema = [] {
    OptionSchema<PowerSpec> s("power", "electricity at the site");
    s.Add("usd_per_kwh", &PowerSpec::usd_per_kwh, Closed(0, 100), "price of electricity");
    return s;
  }();
  return kSchema;
}

const OptionSchema<EdgeSpec>& EdgeSpecSchema() {
  static const OptionSchema<EdgeSpec> kSchema = [] {
    using E = EdgeSpec;
    OptionSchema<EdgeSpec> s(
        "edge", "the edge unit: the machine the profile was measured on, at this price");
    s.Add("unit_usd", &E::unit_usd, Closed(0, 1e7), "price of one edge unit")
        .Add("life_years", &E::life_years, OpenClosed(0, 30), "replaced after this long")
        .Add("idle_w", &E::idle_w, Closed(0, 10000), "power draw of a unit when not detecting")
        .Add("utilisation", &E::utilisation, OpenClosed(0, 1),
             "share of a unit's measured detector throughput a plan may use")
        .Add("pipeline_overhead_ms", &E::pipeline_overhead_ms, Closed(0, 10000),
             "glass-to-decision time outside the detector (docs/runtime.md)")
        .Add("telemetry_kbps", &E::telemetry_kbps, Closed(0, 1e5),
             "metrics and health per camera sent upstream")
        .Add("unavailable_fraction", &E::unavailable_fraction, Closed(0, 1),
             "cloud-fallback: share of time a unit's detector cannot run");
    return s;
  }();
  return kSchema;
}

const OptionSchema<CloudSpec>& CloudSpecSchema() {
  static const OptionSchema<CloudSpec> kSchema = [] {
    using C = CloudSpec;
    OptionSchema<CloudSpec> s("cloud", "the cloud backend");
    s.Add("inference_ms", &C::inference_ms, OpenClosed(0, 1e6),
          "backend time per decision (queue + inference)")
        .Add("gpu_usd_per_hour", &C::gpu_usd_per_hour, Closed(0, 1e4), "price of one GPU hour")
        .Add("gpu_inferences_per_s", &C::gpu_inferences_per_s, OpenClosed(0, 1e7),
             "detector runs one GPU sustains")
        .Add("utilisation", &C::utilisation, OpenClosed(0, 1),
             "share of a GPU's throughput a plan may use")
        .Add("usd_per_1000_inferences", &C::usd_per_1000_inferences, Closed(0, 1e6),
             "> 0: a per-inference price replaces GPU hours")
        .Add("egress_usd_per_tb", &C::egress_usd_per_tb, Closed(0, 1e6),
             "price of data leaving the cloud (answers to the site)")
        .Add("response_bytes", &C::response_bytes, Closed(0, 1e9),
             "size of one answer sent back to the site");
    return s;
  }();
  return kSchema;
}

const OptionSchema<EventSpec>& EventSpecSchema() {
  static const OptionSchema<EventSpec> kSchema = [] {
    OptionSchema<EventSpec> s("event", "what one event sends upstream");
    s.Add("metadata_bytes", &EventSpec::metadata_bytes, Closed(0, 1e9), "the event message")
        .Add("crop_kb", &EventSpec::crop_kb, Closed(0, 1e6), "its JPEG crop (KiB)");
    return s;
  }();
  return kSchema;
}

const OptionSchema<HybridSpec>& HybridSpecSchema() {
  static const OptionSchema<HybridSpec> kSchema = [] {
    OptionSchema<HybridSpec> s("hybrid", "the hybrid architecture");
    s.Add("escalation_fraction", &HybridSpec::escalation_fraction, Closed(0, 1),
          "share of events the edge escalates to the backend for verification");
    return s;
  }();
  return kSchema;
}

const OptionSchema<LabourSpec>& LabourSpecSchema() {
  static const OptionSchema<LabourSpec> kSchema = [] {
    OptionSchema<LabourSpec> s("labour", "people on site");
    s.Add("truck_roll_usd", &LabourSpec::truck_roll_usd, Closed(0, 1e7),
          "one technician visit (install, replacement, repair)")
        .Add("truck_rolls_per_year", &LabourSpec::truck_rolls_per_year, Closed(0, 365),
             "maintenance visits per edge unit per year");
    return s;
  }();
  return kSchema;
}

const OptionSchema<PlanConstraints>& PlanConstraintsSchema() {
  static const OptionSchema<PlanConstraints> kSchema = [] {
    OptionSchema<PlanConstraints> s("constraints", "what the site requires");
    s.Add("latency_p99_ms", &PlanConstraints::latency_p99_ms, OpenClosed(0, 1e7),
          "glass-to-decision p99 budget")
        .Add("min_agreement", &PlanConstraints::min_agreement, Closed(0, 1),
             "lowest agreement F1 (profile) an operating point may have");
    return s;
  }();
  return kSchema;
}

namespace {

const SchemaDocument<PlanSite>& Document() {
  static const SchemaDocument<PlanSite> kDocument = [] {
    SchemaDocument<PlanSite> d;
    d.Section(&PlanSite::site, SiteInfoSchema())
        .Section(&PlanSite::cameras, CameraLoadSchema())
        .Section(&PlanSite::link, LinkSpecSchema())
        .Section(&PlanSite::power, PowerSpecSchema())
        .Section(&PlanSite::edge, EdgeSpecSchema())
        .Section(&PlanSite::cloud, CloudSpecSchema())
        .Section(&PlanSite::event, EventSpecSchema())
        .Section(&PlanSite::hybrid, HybridSpecSchema())
        .Section(&PlanSite::labour, LabourSpecSchema())
        .Section(&PlanSite::constraints, PlanConstraintsSchema());
    return d;
  }();
  return kDocument;
}

}  // namespace

Status CheckPlanSite(const PlanSite& site) { return Document().Check(site); }

Result<PlanSite> LoadPlanSite(const std::string& path) { return Document().Load(path); }

Result<PlanSite> LoadPlanSiteString(const std::string& yaml, const std::string& path) {
  return Document().LoadString(yaml, path);
}

std::string DescribePlanSite() { return Document().Describe(); }

}  // namespace es
