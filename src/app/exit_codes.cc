#include "app/exit_codes.h"

#include <algorithm>
#include <cstdio>

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
  std::fprintf(stderr, "edgesight: error: %s\n", line.c_str());
  return ExitCodeFor(status);
}

}  // namespace es
