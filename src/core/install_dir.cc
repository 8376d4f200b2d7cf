#include "core/install_dir.h"

#include <filesystem>
#include <system_error>

namespace es {

std::string InstalledDataDir(const std::string& sub) {
  static const std::filesystem::path share = [] {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return std::filesystem::path();
    return exe.parent_path().parent_path() / "share" / "edgesight";
  }();
  if (share.empty()) return "";
  std::error_code ec;
  const std::filesystem::path dir = share / sub;
  return std::filesystem::is_directory(dir, ec) ? dir.string() : "";
}

}  // namespace es
