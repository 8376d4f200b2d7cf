// The one place where errors become process exit codes and one-line messages.
//   0 ok; 2 bad input or config (kInvalidArgument, kNotFound, kDataLoss); 1 runtime failure.
#pragma once

#include <string>

#include "edgesight/status.h"

namespace es {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitBadInput = 2;

int ExitCodeFor(const Status& status);

// Prints "edgesight: error: <message>" on one line to stderr (newlines in the message are
// replaced) and returns ExitCodeFor(status).
int ReportError(const Status& status);

}  // namespace es
