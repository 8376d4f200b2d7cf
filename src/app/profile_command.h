// `edgesight bench --profile`: sweeps the detector's operating points (NanoDet 416 / 320, FP32 /
// INT8, ONNX Runtime at 1 and 2 intra-op threads) on the same decoded frames and writes a
// profile (JSON, schema "edgesight.profile/1") that `edgesight plan --profile` reads:
// per point detect latency p50/p99, throughput, process CPU time and energy per inference, and
// agreement with the reference (416 FP32): F1 at IoU 0.5 against the reference's detections on
// the same frames (detect/agreement.h). Agreement is not accuracy.
//
// Contract
// - The frames (--source, default vtest.avi; --max-frames, default 200) are decoded once, before
//   any timing, and every point runs the real detector (MakeDetector, the config's thresholds)
//   on every frame: no gate, interval 1, one warm-up call first (not counted). Latency is the
//   wall time of Detect() (preprocess + inference + decode heads); throughput is frames over
//   the wall time of the loop (detector only: decoding is excluded).
// - Energy: RAPL package counters (ops/rapl.h) when readable, else an estimate: process CPU
//   seconds x watts_per_core, stated in "energy_method".
// - A model file that is missing is skipped with a note (stderr, and "skipped" in the JSON);
//   a missing reference model, a build without ONNX Runtime, an unwritable output path (checked
//   before the sweep) or a source with no frames end the command with one error line.
// - Prints a table to stdout, writes the JSON to args.out.
#pragma once

#include <string>
#include <vector>

#include "config/app_config.h"

namespace es {

struct ProfileArgs {
  std::string out = "profile.json";
  // Watts one fully busy core draws, for the estimate when there are no RAPL counters. Default:
  // a desktop/server x86 package of ~60 W TDP over 4 cores; a Raspberry Pi 4 core is ~1.5 W.
  double watts_per_core = 15.0;
};

int RunProfile(const AppConfig& base, const ProfileArgs& args);

}  // namespace es
