// InstalledDataDir: where an installed edgesight finds its read-only data (the models, the
// dashboard), so one binary works both from the build tree and from the Debian package.
//
// Contract: returns "<dir of the running executable>/../share/edgesight/<sub>" when that is a
// directory (/usr/bin/edgesight -> /usr/share/edgesight/models), else "" (the caller then uses
// the path compiled into the build: the build tree's cache). The executable is read from
// /proc/self/exe once.
// Thread-safety: re-entrant.
#pragma once

#include <string>

namespace es {

std::string InstalledDataDir(const std::string& sub);

}  // namespace es
