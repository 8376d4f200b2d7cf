#include "models/model_store.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/text_file.h"

namespace es {
namespace {

namespace fs = std::filesystem;

Status FsyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Unavailable(path + ": cannot open to sync");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Unavailable(path + ": fsync failed");
}

Status WriteFileSynced(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable(path + ": cannot be created");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Unavailable(path + ": write failed (disk full?)");
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::Ok() : Unavailable(path + ": fsync failed");
}

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(::getpid());
}

}  // namespace

Result<ModelStore> ModelStore::Open(const std::string& dir, ModelStoreOptions options) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "models", ec);
  if (ec) return Unavailable("model store " + dir + ": " + ec.message());
  std::vector<fs::path> leftovers;  // collected first: removing while iterating is unspecified
  for (const fs::path& d : {fs::path(dir), fs::path(dir) / "models"}) {
    for (const auto& e : fs::directory_iterator(d, ec)) {
      if (e.path().filename().string().rfind(".tmp-", 0) == 0) leftovers.push_back(e.path());
    }
  }
  for (const fs::path& p : leftovers) fs::remove_all(p, ec);
  return ModelStore(dir, std::move(options));
}

void ModelStore::MaybeCrash(const char* step) const {
  if (!o_.crash_at.empty() && o_.crash_at == step) ::kill(::getpid(), SIGKILL);
}

std::string ModelStore::LinkTarget(const char* link) const {
  std::error_code ec;
  const fs::path target = fs::read_symlink(fs::path(dir_) / link, ec);
  if (ec) return "";
  return target.filename().string();
}

Status ModelStore::SetLink(const char* link, const std::string& id) {
  const fs::path tmp = fs::path(dir_) / (".tmp-link-" + RandomSuffix());
  std::error_code ec;
  fs::create_symlink(fs::path("models") / id, tmp, ec);
  if (ec) return Unavailable(tmp.string() + ": " + ec.message());
  fs::rename(tmp, fs::path(dir_) / link, ec);  // rename(2): atomic replacement
  if (ec) {
    fs::remove(tmp, ec);
    return Unavailable(std::string(link) + ": " + ec.message());
  }
  return FsyncPath(dir_, true);
}

Result<InstalledModel> ModelStore::Read(const std::string& id,
                                        std::vector<BundleFile>* files) const {
  InstalledModel m;
  m.id = id;
  m.dir = (fs::path(dir_) / "models" / id).string();
  ES_ASSIGN_OR_RETURN(std::string text, ReadTextFile(m.dir + "/manifest.json"));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return DataLoss(m.dir + "/manifest.json: not JSON");
  std::vector<BundleFile> listed;
  ES_ASSIGN_OR_RETURN(m.manifest, ManifestFromJson(j, files ? files : &listed));
  m.model_path = m.dir + "/" + m.manifest.model_file;
  m.active = LinkTarget("active") == id;
  m.previous = LinkTarget("previous") == id;
  return m;
}

Result<InstalledModel> ModelStore::Install(const Bundle& bundle) {
  const std::string id = ModelId(bundle.manifest);
  const fs::path final_dir = fs::path(dir_) / "models" / id;
  const std::string manifest = bundle.manifest.ToJson(bundle.files).dump(2) + "\n";
  std::error_code ec;
  if (fs::exists(final_dir, ec)) {
    auto have = ReadTextFile((final_dir / "manifest.json").string());
    if (have.ok() && *have == manifest) return Read(id);  // the same bundle again
    return InvalidArgument("model " + id + " is installed already with other files (a version " +
                           "is immutable: give the new one another version)");
  }
  const fs::path tmp = fs::path(dir_) / "models" / (".tmp-" + RandomSuffix());
  fs::create_directories(tmp, ec);
  if (ec) return Unavailable(tmp.string() + ": " + ec.message());
  Status written = Status::Ok();
  for (const BundleFile& f : bundle.files) {
    written = WriteFileSynced((tmp / f.name).string(), f.bytes);
    if (!written.ok()) break;
  }
  if (written.ok()) written = WriteFileSynced((tmp / "manifest.json").string(), manifest);
  if (written.ok()) written = FsyncPath(tmp.string(), true);
  if (!written.ok()) {
    fs::remove_all(tmp, ec);
    return written;
  }
  MaybeCrash("install.files");
  fs::rename(tmp, final_dir, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return Unavailable(final_dir.string() + ": " + ec.message());
  }
  MaybeCrash("install.rename");
  ES_RETURN_IF_ERROR(FsyncPath((fs::path(dir_) / "models").string(), true));
  return Read(id);
}

Status ModelStore::Activate(const std::string& id) {
  if (id.find('@') == std::string::npos || id.find('/') != std::string::npos ||
      id.rfind(".tmp-", 0) == 0) {
    return InvalidArgument("model id '" + id + "': expected NAME@VERSION (edgesight model list)");
  }
  std::error_code ec;
  if (!fs::is_directory(fs::path(dir_) / "models" / id, ec)) {
    return NotFound("model " + id + " is not installed");
  }
  const std::string current = LinkTarget("active");
  if (current == id) return Status::Ok();
  if (!current.empty()) ES_RETURN_IF_ERROR(SetLink("previous", current));
  MaybeCrash("activate.previous");
  ES_RETURN_IF_ERROR(SetLink("active", id));
  MaybeCrash("activate.active");
  return Status::Ok();
}

Status ModelStore::Rollback() {
  const std::string previous = LinkTarget("previous");
  const std::string current = LinkTarget("active");
  if (previous.empty() || previous == current) {
    return NotFound("no previous model to roll back to");
  }
  return Activate(previous);  // the current one becomes previous: a second rollback undoes it
}

Status ModelStore::Deactivate() {
  const std::string current = LinkTarget("active");
  if (current.empty()) return Status::Ok();
  ES_RETURN_IF_ERROR(SetLink("previous", current));
  std::error_code ec;
  fs::remove(fs::path(dir_) / "active", ec);
  if (ec) return Unavailable(dir_ + "/active: " + ec.message());
  return FsyncPath(dir_, true);
}

Result<std::optional<InstalledModel>> ModelStore::Active() const {
  const std::string id = LinkTarget("active");
  if (id.empty()) return std::optional<InstalledModel>();
  std::vector<BundleFile> files;
  ES_ASSIGN_OR_RETURN(InstalledModel m, Read(id, &files));
  for (const BundleFile& f : files) {
    ES_ASSIGN_OR_RETURN(std::string bytes, ReadTextFile(m.dir + "/" + f.name, kMaxBundleBytes));
    if (Sha256Hex(bytes) != f.sha256) {
      return DataLoss("model " + id + ": " + f.name + " changed on disk (sha256 mismatch)");
    }
  }
  return std::optional<InstalledModel>(std::move(m));
}

Result<std::vector<InstalledModel>> ModelStore::List() const {
  std::vector<InstalledModel> out;
  std::error_code ec;
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(fs::path(dir_) / "models", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(".tmp-", 0) != 0 && e.is_directory()) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    ES_ASSIGN_OR_RETURN(InstalledModel m, Read(id));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace es
