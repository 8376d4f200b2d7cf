// `edgesight calibrate --points FILE [--out FILE]`: fits the wide-pixel -> PTZ pan/tilt
// calibration from point correspondences and prints it as one JSON object on stdout.
//
// FILE is the text format of ptz/calibration_file.h (lines `U V PAN TILT`, '#' comments,
// optional `size W H` and `k1 VALUE|fit`). Output:
//   {"points": N, "rms_deg": .., "max_deg": .., "iterations": ..,
//    "calibration": {fitted calibration, the --out file's content},
//    "per_point": [{"line": 5, "u": .., "v": .., "pan_deg": .., "tilt_deg": ..,
//                   "fitted_pan_deg": .., "fitted_tilt_deg": .., "residual_deg": ..}, ...]}
// Residuals are angles between the measured and the fitted direction, in degrees.
// --out FILE also writes the fitted calibration (JSON) for the `ptz:` section's
// calibration_file.
// Failure: a missing file (NotFound), a malformed line, too few (< 4), duplicate or collinear
// points (InvalidArgument) -> one line "edgesight: error: FILE[:LINE]: ..." and exit 2; a
// failed --out write -> exit 1. Thread-safety: runs on the caller's thread; no shared state.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct CalibrateArgs {
  std::string points;  // --points FILE
  std::string out;     // --out FILE (optional)
};

// Registers the `calibrate` subcommand on `app`, bound to *args; returns it.
CLI::App* AddCalibrateCommand(CLI::App* app, CalibrateArgs* args);

// Fits (and writes --out); returns the report RunCalibrate prints.
Result<nlohmann::ordered_json> Calibrate(const CalibrateArgs& args);

// Prints the report to stdout; returns the exit code (0; 2 or 1 with one stderr line).
int RunCalibrate(const CalibrateArgs& args);

}  // namespace es
