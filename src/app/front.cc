#include "app/front.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "app/exit_codes.h"
#include "app/log_line.h"

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
  const FrontCommands commands(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // track --help
    LogLine(LogLevel::kError, std::string("error: ") + e.what() + " (see --help)");
    return kExitBadInput;
  }
  return commands.Run().value_or(kExitOk);
}

}  // namespace

FrontCommands::FrontCommands(CLI::App* app)
    : eval_(AddEvalCommand(app, &eval_args_)),
      track_(AddTrackCommand(app, &track_args_)),
      synth_mot_(AddSynthMotCommand(app, &synth_mot_args_)) {}

std::optional<int> FrontCommands::Run() const {
  if (*eval_) return RunEval(eval_args_);
  if (*track_) return RunTrack(track_args_);
  if (*synth_mot_) return RunSynthMot(synth_mot_args_);
  return std::nullopt;
}

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
