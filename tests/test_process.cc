#include "test_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/temp_dir_test_util.h"
#include "uplink/mqtt_test_util.h"

namespace es::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = err == out ? o : open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (pid > 0) setpgid(pid, pid);
  return pid;
}

}  // namespace

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

std::mutex g_temp_mu;
// Made by this process, removed at its exit (not at a forked child's).
std::vector<std::unique_ptr<test_util::TempDir>>* g_temp_dirs = nullptr;
pid_t g_temp_owner = 0;

void RemoveTempDirs() {
  if (getpid() != g_temp_owner || std::getenv("ES_KEEP_TEST_DIRS") != nullptr) return;
  std::lock_guard<std::mutex> lock(g_temp_mu);
  g_temp_dirs->clear();  // each TempDir removes its folder
}

}  // namespace

std::string TempDir() {
  auto dir = std::make_unique<test_util::TempDir>("edgesight-test");
  if (dir->path().empty()) return "/tmp";
  std::lock_guard<std::mutex> lock(g_temp_mu);
  if (g_temp_dirs == nullptr) {
    g_temp_dirs = new std::vector<std::unique_ptr<test_util::TempDir>>;
    g_temp_owner = getpid();
    std::atexit(RemoveTempDirs);
  }
  g_temp_dirs->push_back(std::move(dir));
  return g_temp_dirs->back()->path();
}

ProcessResult RunProcess(const std::vector<std::string>& argv, double timeout_s) {
  const std::string dir = TempDir();
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r;
  pid_t pid = Spawn(argv, out, err);
  int status = 0;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > timeout_s) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

int StartProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  return Spawn(argv, log_path, log_path);
}

int StartProcess(const std::vector<std::string>& argv, const std::string& out_path,
                 const std::string& err_path) {
  return Spawn(argv, out_path, err_path);
}

int WaitExit(int pid, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -2;
}

void StopProcess(int pid) {
  if (pid <= 0) return;
  kill(-pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

int FreePort() { return mqtt_test::FreePort(); }

}  // namespace es::testing
