// The Debian package (make deb, docs/packaging.md): built with CPack from this build tree into a
// temporary folder, then checked as a user and Debian's tools would: its layout, conffiles and
// computed Depends; lintian (no errors, no warnings); systemd-analyze verify and security on
// its unit; the packaged binary, unpacked, running on its private ONNX Runtime and its own
// model; the shipped configuration.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "cli_test_util.h"

namespace es::testing {
namespace {

namespace fs = std::filesystem;

std::string Sh(const std::string& script, double timeout_s = 300) {
  const ProcessResult r = RunProcess({"/bin/sh", "-c", script}, timeout_s);
  EXPECT_EQ(r.exit_code, 0) << script << "\n" << r.err;
  return r.out;
}

class Package : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(TempDir());
    // cpack installs the build tree into its own staging folder under -B: the build's deb/
    // folder and the system stay untouched.
    const ProcessResult r =
        RunProcess({"cpack", "--config", std::string(ES_BUILD_DIR) + "/CPackConfig.cmake", "-G",
                    "DEB", "-B", *dir_},
                   600);
    build_log_ = new std::string(r.out + r.err);
    for (const auto& e : fs::directory_iterator(*dir_)) {
      if (e.path().extension() == ".deb") deb_ = new std::string(e.path().string());
    }
    if (deb_ != nullptr) {
      root_ = new std::string(*dir_ + "/root");
      fs::create_directories(*root_);
      RunProcess({"dpkg-deb", "-x", *deb_, *root_});
    }
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) fs::remove_all(*dir_);
  }
  void SetUp() override { ASSERT_NE(deb_, nullptr) << "cpack made no .deb:\n" << *build_log_; }

  static std::string* dir_;
  static std::string* deb_;
  static std::string* root_;
  static std::string* build_log_;
};
std::string* Package::dir_ = nullptr;
std::string* Package::deb_ = nullptr;
std::string* Package::root_ = nullptr;
std::string* Package::build_log_ = nullptr;

TEST_F(Package, NameLayoutConffilesAndDependsComputedFromTheBinary) {
  const std::string arch = Sh("dpkg --print-architecture");
  EXPECT_EQ(fs::path(*deb_).filename().string(),
            "edgesight_0.1.0-1_" + arch.substr(0, arch.find('\n')) + ".deb");
  const std::string depends = Sh("dpkg-deb -f '" + *deb_ + "' Depends");
  for (const char* dep : {"libavformat", "libopencv-core", "libmosquitto1", "libsystemd0",
                          "libturbojpeg0", "adduser"}) {
    EXPECT_NE(depends.find(dep), std::string::npos) << dep << " missing from " << depends;
  }
  // The lean binary: no OpenCV image-file or video-I/O modules (they load ~100 libraries).
  EXPECT_EQ(depends.find("imgcodecs"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("videoio"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("onnxruntime"), std::string::npos) << "ORT is private: " << depends;

  for (const char* path :
       {"/usr/bin/edgesight", "/usr/lib/edgesight/libonnxruntime.so.1",
        "/usr/share/edgesight/models/nanodet-m-416.onnx", "/usr/share/edgesight/web/index.html",
        "/usr/share/edgesight/web/uPlot.iife.min.js", "/usr/share/edgesight/profile.json",
        "/usr/share/doc/edgesight/examples/site-farm.yaml", "/etc/edgesight/edgesight.yaml",
        "/lib/systemd/system/edgesight.service", "/usr/lib/sysusers.d/edgesight.conf",
        "/usr/share/doc/edgesight/copyright", "/usr/share/doc/edgesight/changelog.Debian.gz",
        "/usr/share/man/man1/edgesight.1.gz"}) {
    EXPECT_TRUE(fs::exists(*root_ + path)) << path;
  }
  // The ONNX Runtime is only in the private folder, never on the system library path.
  EXPECT_EQ(Sh("cd '" + *root_ + "' && find . -name 'libonnxruntime*'"),
            "./usr/lib/edgesight/libonnxruntime.so.1\n");

  const std::string control = *dir_ + "/control";
  Sh("dpkg-deb -e '" + *deb_ + "' " + control);
  EXPECT_EQ(Slurp(control + "/conffiles"), "/etc/edgesight/edgesight.yaml\n");
  EXPECT_NE(Slurp(control + "/postinst").find("adduser --system"), std::string::npos);
  EXPECT_NE(Slurp(control + "/postrm").find("purge"), std::string::npos);
}

TEST_F(Package, LintianReportsNoErrorsAndNoWarnings) {
  const ProcessResult r = RunProcess({"lintian", "--fail-on", "error,warning", *deb_}, 600);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("E: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("W: "), std::string::npos) << r.out;
}

TEST_F(Package, SystemdAcceptsTheUnitAndRatesItsHardening) {
  // verify resolves the unit's dependencies and ExecStart= inside --root: the unpacked package
  // plus this machine's own units (sysinit.target, ...).
  const std::string root = *dir_ + "/verify-root";
  Sh("cp -a '" + *root_ + "' '" + root + "' && cp -rn /lib/systemd/system/. '" + root +
     "/lib/systemd/system/'");
  const ProcessResult v = RunProcess(
      {"systemd-analyze", "verify", "--root=" + root, "/lib/systemd/system/edgesight.service"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out + v.err, "") << "warnings are mistakes in the unit";
  // Exposure 0.0 (locked down) .. 10.0 (unprotected); --threshold is in tenths.
  const ProcessResult s =
      RunProcess({"systemd-analyze", "security", "--offline=true", "--threshold=20",
                  root + "/lib/systemd/system/edgesight.service"});
  EXPECT_EQ(s.exit_code, 0) << s.out.substr(s.out.size() > 400 ? s.out.size() - 400 : 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(s.out, m, std::regex(R"(exposure level for \S+: ([0-9.]+))")))
      << s.out;
  EXPECT_LE(std::stod(m[1]), 2.0);
  const std::string unit = Slurp(*root_ + "/lib/systemd/system/edgesight.service");
  for (const char* key : {"Type=notify", "WatchdogSec=", "RestartPreventExitStatus=2",
                          "KillMode=mixed", "ProtectSystem=strict", "NoNewPrivileges=yes",
                          "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                          "ReadWritePaths=/var/lib/edgesight", "User=edgesight"}) {
    EXPECT_NE(unit.find(key), std::string::npos) << key;
  }
}

TEST_F(Package, PackagedBinaryUsesItsPrivateRuntimeAndItsOwnModel) {
  const std::string bin = *root_ + "/usr/bin/edgesight";
  const std::string ldd = Sh("ldd '" + bin + "'");
  EXPECT_NE(ldd.find("libonnxruntime.so.1 => " + *root_ + "/usr/bin/../lib/edgesight/"),
            std::string::npos)
      << ldd;
  EXPECT_EQ(ldd.find("not found"), std::string::npos) << ldd;
  EXPECT_EQ(ldd.find("opencv_imgcodecs"), std::string::npos);
  EXPECT_EQ(ldd.find("opencv_videoio"), std::string::npos);

  const ProcessResult ok = RunProcess({"/usr/bin/env", "-u", "ES_MODEL_DIR", bin, "run", "--source",
                                       "synthetic:walk", "--max-frames", "20", "--json"},
                                      120);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const json s = Summary(ok);
  EXPECT_EQ(s["frames"], 20) << ok.out;
  EXPECT_EQ(s["detector"], "nanodet/ort");
  EXPECT_EQ(s["detector_runs"], 20);

  // `plan` reads the packaged profile (<bin>/../share/edgesight/profile.json) by default.
  const ProcessResult plan = RunProcess(
      {bin, "plan", "--site", *root_ + "/usr/share/doc/edgesight/examples/site-farm.yaml"}, 60);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("share/edgesight/profile.json"), std::string::npos) << plan.out;
  EXPECT_EQ(plan.out.find("examples/profile.json"), std::string::npos) << plan.out;

  // The model comes from the package (<bin>/../share/edgesight/models), not from the build:
  // a damaged packaged model is what the binary reports.
  std::ofstream(*root_ + "/usr/share/edgesight/models/nanodet-m-416.onnx") << "not a model";
  const ProcessResult bad = RunProcess({"/usr/bin/env", "-u", "ES_MODEL_DIR", bin, "run",
                                        "--source", "synthetic:walk", "--max-frames", "5"},
                                       120);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  ExpectOneLineError(bad);
  EXPECT_NE(bad.err.find(*root_ + "/usr/share/edgesight/models/nanodet-m-416.onnx"),
            std::string::npos)
      << bad.err;
}

TEST_F(Package, ShippedConfigurationNeedsCamerasAndIsOtherwiseValid) {
  const std::string conf = *root_ + "/etc/edgesight/edgesight.yaml";
  const ProcessResult as_shipped = RunProcess({kBin, "run", "--config", conf}, 60);
  EXPECT_EQ(as_shipped.exit_code, 2);
  ExpectOneLineError(as_shipped);
  EXPECT_NE(as_shipped.err.find("cameras"), std::string::npos) << as_shipped.err;

  // With a camera, and the state folder moved to a temporary one, it runs.
  std::string text = Slurp(conf);
  const std::string state = *dir_ + "/state";
  fs::create_directories(state);
  text = std::regex_replace(text, std::regex("/var/lib/edgesight"), state);
  text = std::regex_replace(text, std::regex("cameras: \\[\\]"),
                            "cameras:\n  - id: yard\n    source: synthetic:walk");
  text = std::regex_replace(text, std::regex("listen: 127.0.0.1:8080"), "listen: 127.0.0.1:0");
  const std::string edited = *dir_ + "/edited.yaml";
  std::ofstream(edited) << text;
  const ProcessResult r = RunProcess({kBin, "run", "--config", edited, "--max-frames", "30"}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(state + "/outbox.db"));
  EXPECT_TRUE(fs::exists(state + "/events.db"));
}

}  // namespace
}  // namespace es::testing
