#include "app/calibrate_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/exit_codes.h"
#include "ptz/calibration_file.h"
#include "ptz/ptz_sim.h"

namespace es {
namespace {

namespace fs = std::filesystem;

class CalibrateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "es_calibrate_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name)) << text;
    return Path(name);
  }
  // 9 correspondences of the standard wide lens; point 4 (line 7) is off by 0.5 deg in pan.
  std::string Points() const {
    const RayCalibration truth = TrueWideCalibration();
    std::ostringstream ss;
    ss.precision(10);
    ss << "# PTZ read-outs\nk1 -0.05\n";
    int i = 0;
    for (double v : {200.0, 540.0, 900.0}) {
      for (double u : {300.0, 960.0, 1600.0}) {
        PanTilt pt = truth.PixelToPanTilt(u, v);
        if (i++ == 4) pt.pan_deg += 0.5;
        ss << u << " " << v << " " << pt.pan_deg << " " << pt.tilt_deg << "\n";
      }
    }
    return ss.str();
  }
  std::string dir_;
};

TEST_F(CalibrateCommandTest, FitsAndReportsResidualsInDegrees) {
  CalibrateArgs a;
  a.points = Write("points.txt", Points());
  a.out = Path("calib.json");
  auto r = Calibrate(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["points"], 9);
  const double rms = (*r)["rms_deg"], mx = (*r)["max_deg"];
  EXPECT_GT(rms, 0.05);  // the bad point shows up
  EXPECT_LT(rms, 0.5);
  EXPECT_GE(mx, rms);
  const auto& per = (*r)["per_point"];
  ASSERT_EQ(per.size(), 9u);
  size_t worst = 0;
  for (size_t i = 0; i < per.size(); ++i) {
    if (per[i]["residual_deg"].get<double>() > per[worst]["residual_deg"].get<double>()) worst = i;
  }
  EXPECT_EQ(worst, 4u);
  EXPECT_EQ(per[4]["line"], 7);
  EXPECT_NEAR(per[worst]["residual_deg"].get<double>(), mx, 1e-9);
  // --out: the ptz section's calibration file.
  auto loaded = LoadCalibration(a.out);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_NEAR(loaded->f, (*r)["calibration"]["f"].get<double>(), 1e-9);
  EXPECT_EQ(RunCalibrate(a), kExitOk);
}

TEST_F(CalibrateCommandTest, BadFilesExitTwoWithOneLine) {
  struct Case {
    std::string file;
    const char* want;
  } cases[] = {
      {Path("missing.txt"), "cannot open calibration file"},
      {Write("few.txt", "100 100 -40 20\n900 500 0 0\n1800 900 40 -20\n"),
       "calibration needs at least 4 points, got 3"},
      {Write("line.txt", "100 100 -40 20\n500 300 -20 10\n900 500 0 0\n1300 700 20 -10\n"),
       "collinear"},
      {Write("text.txt", "100 100 -40 20\n900 five 0 0\n"), "text.txt:2: field 2 'five'"},
      {Write("empty.txt", "# nothing yet\n"), "at least 4 points, got 0"},
  };
  for (const auto& c : cases) {
    CalibrateArgs a;
    a.points = c.file;
    auto r = Calibrate(a);
    ASSERT_FALSE(r.ok()) << c.file;
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.file), std::string::npos) << r.status().message();
    EXPECT_EQ(ExitCodeFor(r.status()), kExitBadInput);
    EXPECT_EQ(RunCalibrate(a), kExitBadInput);
  }
  CalibrateArgs a;
  EXPECT_EQ(RunCalibrate(a), kExitBadInput);  // no --points
}

TEST_F(CalibrateCommandTest, UnwritableOutIsARuntimeFailure) {
  CalibrateArgs a;
  a.points = Write("points.txt", Points());
  a.out = Path("no/such/dir/calib.json");
  auto r = Calibrate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ExitCodeFor(r.status()), kExitRuntime);
}

}  // namespace
}  // namespace es
