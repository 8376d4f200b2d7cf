// Test helper: run a command with a wall-clock limit and capture stdout/stderr and exit code.
#pragma once

#include <string>
#include <vector>

namespace es::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  bool timed_out = false;
  std::string out, err;
  double seconds = 0;
};

// Runs argv[0] with argv (no shell). Kills the process group after timeout_s.
ProcessResult RunProcess(const std::vector<std::string>& argv, double timeout_s = 120);

// Starts a background process (own process group); returns its pid. StopProcess kills it.
int StartProcess(const std::vector<std::string>& argv, const std::string& log_path);
void StopProcess(int pid);
// The same with stdout and stderr in separate files.
int StartProcess(const std::vector<std::string>& argv, const std::string& out_path,
                 const std::string& err_path);
// Waits up to timeout_s for pid to exit: its exit code, -1 when a signal ended it, or -2 when
// it was still running (it is then SIGKILLed and reaped).
int WaitExit(int pid, double timeout_s);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// A file's whole contents ("" when it cannot be read).
std::string Slurp(const std::string& path);

// A fresh temporary directory (/tmp/edgesight-test_*, a test_util::TempDir), removed with its
// contents when the test process exits (ES_KEEP_TEST_DIRS=1 keeps it).
std::string TempDir();

}  // namespace es::testing
