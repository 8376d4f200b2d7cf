#include "app/calibrate_command.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>

#include "app/exit_codes.h"
#include "ptz/calibration_file.h"

namespace es {

CLI::App* AddCalibrateCommand(CLI::App* app, CalibrateArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "calibrate",
      "fit the wide-lens pixel -> PTZ pan/tilt calibration from point correspondences "
      "(lines 'U V PAN TILT'); prints the fit and its residuals in degrees as JSON");
  cmd->add_option("--points", args->points, "correspondences file (see docs/ptz.md)")
      ->required();
  cmd->add_option("--out", args->out, "also write the fitted calibration (JSON) here");
  return cmd;
}

Result<nlohmann::ordered_json> Calibrate(const CalibrateArgs& args) {
  if (args.points.empty()) return InvalidArgument("calibrate: --points FILE is required");
  ES_ASSIGN_OR_RETURN(CalibrationPointsFile file, LoadCalibrationPoints(args.points));
  auto fit = FitCalibration(file.points, file.fit);
  if (!fit.ok()) {
    return Status(fit.status().code(), args.points + ": " + fit.status().message());
  }
  const int n = static_cast<int>(file.points.size());
  nlohmann::ordered_json per = nlohmann::ordered_json::array();
  for (int i = 0; i < n; ++i) {
    const CalibrationPoint& p = file.points[i];
    const PanTilt f = fit->calibration.PixelToPanTilt(p.u, p.v);
    const double residual = AngleBetweenDeg(fit->calibration.PixelToRay(p.u, p.v),
                                            PanTiltToRay(p.pan_deg, p.tilt_deg));
    per.push_back({{"line", file.lines[i]},
                   {"u", p.u},
                   {"v", p.v},
                   {"pan_deg", p.pan_deg},
                   {"tilt_deg", p.tilt_deg},
                   {"fitted_pan_deg", f.pan_deg},
                   {"fitted_tilt_deg", f.tilt_deg},
                   {"residual_deg", residual}});
  }
  nlohmann::ordered_json report;
  report["points"] = n;
  report["rms_deg"] = fit->rms_deg;
  report["max_deg"] = fit->max_deg;
  report["iterations"] = fit->iterations;
  report["calibration"] = CalibrationToJson(*fit, n);
  report["per_point"] = std::move(per);
  if (!args.out.empty()) {
    ES_RETURN_IF_ERROR(SaveCalibration(args.out, *fit, n));
    report["out"] = args.out;
  }
  return report;
}

int RunCalibrate(const CalibrateArgs& args) {
  auto report = Calibrate(args);
  if (!report.ok()) return ReportError(report.status());
  std::cout << report->dump(2) << std::endl;
  return kExitOk;
}

}  // namespace es
