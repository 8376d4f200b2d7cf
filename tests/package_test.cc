// The Debian packages (make deb, docs/packaging.md): built with CPack from this build tree into
// a temporary folder, then checked as a user and Debian's tools would: their layout, conffiles
// and computed Depends; lintian (no errors, no warnings); systemd-analyze verify and security on
// their units; the packaged binaries, unpacked, running on the private ONNX Runtime and the
// packaged models; the shipped configurations. edgesight-backend is checked as it is installed:
// beside the edgesight package it depends on.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

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
      if (e.path().extension() != ".deb") continue;
      const std::string name = e.path().filename().string();
      if (name.rfind("edgesight_", 0) == 0) deb_ = new std::string(e.path().string());
      if (name.rfind("edgesight-backend_", 0) == 0)
        backend_deb_ = new std::string(e.path().string());
    }
    if (deb_ != nullptr) {
      root_ = new std::string(*dir_ + "/root");
      fs::create_directories(*root_);
      RunProcess({"dpkg-deb", "-x", *deb_, *root_});
    }
    if (deb_ != nullptr && backend_deb_ != nullptr) {
      backend_root_ = new std::string(*dir_ + "/backend-root");
      fs::create_directories(*backend_root_);
      RunProcess({"dpkg-deb", "-x", *backend_deb_, *backend_root_});
      // Both packages unpacked into one tree, as dpkg installs them.
      installed_ = new std::string(*dir_ + "/installed");
      fs::create_directories(*installed_);
      RunProcess({"dpkg-deb", "-x", *deb_, *installed_});
      RunProcess({"dpkg-deb", "-x", *backend_deb_, *installed_});
    }
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) fs::remove_all(*dir_);
    for (std::string** p :
         {&dir_, &deb_, &backend_deb_, &root_, &backend_root_, &installed_, &build_log_}) {
      delete *p;
      *p = nullptr;
    }
  }
  void SetUp() override { ASSERT_NE(deb_, nullptr) << "cpack made no .deb:\n" << *build_log_; }

  static std::string* dir_;
  static std::string* deb_;           // edgesight_<version>-1_<arch>.deb
  static std::string* backend_deb_;   // edgesight-backend_<version>-1_<arch>.deb
  static std::string* root_;          // the edgesight package, unpacked
  static std::string* backend_root_;  // the edgesight-backend package alone, unpacked
  static std::string* installed_;     // both, unpacked into one tree
  static std::string* build_log_;
};
std::string* Package::dir_ = nullptr;
std::string* Package::deb_ = nullptr;
std::string* Package::backend_deb_ = nullptr;
std::string* Package::root_ = nullptr;
std::string* Package::backend_root_ = nullptr;
std::string* Package::installed_ = nullptr;
std::string* Package::build_log_ = nullptr;

// edgesight-backend's package, made by the same cpack run.
class BackendPackage : public Package {
 protected:
  void SetUp() override {
    Package::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NE(backend_deb_, nullptr) << "cpack made no edgesight-backend .deb:\n" << *build_log_;
  }
};

// The files (not folders) under root, relative to it ("./usr/bin/edgesight").
std::set<std::string> Files(const std::string& root) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_directory()) files.insert("./" + fs::relative(e.path(), root).string());
  }
  return files;
}

TEST_F(Package, NameLayoutConffilesAndDependsComputedFromTheBinary) {
  const std::string arch = Sh("dpkg --print-architecture");
  EXPECT_EQ(fs::path(*deb_).filename().string(),
            "edgesight_0.1.0-1_" + arch.substr(0, arch.find('\n')) + ".deb");
  const std::string depends = Sh("dpkg-deb -f '" + *deb_ + "' Depends");
  for (const char* dep : {"libx264-164", "libopencv-core", "libmosquitto1", "libsystemd0",
                          "libturbojpeg0", "adduser"}) {
    EXPECT_NE(depends.find(dep), std::string::npos) << dep << " missing from " << depends;
  }
  // The lean binary: no OpenCV image-file or video-I/O modules (they load ~100 libraries), and
  // FFmpeg is linked in (scripts/build_ffmpeg.sh), not Debian's libavcodec59 and its 132.
  EXPECT_EQ(depends.find("imgcodecs"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("videoio"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("libavcodec"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("libavformat"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("onnxruntime"), std::string::npos) << "ORT is private: " << depends;

  for (const char* path :
       {"/usr/bin/edgesight", "/usr/lib/edgesight/libonnxruntime.so.1", "/usr/share/edgesight/models/nanodet-m-416.onnx",
        "/usr/share/edgesight/models/blazepose-lite.onnx", "/usr/share/edgesight/web/index.html",
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
  // RUNPATH $ORIGIN/../lib/edgesight, as ldd prints it.
  EXPECT_NE(ldd.find("libonnxruntime.so.1 => " + *root_ + "/usr/bin/../lib/edgesight/"),
            std::string::npos)
      << ldd;
  EXPECT_EQ(ldd.find("not found"), std::string::npos) << ldd;
  EXPECT_EQ(ldd.find("opencv_imgcodecs"), std::string::npos);
  EXPECT_EQ(ldd.find("opencv_videoio"), std::string::npos);
  EXPECT_EQ(ldd.find("libavcodec"), std::string::npos) << ldd;
  EXPECT_LT(std::count(ldd.begin(), ldd.end(), '\n'), 60) << ldd;  // the issue's target

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

TEST_F(BackendPackage, NameLayoutConffilesAndDependsComputedFromTheBinary) {
  const std::string arch = Sh("dpkg --print-architecture");
  EXPECT_EQ(fs::path(*backend_deb_).filename().string(),
            "edgesight-backend_0.1.0-1_" + arch.substr(0, arch.find('\n')) + ".deb");
  EXPECT_EQ(Sh("dpkg-deb -f '" + *backend_deb_ + "' Source"), "edgesight\n");
  const std::string depends = Sh("dpkg-deb -f '" + *backend_deb_ + "' Depends");
  // The ONNX Runtime and NanoDet come from the edge package, at exactly this version.
  EXPECT_EQ(depends.rfind("edgesight (= 0.1.0-1), ", 0), 0u) << depends;
  for (const char* dep : {"adduser", "libopencv-dnn", "libmosquitto1", "libsqlite3-0", "libpq5",
                          "libnats", "libstdc++6"}) {
    EXPECT_NE(depends.find(dep), std::string::npos) << dep << " missing from " << depends;
  }
  EXPECT_EQ(depends.find("imgcodecs"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("videoio"), std::string::npos) << depends;
  EXPECT_EQ(depends.find("onnxruntime"), std::string::npos) << "ORT is private: " << depends;

  for (const char* path :
       {"/usr/bin/edgesight-backend", "/etc/edgesight/backend.yaml",
        "/lib/systemd/system/edgesight-backend.service",
        "/usr/lib/sysusers.d/edgesight-backend.conf", "/usr/share/doc/edgesight-backend/copyright",
        "/usr/share/doc/edgesight-backend/changelog.Debian.gz",
        "/usr/share/doc/edgesight-backend/hybrid.md",
        "/usr/share/man/man1/edgesight-backend.1.gz"}) {
    EXPECT_TRUE(fs::exists(*backend_root_ + path)) << path;
  }
  // No second ONNX Runtime or NanoDet, and no file that the edge package has: dpkg would refuse
  // to install both.
  EXPECT_EQ(Sh("cd '" + *backend_root_ +
               "' && find . -name 'libonnxruntime*' -o -name 'nanodet*' -o -name 'blazepose*'"),
            "");
  const std::set<std::string> edge = Files(*root_);
  for (const std::string& f : Files(*backend_root_)) EXPECT_EQ(edge.count(f), 0u) << f;

  const std::string control = *dir_ + "/backend-control";
  Sh("dpkg-deb -e '" + *backend_deb_ + "' " + control);
  EXPECT_EQ(Slurp(control + "/conffiles"), "/etc/edgesight/backend.yaml\n");
  EXPECT_NE(Slurp(control + "/postinst").find("adduser --system"), std::string::npos);
  EXPECT_NE(Slurp(control + "/postinst").find("edgesight-backend"), std::string::npos);
  EXPECT_NE(Slurp(control + "/postrm").find("purge"), std::string::npos);
  // The shipped configuration keeps its SQLite store in the service's state directory.
  EXPECT_NE(Slurp(*backend_root_ + "/etc/edgesight/backend.yaml")
                .find("\n  path: /var/lib/edgesight-backend/edgesight-backend.db\n"),
            std::string::npos);
}

TEST_F(BackendPackage, LintianReportsNoErrorsAndNoWarnings) {
  const ProcessResult r = RunProcess({"lintian", "--fail-on", "error,warning", *backend_deb_}, 600);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("E: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("W: "), std::string::npos) << r.out;
}

TEST_F(BackendPackage, SystemdAcceptsTheUnitAndRatesItsHardening) {
  const std::string root = *dir_ + "/verify-root";
  Sh("cp -a '" + *installed_ + "' '" + root + "' && cp -rn /lib/systemd/system/. '" + root +
     "/lib/systemd/system/'");
  const ProcessResult v = RunProcess({"systemd-analyze", "verify", "--root=" + root,
                                      "/lib/systemd/system/edgesight-backend.service"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out + v.err, "") << "warnings are mistakes in the unit";
  const ProcessResult s =
      RunProcess({"systemd-analyze", "security", "--offline=true", "--threshold=20",
                  root + "/lib/systemd/system/edgesight-backend.service"});
  EXPECT_EQ(s.exit_code, 0) << s.out.substr(s.out.size() > 400 ? s.out.size() - 400 : 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(s.out, m, std::regex(R"(exposure level for \S+: ([0-9.]+))")))
      << s.out;
  EXPECT_LE(std::stod(m[1]), 2.0);
  const std::string unit = Slurp(*backend_root_ + "/lib/systemd/system/edgesight-backend.service");
  // The backend sends no sd_notify messages: Type=simple, no watchdog.
  for (const char* key :
       {"Type=simple", "RestartPreventExitStatus=2", "KillMode=mixed",
        "ExecStart=/usr/bin/edgesight-backend --config /etc/edgesight/backend.yaml",
        "StateDirectory=edgesight-backend", "User=edgesight-backend"}) {
    EXPECT_NE(unit.find(key), std::string::npos) << key;
  }
  EXPECT_EQ(unit.find("WatchdogSec="), std::string::npos);
  EXPECT_EQ(unit.find("Type=notify"), std::string::npos);
  // Every hardening line of edgesight.service, with the backend's own state directory.
  const std::string edge = Slurp(*root_ + "/lib/systemd/system/edgesight.service");
  const size_t from = edge.find('\n', edge.find("# Hardening")) + 1, to = edge.find("[Install]");
  ASSERT_TRUE(from > 0 && to != std::string::npos && to > from) << edge;
  std::istringstream lines(edge.substr(from, to - from));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '[') continue;
    line =
        std::regex_replace(line, std::regex("/var/lib/edgesight$"), "/var/lib/edgesight-backend");
    EXPECT_NE(unit.find("\n" + line + "\n"), std::string::npos) << line;
  }
}

// Starts the packaged backend on CONFIG, waits for it to run, stops it with SIGTERM (as
// systemctl stop does) and returns its exit code, stdout and stderr (kept in LOGS.out, .err).
ProcessResult RunBackendUntilSigterm(const std::string& bin, const std::string& config,
                                     const std::string& logs) {
  const std::string out = logs + ".out", err = logs + ".err";
  const int pid = StartProcess({"/usr/bin/env", "-u", "ES_MODEL_DIR", bin, "--config", config,
                                "--mqtt", "mqtt://127.0.0.1:" + std::to_string(FreePort())},
                               out, err);
  ProcessResult r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const auto exited = [pid] {  // without reaping it: WaitExit does
    siginfo_t info{};
    return waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
  };
  while (Slurp(err).find("worker '") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline && !exited()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGTERM);
  r.exit_code = WaitExit(pid, 40);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

TEST_F(BackendPackage, PackagedBinaryRunsOnTheEdgePackagesRuntimeAndItsShippedConfiguration) {
  const std::string bin = *installed_ + "/usr/bin/edgesight-backend";
  const std::string ldd = Sh("ldd '" + bin + "'");
  EXPECT_NE(ldd.find("libonnxruntime.so.1 => " + *installed_ + "/usr/bin/../lib/edgesight/"),
            std::string::npos)
      << ldd;
  EXPECT_EQ(ldd.find("not found"), std::string::npos) << ldd;

  // The shipped configuration, with the state folder moved to a temporary one and any free HTTP
  // port; no broker listens: the worker keeps retrying until it is stopped.
  const std::string state = *dir_ + "/backend-state";
  fs::create_directories(state);
  std::string text = Slurp(*installed_ + "/etc/edgesight/backend.yaml");
  text = std::regex_replace(text, std::regex("/var/lib/edgesight-backend"), state);
  text =
      std::regex_replace(text, std::regex("listen: \"127.0.0.1:8090\""), "listen: \"127.0.0.1:0\"");
  const std::string edited = *dir_ + "/backend.yaml";
  std::ofstream(edited) << text;
  const ProcessResult r = RunBackendUntilSigterm(bin, edited, *dir_ + "/backend");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = Summary(r);
  EXPECT_TRUE(s.contains("ingest") && s.contains("store") && s.contains("frames")) << r.out;
  EXPECT_TRUE(fs::exists(state + "/edgesight-backend.db"));
  // The person check runs on the packaged pose model (<bin>/../share/edgesight/models), which
  // the backend reports when it is absent.
  EXPECT_EQ(r.err.find("is absent"), std::string::npos) << r.err;
  const std::string models = *installed_ + "/usr/share/edgesight/models";
  fs::remove(models + "/blazepose-lite.onnx");
  const ProcessResult without = RunBackendUntilSigterm(bin, edited, *dir_ + "/backend-no-pose");
  EXPECT_EQ(without.exit_code, 0) << without.err;
  EXPECT_NE(without.err.find("pose model " + models + "/blazepose-lite.onnx is absent"),
            std::string::npos)
      << without.err;

  // Verification and cloud-fallback detection run on the edge package's NanoDet, beside it: a
  // damaged one is what the backend reports, at start.
  std::ofstream(models + "/nanodet-m-416.onnx") << "not a model";
  const ProcessResult bad = RunProcess({"/usr/bin/env", "-u", "ES_MODEL_DIR", bin, "--config",
                                        edited, "--mqtt", "mqtt://127.0.0.1:1"},
                                       120);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("edgesight-backend: error: model '" + models + "/nanodet-m-416.onnx'"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace es::testing
