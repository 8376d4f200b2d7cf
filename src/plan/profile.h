// Profile: the measured operating points of one machine, as `edgesight bench --profile` writes
// them (schema "edgesight.profile/1", docs/tradeoffs.md), read back for the planner.
//
// Contract
// - ParseProfile reads the JSON text; LoadProfile reads a file. Required per operating point:
//   name (non-empty, unique), latency_ms.p50 and .p99 (> 0, p50 <= p99), throughput_fps (> 0),
//   energy_j_per_inference (>= 0), agreement_f1 (in [0, 1]). Optional: model, precision,
//   input_size, threads. Unknown fields are ignored (the profile carries more than the
//   planner reads). At least one operating point.
// - Errors are one line, kInvalidArgument (kNotFound for a missing file), naming the origin and
//   the JSON path: "p.json: operating_points[1].latency_ms.p50: expected a number > 0, got -3".
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct OperatingPoint {
  std::string name;
  std::string model;
  std::string precision;
  int input_size = 0;
  int threads = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double throughput_fps = 0;  // detector runs per second on the whole machine at these threads
  double energy_j = 0;        // per detector run
  double agreement_f1 = 0;    // with the profile's reference
};

struct Profile {
  std::string origin;  // file path, for the report
  std::string machine;
  std::string reference;
  std::string energy_method;
  std::vector<OperatingPoint> points;
};

Result<Profile> ParseProfile(const std::string& json_text, const std::string& origin);
Result<Profile> LoadProfile(const std::string& path);

}  // namespace es
