#include "core/text_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace es {

Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument("'" + path + "' is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open '" + path + "': " + std::strerror(errno));
  std::string text(max_bytes + 1, '\0');  // one byte past the limit tells a larger file apart
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return NotFound("cannot read '" + path + "': " + std::strerror(errno));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    return InvalidArgument("'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

Status WriteTextFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return InvalidArgument("cannot write '" + path + "': " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace es
