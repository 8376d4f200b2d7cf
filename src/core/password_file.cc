#include "core/password_file.h"

#include <fstream>

namespace es {

Result<std::string> ReadPasswordFile(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(key + ": cannot open '" + path + "'");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return InvalidArgument(key + ": '" + path + "' is empty");
  return line;
}

}  // namespace es
