#include "core/install_dir.h"

#include <filesystem>
#include <system_error>

namespace es {

std::string InstalledDataDir(const std::string& sub) {
  static const std::filesystem::path exe_dir = [] {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
  }();
  if (exe_dir.empty()) return "";
  std::error_code ec;
  const std::filesystem::path dir = exe_dir.parent_path() / "share" / "edgesight" / sub;
  if (std::filesystem::is_directory(dir, ec)) return dir.lexically_normal().string();
  return "";
}

}  // namespace es
