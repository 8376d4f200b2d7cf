// Command-line entry point: parses arguments (CLI11) and dispatches to subcommands.
// Returns the process exit code (see exit_codes.h). apps/edgesight/main.cc only calls this.
#pragma once

namespace es {

int Main(int argc, char** argv);

}  // namespace es
