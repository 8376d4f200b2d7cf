#include "app/front.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "app/eval_command.h"
#include "app/exit_codes.h"
#include "app/log_line.h"
#include "app/synth_mot_command.h"
#include "app/track_command.h"

namespace es {
namespace {

namespace fs = std::filesystem;

bool Lean(std::string_view command) {
  return command == "track" || command == "eval" || command == "synth-mot";
}

int RunLean(int argc, char** argv) {
  ConfigureLogging();
  CLI::App app{"edgesight: edge-first video analytics"};
  app.require_subcommand(1);
  TrackArgs track_args;
  CLI::App* track = AddTrackCommand(&app, &track_args);
  EvalArgs eval_args;
  CLI::App* eval = AddEvalCommand(&app, &eval_args);
  SynthMotArgs synth_mot_args;
  CLI::App* synth_mot = AddSynthMotCommand(&app, &synth_mot_args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // track --help
    LogLine(LogLevel::kError, std::string("error: ") + e.what() + " (see --help)");
    return kExitBadInput;
  }
  if (*track) return RunTrack(track_args);
  if (*eval) return RunEval(eval_args);
  if (*synth_mot) return RunSynthMot(synth_mot_args);
  return kExitOk;
}

}  // namespace

std::string FullBinaryPath(const std::string& self) {
  const fs::path dir = fs::path(self).parent_path();
  for (const fs::path& p :
       {dir / "edgesight-full", dir / ".." / "lib" / "edgesight" / "edgesight-full"}) {
    if (access(p.c_str(), X_OK) == 0) return p.lexically_normal().string();
  }
  return "";
}

int FrontMain(int argc, char** argv) {
  if (argc > 1 && Lean(argv[1])) return RunLean(argc, argv);
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const std::string full = ec ? "" : FullBinaryPath(self.string());
  if (!full.empty()) {
    execv(full.c_str(), argv);  // returns only on failure
    std::cerr << "edgesight: error: cannot run " << full << ": " << std::strerror(errno)
              << std::endl;
    return kExitRuntime;
  }
  std::cerr << "edgesight: error: the whole CLI (edgesight-full) is neither beside "
            << (ec ? std::string("this binary") : self.string())
            << " nor in ../lib/edgesight/: reinstall the package" << std::endl;
  return kExitRuntime;
}

}  // namespace es
