// `edgesight model ...`: signed model bundles and the on-device model store (docs/models.md).
//   model keygen --out PREFIX                       ed25519 pair: PREFIX (0600) and PREFIX.pub
//   model pack DIR --key KEY -o BUNDLE [--name N] [--version V] [--head H] [--model-file F]
//   model verify BUNDLE --pub KEY.pub [--pub ...]   checks it; prints its manifest
//   model install BUNDLE --pub KEY.pub [--store DIR] [--activate]
//   model list [--store DIR]                        installed models, active and previous
//   model activate NAME@VERSION [--store DIR]
//   model rollback [--store DIR]                    back to the previous model
// Contract: JSON on stdout for verify/install/list/activate/rollback; a bundle that fails
// verification (unsigned, wrongly signed, tampered, truncated, incompatible), a model that does
// not load when packing, an unknown id, a missing key -> one line on stderr, exit 2; an I/O
// failure of the store -> exit 1. The store defaults to /var/lib/edgesight/models (the
// package's state folder). EDGESIGHT_CRASH_AT (tests only) names a store step at which the
// process kills itself (model_store.h), for the power-loss tests.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct ModelArgs {
  std::string out, key, dir, bundle, store = "/var/lib/edgesight/models", id;
  std::string name, version, head, model_file;
  std::vector<std::string> pubs;
  bool activate = false;
  // Which subcommand was chosen.
  CLI::App *keygen = nullptr, *pack = nullptr, *verify = nullptr, *install = nullptr,
           *list = nullptr, *activate_cmd = nullptr, *rollback = nullptr;
};

CLI::App* AddModelCommand(CLI::App* app, ModelArgs* args);
int RunModel(const ModelArgs& args);

}  // namespace es
