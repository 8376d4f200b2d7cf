#include "govern/governor_options.h"

#include "core/option_schema.h"

namespace es {

Result<std::map<std::string, int>> ParsePinned(const std::vector<std::string>& pinned) {
  std::map<std::string, int> out;
  for (size_t i = 0; i < pinned.size(); ++i) {
    const std::string& e = pinned[i];
    const size_t eq = e.find('=');
    const std::string id = e.substr(0, eq);
    int level = 0;
    bool ok = !id.empty();
    if (ok && eq != std::string::npos) {
      const std::string n = e.substr(eq + 1);
      ok = n.size() == 1 && n[0] >= '0' && n[0] <= '0' + 6;
      if (ok) level = n[0] - '0';
    }
    if (!ok) {
      return InvalidArgument("governor.pinned[" + std::to_string(i) +
                             "]: expected \"CAMERA\" or \"CAMERA=LEVEL\" with LEVEL in 0..6, got " +
                             QuoteString(e));
    }
    out[id] = level;
  }
  return out;
}

}  // namespace es
