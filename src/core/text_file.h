// Whole small text files (reports, charts, profiles) read and written in one call, with errors
// as values.
//
// Contract
// - ReadTextFile: the file's bytes (any bytes: model bundles too). kNotFound "cannot open
//   'PATH': <strerror>" when it cannot be opened; kInvalidArgument "'PATH' is a directory";
//   kInvalidArgument when it is larger than max_bytes (a report is kilobytes; /dev/zero or a
//   video passed by mistake is refused). Memory is the file's size, not max_bytes.
// - WriteTextFile: creates or truncates PATH and writes `text`; kInvalidArgument "cannot write
//   'PATH': <strerror>" on failure (a missing folder, no permission, a full disk at close).
// Thread-safety: re-entrant.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "edgesight/status.h"

namespace es {

Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes = 16 << 20);
Status WriteTextFile(const std::string& path, std::string_view text);

}  // namespace es
