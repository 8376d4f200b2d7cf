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
  // A regular file is sized up front; anything else (a pipe, /dev/zero) is read in chunks up to
  // one byte past the limit, so memory follows what arrives, never max_bytes at once.
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    return InvalidArgument("'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string text;
  if (!ec) text.reserve(static_cast<size_t>(size));
  char chunk[1 << 16];
  while (in && text.size() <= max_bytes) {
    in.read(chunk, sizeof(chunk));
    text.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return NotFound("cannot read '" + path + "': " + std::strerror(errno));
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
