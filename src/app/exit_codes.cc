#include "app/exit_codes.h"

#include <algorithm>
#include <cstdio>

#include "app/log_line.h"

namespace es {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kEndOfStream:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kDataLoss:
    case StatusCode::kPermissionDenied:  // wrong credentials are bad configuration
      return kExitBadInput;
    default:
      return kExitRuntime;
  }
}

int ReportError(const Status& status) {
  const std::string line = OneLine(status.message());
  LogLine(LogLevel::kError, "error: " + line);
  return ExitCodeFor(status);
}

}  // namespace es
