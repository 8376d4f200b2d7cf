// Helpers for the source tests: temp files, child processes (ffmpeg, rtsp_server.py), ports.
// Test-only; not part of es_source. Functions are inline so several test files can use them.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "source/source_options.h"

extern char** environ;

namespace es::testutil {

namespace fs = std::filesystem;
inline const char* kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
inline constexpr int64_t kVtestFrames = 795;

#define REQUIRE_VTEST() \
  if (!fs::exists(kVtest)) GTEST_SKIP() << kVtest << " missing (Debian package opencv-doc)"

inline bool HaveFfmpegCli() {
  return std::system("ffmpeg -hide_banner -version >/dev/null 2>&1") == 0;
}

inline fs::path TempDir() {
  return fs::temp_directory_path() / ("es_source_test_" + std::to_string(getpid()));
}

// Removes this process's temp dir at exit.
struct TempDirCleaner {
  ~TempDirCleaner() {
    std::error_code ec;
    fs::remove_all(TempDir(), ec);
  }
};
inline TempDirCleaner temp_dir_cleaner;

inline fs::path TempPath(const std::string& name) {
  fs::create_directories(TempDir());
  return TempDir() / name;
}

inline void CopyPrefix(const fs::path& from, const fs::path& to, double fraction) {
  std::ifstream in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() * fraction));
}

inline SourceOptions FileOptions(const std::string& path) {
  SourceOptions o;
  o.uri = path;
  o.realtime = false;
  return o;
}

inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) return -1;
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

inline pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

// Exit code, or -1 if it had to be killed after timeout_s.
inline int WaitChild(pid_t pid, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

// Pushes vtest.avi to rtsp://127.0.0.1:port/live; retries while the listener is not up yet.
// Returns the exit code of the push that connected (or the last one).
inline int PushVtest(int port, double seconds, const std::string& codec) {
  int code = -1;
  for (int attempt = 0; attempt < 40; ++attempt) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> args = {
        "ffmpeg", "-hide_banner",          "-loglevel", "error", "-re", "-i", kVtest,
        "-t",     std::to_string(seconds), "-an",       "-c:v",  codec};
    if (codec == "libx264") {
      for (const char* a : {"-preset", "ultrafast", "-tune", "zerolatency"}) args.push_back(a);
    }
    for (const char* a : {"-f", "rtsp", "-rtsp_transport", "tcp"}) args.push_back(a);
    args.push_back("rtsp://127.0.0.1:" + std::to_string(port) + "/live");
    const pid_t pid = Spawn(args);
    if (pid < 0) return -1;
    code = WaitChild(pid, seconds + 30);
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (code == 0 || took > 1.0) return code;  // it connected (refusals fail at once)
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  return code;
}

inline std::string PushCodec() {
  return std::system("ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libx264") == 0 ? "libx264"
                                                                                         : "mpeg4";
}

inline bool HaveGstRtspServer() {
  return std::system(
             "/usr/bin/python3 -c \"import gi; gi.require_version('GstRtspServer', "
             "'1.0'); from gi.repository import GstRtspServer\" >/dev/null 2>&1") == 0;
}

inline bool WaitForListener(int port, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace es::testutil
