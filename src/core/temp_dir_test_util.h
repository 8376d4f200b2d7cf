// TempDir for tests (header only; not part of any library): a fresh mkdtemp directory under
// the system temp dir, removed with everything in it on destruction (write permission is
// restored first on it and every folder inside, for tests that make them read-only). path() is
// empty if mkdtemp failed.
// file("x") and dir / "x" both give "<path>/x".
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace es::test_util {

class TempDir {
 public:
  explicit TempDir(const std::string& tag = "es_test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (tag + "_XXXXXX")).string();
    path_ = ::mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    if (path_.empty()) return;
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code dir_ec;
      if (it->is_directory(dir_ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, dir_ec);
      }
    }
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string operator/(const std::string& name) const { return file(name); }

 private:
  std::string path_;
};

}  // namespace es::test_util
