#include "ptz/ray_calibration.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <random>

#include "ptz/zoom_selector.h"

namespace es {
namespace {

RayCalibration Truth() {
  RayCalibration c;
  c.f = 1100;
  c.k1 = -0.04;
  c.R = (Eigen::AngleAxisd(0.3, Eigen::Vector3d::UnitY()) *
         Eigen::AngleAxisd(-0.1, Eigen::Vector3d::UnitX()) *
         Eigen::AngleAxisd(0.02, Eigen::Vector3d::UnitZ()))
            .toRotationMatrix();
  return c;
}

std::vector<CalibrationPoint> Grid(const RayCalibration& c, double noise_deg, int seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, 1);
  std::vector<CalibrationPoint> pts;
  for (double u : {150.0, 700.0, 1300.0, 1800.0}) {
    for (double v : {100.0, 540.0, 1000.0}) {
      const PanTilt pt = c.PixelToPanTilt(u, v);
      pts.push_back({u, v, pt.pan_deg + noise_deg * n(rng), pt.tilt_deg + noise_deg * n(rng)});
    }
  }
  return pts;
}

TEST(RayCalibrationTest, PanTiltConventions) {
  RayCalibration c;  // identity rotation, f = 960, centre (960, 540)
  const PanTilt centre = c.PixelToPanTilt(960, 540);
  EXPECT_NEAR(centre.pan_deg, 0, 1e-9);
  EXPECT_NEAR(centre.tilt_deg, 0, 1e-9);
  const PanTilt right_up = c.PixelToPanTilt(1920, 0);
  EXPECT_NEAR(right_up.pan_deg, 45, 1e-9);  // right is positive pan
  EXPECT_GT(right_up.tilt_deg, 0);          // up is positive tilt
  const Eigen::Vector3d r = PanTiltToRay(20, -10);
  const PanTilt back = RayToPanTilt(r);
  EXPECT_NEAR(back.pan_deg, 20, 1e-9);
  EXPECT_NEAR(back.tilt_deg, -10, 1e-9);
}

TEST(RayCalibrationTest, FitRecoversRotationAndFocal) {
  const RayCalibration truth = Truth();
  CalibrationFitOptions o;
  o.k1 = truth.k1;
  auto fit = FitCalibration(Grid(truth, 0.0, 1), o);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_LT(fit->rms_deg, 0.05);
  EXPECT_NEAR(fit->calibration.f, truth.f, 0.5);
  const Eigen::AngleAxisd diff(fit->calibration.R * truth.R.transpose());
  EXPECT_LT(diff.angle() * 180 / M_PI, 0.01);
  // Held-out pixels map to the same pan/tilt.
  const PanTilt a = fit->calibration.PixelToPanTilt(400, 800);
  const PanTilt b = truth.PixelToPanTilt(400, 800);
  EXPECT_NEAR(a.pan_deg, b.pan_deg, 0.01);
  EXPECT_NEAR(a.tilt_deg, b.tilt_deg, 0.01);
}

TEST(RayCalibrationTest, FitWithNoiseAndDistortionEstimate) {
  const RayCalibration truth = Truth();
  CalibrationFitOptions o;
  o.fit_k1 = true;  // starts from k1 = 0
  auto fit = FitCalibration(Grid(truth, 0.02, 7), o);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_LT(fit->rms_deg, 0.05);
  EXPECT_NEAR(fit->calibration.f, truth.f, 15);
  EXPECT_NEAR(fit->calibration.k1, truth.k1, 0.02);
}

TEST(RayCalibrationTest, RejectsTooFewPoints) {
  auto pts = Grid(Truth(), 0, 1);
  pts.resize(3);
  auto fit = FitCalibration(pts);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fit.status().message().find("at least 4"), std::string::npos);
}

TEST(RayCalibrationTest, RejectsCollinearAndDuplicatePoints) {
  const RayCalibration truth = Truth();
  std::vector<CalibrationPoint> line;
  for (int i = 0; i < 6; ++i) {
    const double u = 100 + 300 * i, v = 100 + 150 * i;
    const PanTilt pt = truth.PixelToPanTilt(u, v);
    line.push_back({u, v, pt.pan_deg, pt.tilt_deg});
  }
  auto fit = FitCalibration(line);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fit.status().message().find("collinear"), std::string::npos);

  auto dup = Grid(truth, 0, 1);
  dup[5] = dup[2];
  auto fit2 = FitCalibration(dup);
  ASSERT_FALSE(fit2.ok());
  EXPECT_NE(fit2.status().message().find("duplicate"), std::string::npos);
}

TEST(ZoomSelectorTest, FieldOfViewAndFillWithHysteresis) {
  ZoomOptions o;
  EXPECT_NEAR(HfovAtZoomDeg(o, 1), 60, 1e-9);
  EXPECT_NEAR(std::tan(HfovAtZoomDeg(o, 4) * M_PI / 360), std::tan(M_PI / 6) / 4, 1e-12);
  // The desired zoom makes the target fill target_fill of the vertical fov.
  const double z = DesiredZoom(o, 3.0);
  const double vfov = VfovAtZoomDeg(o, z);
  EXPECT_NEAR(std::tan(1.5 * M_PI / 180) / std::tan(vfov * M_PI / 360), o.target_fill, 1e-9);

  ZoomSelector sel(o);
  const double z1 = sel.Update(3.0);
  EXPECT_NEAR(z1, z, 1e-9);
  EXPECT_EQ(sel.Update(3.0 * 1.1), z1);      // 10% smaller zoom wanted: inside hysteresis
  EXPECT_LT(sel.Update(3.0 * 1.3), z1);      // 23% smaller: changes
  EXPECT_EQ(sel.Update(0.001), o.max_zoom);  // clamped
  EXPECT_EQ(sel.Update(-1), o.max_zoom);     // invalid input: unchanged
}

}  // namespace
}  // namespace es
