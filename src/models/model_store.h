// ModelStore: the device's on-disk store of installed model bundles, with an active and a
// previous model (A/B), changed atomically so that power loss or a SIGKILL at any point leaves
// the device starting with a complete, verified model (docs/models.md).
//
// Layout (under the store's directory):
//   models/<name>@<version>/manifest.json, <files>   one complete installed bundle each
//   active, previous                                 symlinks to models/<id> (previous optional)
//   .tmp-*                                           an install in progress (removed on Open)
// Contract
// - Open(dir) creates the directory if needed and removes leftovers of an interrupted install
//   (.tmp-* folders and symlinks). It never changes `active` or `previous`.
// - Install(bundle) writes the bundle's files and manifest into .tmp-<id>, fsyncs each file and
//   the folder, then renames it to models/<id> and fsyncs models/: a model folder exists whole or
//   not at all. Installing an id that is installed already with the same files is a no-op
//   (kOk); with different files it is kInvalidArgument (versions are immutable). Install does
//   not activate.
// - Activate(id): `previous` := the current active (if any and different), then `active` := id,
//   each by writing a new symlink and renaming it over the old one (atomic), fsyncing the store
//   directory after each. A crash between the two steps leaves previous == active: both valid.
//   Rollback(): swaps active and previous the same way; kNotFound when there is no previous.
// - Active() / List(): read the store; Active() re-checks the active model's files against its
//   manifest's sha256 (kDataLoss naming the file when one changed on disk).
// - Fault injection for the crash tests: options.crash_at names a step ("install.files",
//   "install.rename", "activate.previous", "activate.active") at which the process SIGKILLs
//   itself. Empty in normal use (the CLI reads EDGESIGHT_CRASH_AT; tests only).
// Failure: I/O errors -> kUnavailable naming the path (the store is unchanged or, for a crash
// mid-install, cleaned on the next Open); unknown ids -> kNotFound; an id that is not
// NAME@VERSION (a path such as "../x") -> kInvalidArgument.
// Thread-safety: one ModelStore per process at a time changes a directory (not locked across
// processes: the CLI and a running device should not install at the same moment).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "models/bundle.h"

namespace es {

struct ModelStoreOptions {
  std::string crash_at;  // fault injection (tests only): see above
};

struct InstalledModel {
  std::string id;  // name@version
  ModelManifest manifest;
  std::string dir;         // models/<id>
  std::string model_path;  // dir/model_file
  bool active = false;
  bool previous = false;
};

class ModelStore {
 public:
  static Result<ModelStore> Open(const std::string& dir, ModelStoreOptions options = {});

  Result<InstalledModel> Install(const Bundle& bundle);
  Status Activate(const std::string& id);
  Status Rollback();
  // No active model any more (the device goes back to its configured detector); the active one
  // becomes `previous`. No-op when nothing is active.
  Status Deactivate();
  // The active model (files checked); nullopt when nothing is active yet.
  Result<std::optional<InstalledModel>> Active() const;
  Result<std::vector<InstalledModel>> List() const;
  const std::string& dir() const { return dir_; }

 private:
  ModelStore(std::string dir, ModelStoreOptions o) : dir_(std::move(dir)), o_(std::move(o)) {}
  // The installed model `id`; its manifest's file list into *files when given.
  Result<InstalledModel> Read(const std::string& id,
                              std::vector<BundleFile>* files = nullptr) const;
  std::string LinkTarget(const char* link) const;  // the id a link points to, or ""
  Status SetLink(const char* link, const std::string& id);
  void MaybeCrash(const char* step) const;

  std::string dir_;
  ModelStoreOptions o_;
};

}  // namespace es
