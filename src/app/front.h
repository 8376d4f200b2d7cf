// The `edgesight` front: the commands that need no video stack (track, eval, synth-mot) run in
// this small binary, which loads about a fifth of the shared libraries of the whole CLI (FFmpeg
// alone pulls in 132); every other command, --help and --version included, replaces the process
// with the whole CLI (execv: same pid, arguments, environment, signal mask), which lives beside
// it as edgesight-full (the build tree) or in ../lib/edgesight/ (the package). docs/packaging.md.
//
// Contract
// - FrontMain(argc, argv): runs track, eval or synth-mot exactly as the whole CLI does (same
//   flags, output, exit codes: the same command code); otherwise execs the whole CLI. When it
//   cannot be found or executed: one line on stderr naming the paths tried, exit 1.
// - FullBinaryPath(self): where the whole CLI is, beside `self` or in ../lib/edgesight; "" when
//   neither is executable.
// Thread-safety: single-threaded start-up code.
// - FrontCommands: track, eval and synth-mot registered on a CLI11 app (the front's and the
//   whole CLI's, so both parse and run them the same way); Run() runs the one parsed, or
//   returns nullopt when none was.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "app/eval_command.h"
#include "app/synth_mot_command.h"
#include "app/track_command.h"

namespace es {

class FrontCommands {
 public:
  explicit FrontCommands(CLI::App* app);
  FrontCommands(const FrontCommands&) = delete;
  FrontCommands& operator=(const FrontCommands&) = delete;
  std::optional<int> Run() const;

 private:
  EvalArgs eval_args_;
  TrackArgs track_args_;
  SynthMotArgs synth_mot_args_;
  CLI::App* eval_;
  CLI::App* track_;
  CLI::App* synth_mot_;
};

int FrontMain(int argc, char** argv);
std::string FullBinaryPath(const std::string& self);

}  // namespace es
