// Calibration files: the point correspondences `edgesight calibrate` fits, and the fitted
// wide-pixel -> pan/tilt calibration the `ptz:` section loads.
//
// Points file (text, UTF-8/ASCII). One item per line; '#' starts a comment; blank lines are
// ignored; fields are separated by spaces or tabs (or commas):
//   size W H        optional, the wide image size in pixels (default 1920 1080); the principal
//                   point is its centre
//   k1 VALUE        optional, the wide lens's radial distortion, held fixed (default 0)
//   k1 fit          optional, estimate k1 as well (needs well-spread points)
//   U V PAN TILT    a correspondence: wide-lens pixel (U, V) is centred in the PTZ frame at
//                   PAN, TILT degrees (pan positive right, tilt positive up)
// At least 4 correspondences, not collinear, no two within 2 px (FitCalibration's checks).
// Example:
//   # wide 1920x1080, PTZ read-outs after centring each landmark
//   size 1920 1080
//   200 150  -36.2  21.0
//   1700 160  34.9  20.6
//   ...
//
// Fitted calibration file (JSON, written by `edgesight calibrate --out`):
//   {"format": "edgesight-ptz-calibration", "version": 1, "width": 1920, "height": 1080,
//    "f": 960.2, "cx": 960, "cy": 540, "k1": 0, "R": [[r00, r01, r02], [..], [..]],
//    "fit": {"points": 12, "rms_deg": 0.05, "max_deg": 0.09}}
// R (wide camera frame -> PTZ base frame) must be a rotation (orthonormal, det +1).
//
// Failure: every error is one line naming the file and, for text, the line number:
// a missing file -> NotFound; a malformed line, a non-numeric or non-finite field, an unknown
// keyword, bad JSON or a non-rotation R -> InvalidArgument; too few / collinear / duplicate
// points -> InvalidArgument from the fit. Thread-safety: pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"
#include "ptz/ray_calibration.h"

namespace es {

struct CalibrationPointsFile {
  std::vector<CalibrationPoint> points;
  std::vector<int> lines;       // source line of each point (1-based)
  CalibrationFitOptions fit;    // width, height, k1, fit_k1 from the directives
};

// `name` is used in error messages ("points.txt:7: ...").
Result<CalibrationPointsFile> ParseCalibrationPoints(std::string_view text,
                                                     const std::string& name);
Result<CalibrationPointsFile> LoadCalibrationPoints(const std::string& path);

// Parses and fits; errors name the file.
Result<CalibrationFit> FitCalibrationFile(const std::string& path);

nlohmann::ordered_json CalibrationToJson(const CalibrationFit& fit, int points);
Result<RayCalibration> CalibrationFromJson(const nlohmann::json& j, const std::string& name);
// Writes CalibrationToJson to `path` (Internal on a write failure).
Status SaveCalibration(const std::string& path, const CalibrationFit& fit, int points);

// The `ptz:` section's calibration_file: a fitted JSON file, or a points file (fitted on load,
// so a bad points file fails here with the fit's error). Told apart by the first non-blank,
// non-comment character ('{' = JSON).
Result<RayCalibration> LoadCalibration(const std::string& path);

// How well the calibration file fits its points: the "fit" of a fitted JSON file, or the fit
// of a points file. nullopt for a JSON file without "fit" (written by hand). Errors as above.
struct CalibrationResiduals {
  double rms_deg = 0;
  double max_deg = 0;
};
Result<std::optional<CalibrationResiduals>> LoadCalibrationResiduals(const std::string& path);

// Residuals above this (degrees) make a follow miss its target by a good part of a zoomed-in
// frame: the run says so on stderr and in its status (the calibration is still used).
inline constexpr double kCalibrationWarnDeg = 1.0;

}  // namespace es
