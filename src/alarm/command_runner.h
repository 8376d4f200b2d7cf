// RunCommand: run one alarm command to completion, bounded in time, without a shell.
//
// Contract: starts argv with posix_spawnp (argv[0] is looked up in PATH when it has no '/') in
// its own process group, with default signal dispositions and an empty signal mask, the
// parent's environment plus `extra_env` ("NAME=value" entries, which win over inherited ones),
// `input` written to its stdin (then stdin is closed), stdout sent to /dev/null and stderr
// captured (its last 200 bytes go into the error message). Waits until the child exits, the
// deadline passes or *cancel becomes true; in the last two cases the whole process group is
// killed with SIGKILL and reaped. A child that closes stdin without reading is fine (EPIPE is
// handled; the calling thread never receives SIGPIPE).
// Result: exit_status = the exit code (or -1 when killed / not started); status Ok only for
// exit code 0, else one line: Unavailable (cannot start, non-zero exit, signal, timeout),
// Cancelled (*cancel), Internal (pipe/waitpid failure):
//   "cannot start 'nope': No such file or directory"
//   "exit status 3: <stderr tail>"      "killed by signal 9"
//   "timed out after 0.5 s (killed)"    "cancelled (killed)"
// Thread-safety: re-entrant; may run on several threads at once.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/time.h"

namespace es {

struct CommandOutcome {
  Status status;
  int exit_status = -1;
  bool timed_out = false;
};

CommandOutcome RunCommand(const std::vector<std::string>& argv, const std::string& input,
                          const std::vector<std::string>& extra_env, double timeout_s,
                          const std::atomic<bool>* cancel);

// Ok when argv0 names an executable file (directly, or found in PATH when it has no '/');
// else InvalidArgument "command 'x' not found in PATH" / "command '/x' is not executable: ...".
Status CheckExecutable(const std::string& argv0);

}  // namespace es
