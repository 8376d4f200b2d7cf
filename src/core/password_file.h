// ReadPasswordFile: the password for a broker or a camera, from the first line of a file, so it
// stays out of argv (visible in ps) and out of YAML configs.
//
// Contract: returns the first line without its line ending (\n or \r\n). Errors name the key
// the path came from (e.g. "uplink.password_file", "--password-file") and the path, never the
// content: NotFound "KEY: cannot open 'PATH'", InvalidArgument "KEY: 'PATH' is empty".
// Thread-safety: re-entrant.
#pragma once

#include <string>

#include "edgesight/status.h"

namespace es {

Result<std::string> ReadPasswordFile(const std::string& key, const std::string& path);

}  // namespace es
