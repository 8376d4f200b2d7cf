#include "ptz/calibration_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ptz/ptz_sim.h"

namespace es {
namespace {

namespace fs = std::filesystem;

class CalibrationFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "es_calib_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string p = (fs::path(dir_) / name).string();
    std::ofstream(p) << text;
    return p;
  }
  // Points of the standard wide lens (k1 = -0.05) on a 4x3 grid, as a points file.
  static std::string GridText() {
    const RayCalibration truth = TrueWideCalibration();
    std::ostringstream ss;
    ss << "# test grid\nsize 1920 1080\nk1 -0.05\n\n";
    for (int iy = 0; iy < 3; ++iy) {
      for (int ix = 0; ix < 4; ++ix) {
        const double u = 200 + ix * 500.0, v = 150 + iy * 390.0;
        const PanTilt pt = truth.PixelToPanTilt(u, v);
        ss.precision(10);
        ss << u << "\t" << v << "  " << pt.pan_deg << ", " << pt.tilt_deg << "  # landmark\n";
      }
    }
    return ss.str();
  }
  std::string dir_;
};

TEST_F(CalibrationFileTest, ParsesDirectivesCommentsAndPoints) {
  auto f = ParseCalibrationPoints(GridText(), "grid.txt");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->points.size(), 12u);
  EXPECT_EQ(f->lines.front(), 5);
  EXPECT_DOUBLE_EQ(f->fit.k1, -0.05);
  EXPECT_FALSE(f->fit.fit_k1);
  EXPECT_DOUBLE_EQ(f->points[1].u, 700);
  auto k = ParseCalibrationPoints("k1 fit\nsize 640 480\n", "x");
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(k->fit.fit_k1);
  EXPECT_EQ(k->fit.width, 640);
}

TEST_F(CalibrationFileTest, ErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"# c\n100 100 1 2\n100 abc 1 2\n", "f.txt:3: field 2 'abc' is not a finite number"},
      {"100 100 1\n", "f.txt:1: expected 'U V PAN TILT' (4 numbers), got 3 fields"},
      {"\n\nfocal 900\n", "f.txt:3: expected 'U V PAN TILT' (4 numbers), got 2 fields"},
      {"100 100 1 95\n", "f.txt:1: tilt 95 is outside (-90, 90) degrees"},
      {"100 100 nan 5\n", "f.txt:1: field 3 'nan' is not a finite number"},
      {"size 0 10\n", "f.txt:1: expected 'size W H'"},
      {"k1 big\n", "f.txt:1: expected 'k1 VALUE'"},
      {"5000 100 1 2\n", "f.txt:1: pixel (5000.000000, 100.000000) is outside the 1920x1080"},
  };
  for (const auto& c : cases) {
    auto r = ParseCalibrationPoints(c.text, "f.txt");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
}

TEST_F(CalibrationFileTest, FitFromFileAndDegenerateFiles) {
  auto fit = FitCalibrationFile(Write("grid.txt", GridText()));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_LT(fit->rms_deg, 1e-3);
  EXPECT_NEAR(fit->calibration.f, TrueWideCalibration().f, 1.0);

  auto few = FitCalibrationFile(Write("few.txt", "100 100 -40 20\n900 500 0 0\n1800 900 40 -20\n"));
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(few.status().message().find("few.txt: calibration needs at least 4 points, got 3"),
            std::string::npos)
      << few.status().message();
  auto line = FitCalibrationFile(
      Write("line.txt", "100 100 -40 20\n500 300 -20 10\n900 500 0 0\n1300 700 20 -10\n"));
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.status().message().find("collinear"), std::string::npos);
  auto dup = FitCalibrationFile(
      Write("dup.txt", "100 100 -40 20\n100.5 100 -40 20\n900 500 0 0\n1800 900 40 -20\n"));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("duplicates"), std::string::npos);
  auto missing = FitCalibrationFile((fs::path(dir_) / "nope.txt").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(CalibrationFileTest, SavedCalibrationLoadsBackAndPointsFilesLoadToo) {
  auto fit = FitCalibrationFile(Write("grid.txt", GridText()));
  ASSERT_TRUE(fit.ok());
  const std::string out = (fs::path(dir_) / "calib.json").string();
  ASSERT_TRUE(SaveCalibration(out, *fit, 12).ok());
  auto loaded = LoadCalibration(out);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (double u : {10.0, 960.0, 1900.0}) {
    const PanTilt a = loaded->PixelToPanTilt(u, 300), b = fit->calibration.PixelToPanTilt(u, 300);
    EXPECT_NEAR(a.pan_deg, b.pan_deg, 1e-9);
    EXPECT_NEAR(a.tilt_deg, b.tilt_deg, 1e-9);
  }
  auto from_points = LoadCalibration((fs::path(dir_) / "grid.txt").string());
  ASSERT_TRUE(from_points.ok());
  EXPECT_NEAR(from_points->PixelToPanTilt(100, 100).pan_deg,
              TrueWideCalibration().PixelToPanTilt(100, 100).pan_deg, 0.01);
  // A commented JSON file is still JSON.
  std::ifstream in(out);
  std::stringstream ss;
  ss << "# fitted\n" << in.rdbuf();
  EXPECT_TRUE(LoadCalibration(Write("c2.json", ss.str())).ok());
}

TEST_F(CalibrationFileTest, RejectsBadJson) {
  auto trunc = LoadCalibration(Write("t.json", "{\"format\": \"edgesight-ptz-calibration\""));
  EXPECT_EQ(trunc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(trunc.status().message().find("not valid JSON"), std::string::npos);
  nlohmann::json j = CalibrationToJson(CalibrationFit{TrueWideCalibration()}, 4);
  j["R"][0][0] = 2.0;
  auto notrot = CalibrationFromJson(j, "r.json");
  EXPECT_NE(notrot.status().message().find("r.json: \"R\" is not a rotation matrix"),
            std::string::npos);
  j = CalibrationToJson(CalibrationFit{TrueWideCalibration()}, 4);
  j["f"] = "wide";
  EXPECT_NE(CalibrationFromJson(j, "r.json").status().message().find("\"f\" must be a number"),
            std::string::npos);
  j.erase("format");
  EXPECT_FALSE(CalibrationFromJson(j, "r.json").ok());
  EXPECT_TRUE(
      CalibrationFromJson(CalibrationToJson(CalibrationFit{TrueWideCalibration()}, 4), "ok").ok());
}

}  // namespace
}  // namespace es
