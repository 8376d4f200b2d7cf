// `edgesight uplink-stats --outbox PATH [--json] [--hours N]`: what the uplink sent and what
// streaming the raw video would have cost, from the outbox database alone (opened read-only;
// the device may be running).
//
// Report (the JSON with --json; without it the same numbers as a short text report):
//   {"outbox":PATH,"now_unix_s":..,
//    "depth":N,"oldest_age_s":S,
//    "waiting":{"event":{"count":n,"bytes":b},"crop":{..},"status":{..}},   -- still to send
//    "dropped":{"event":n,"crop":n,"status":n},                           -- size policy
//    "sent":{"total":{"event":b,"crop":b,"status":b,"all":b,"messages":n},
//            "hours":[{"hour_start":"2026-11-23T10:00:00Z","event":b,"crop":b,"status":b,
//                      "all":b,"messages":n}, ... the last N hours, oldest first]},
//    "sources":[{"stream":..,"seconds":..,"encoded_bytes":..,"width":..,"height":..,"fps":..,
//                "codec":..,"raw_bytes_per_hour":..,"raw_method":"measured"|"estimated_h264"|
//                "unknown"}],
//    "comparison":{"camera_hours":..,"uplink_bytes":..,"uplink_bytes_per_camera_hour":..,
//                  "raw_bytes_per_camera_hour":..,"reduction_pct":..,
//                  "h264_bits_per_pixel":0.1} | null when no source has known cost}
// Bytes are MQTT wire bytes (uplink/bandwidth_budget.h). uplink_bytes = sent in total + the
// bytes still waiting in the outbox (they will be sent for the same camera-hours).
// Raw stream cost per stream: "measured" when the source is H.264/H.265 (codec h264, hevc,
// h265) and delivered encoded bytes: encoded_bytes / seconds; otherwise "estimated_h264":
// width x height x fps x kH264BitsPerPixel / 8 bytes per second — 0.1 bit per pixel is the
// usual rule of thumb for H.264 at good quality with moderate motion (1080p30: 6.2 Mbit/s;
// 720p30: 2.8 Mbit/s); "unknown" (no geometry) streams are left out of the comparison.
// reduction_pct = 100 x (1 - uplink per camera-hour / raw per camera-hour).
// Failure: a missing, unreadable or corrupt outbox, or one that is not an edgesight outbox ->
// one line "edgesight: error: ..." on stderr and exit 2.
// Thread-safety: runs on the caller's thread; no shared state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace es {

inline constexpr double kH264BitsPerPixel = 0.1;

struct UplinkStatsArgs {
  std::string outbox;
  bool json = false;
  int hours = 24;  // how many recent hours to list, 1..8760
};

// Registers `uplink-stats` on `app`, bound to *args; returns it. Wiring (cli.cc):
//   UplinkStatsArgs uplink_stats_args;
//   CLI::App* uplink_stats = AddUplinkStatsCommand(&app, &uplink_stats_args);
//   ... after parse: if (*uplink_stats) return RunUplinkStats(uplink_stats_args);
CLI::App* AddUplinkStatsCommand(CLI::App* app, UplinkStatsArgs* args);

// The report (see above) at wall time now_unix_us.
Result<nlohmann::ordered_json> UplinkStats(const UplinkStatsArgs& args, int64_t now_unix_us);

// The text form of a report.
std::string UplinkStatsText(const nlohmann::ordered_json& report);

// Prints the report; returns the exit code (0, or 2 with one stderr line).
int RunUplinkStats(const UplinkStatsArgs& args);

}  // namespace es
