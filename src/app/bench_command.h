// `edgesight bench`: runs the real pipeline on one source in a series of configurations and
// prints one JSON report: frames/s and per-stage latency (p50/p99) for each detector and engine
// (1 and 2 threads), with and without the motion gate and the detection interval, plus a
// camera-paced run that measures pipeline overhead (glass-to-decision minus detector time).
// Throughput runs read the file as fast as possible with a blocking queue (every frame
// processed); the paced run uses the default drop-oldest queue. Ratios are only meaningful
// between rows of one report (same machine, same moment).
#pragma once

#include <string>

#include "config/app_config.h"

namespace es {

// Returns the exit code. base: the resolved config (source, thresholds); max_frames defaults
// to 200 per configuration when not set.
int RunBench(const AppConfig& base, const std::string& out_path);

}  // namespace es
