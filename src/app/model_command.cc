#include "app/model_command.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/exit_codes.h"
#include "core/text_file.h"
#include "models/bundle.h"
#include "models/model_store.h"
#include "models/pack.h"

namespace es {
namespace {

Result<std::vector<PublicKey>> TrustedKeys(const std::vector<std::string>& paths) {
  if (paths.empty()) return InvalidArgument("name the trusted public key(s) with --pub");
  std::vector<PublicKey> keys;
  for (const std::string& p : paths) {
    ES_ASSIGN_OR_RETURN(PublicKey k, ReadPublicKey(p));
    keys.push_back(k);
  }
  return keys;
}

Result<Bundle> ReadBundle(const ModelArgs& a) {
  ES_ASSIGN_OR_RETURN(std::vector<PublicKey> keys, TrustedKeys(a.pubs));
  std::error_code ec;
  if (std::filesystem::exists(a.bundle, ec) && !std::filesystem::is_regular_file(a.bundle, ec)) {
    return InvalidArgument("'" + a.bundle + "' is not a bundle file");
  }
  ES_ASSIGN_OR_RETURN(std::string bytes, ReadTextFile(a.bundle, kMaxBundleBytes));
  auto b = DecodeBundle(bytes, keys);
  if (!b.ok()) return b.status().WithContext(a.bundle);
  return b;
}

nlohmann::ordered_json Describe(const InstalledModel& m) {
  return {{"id", m.id},
          {"head", m.manifest.head},
          {"input_size", m.manifest.input_size},
          {"classes", m.manifest.classes.size()},
          {"model", m.model_path},
          {"key_id", m.manifest.key_id},
          {"active", m.active},
          {"previous", m.previous}};
}

Result<ModelStore> OpenStore(const ModelArgs& a, bool create) {
  std::error_code ec;
  if (!create && !std::filesystem::is_directory(a.store, ec)) {
    return NotFound("model store " + a.store +
                    " does not exist (edgesight model install makes it)");
  }
  ModelStoreOptions o;
  if (const char* crash = std::getenv("EDGESIGHT_CRASH_AT")) o.crash_at = crash;
  return ModelStore::Open(a.store, o);
}

int Print(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2) << std::endl;
  return kExitOk;
}

int Run(const ModelArgs& a) {
  if (*a.keygen) {
    if (Status s = WriteKeyPair(GenerateKeyPair(), a.out); !s.ok()) return ReportError(s);
    return Print({{"secret", a.out},
                  {"public", a.out + ".pub"},
                  {"key_id", KeyId(*ReadPublicKey(a.out + ".pub"))}});
  }
  if (*a.pack) {
    auto secret = ReadSecretKey(a.key);
    if (!secret.ok()) return ReportError(secret.status());
    nlohmann::json overrides = nlohmann::json::object();
    if (!a.name.empty()) overrides["name"] = a.name;
    if (!a.version.empty()) overrides["version"] = a.version;
    if (!a.head.empty()) overrides["head"] = a.head;
    if (!a.model_file.empty()) overrides["model_file"] = a.model_file;
    auto bytes = PackDirectory(a.dir, *secret, overrides);
    if (!bytes.ok()) return ReportError(bytes.status());
    std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.close();
    if (!out) return ReportError(Unavailable(a.out + ": cannot be written"));
    auto b = DecodeBundle(*bytes, {PublicOf(*secret)});
    if (!b.ok()) return ReportError(b.status());
    return Print({{"bundle", a.out},
                  {"id", ModelId(b->manifest)},
                  {"bytes", bytes->size()},
                  {"head", b->manifest.head},
                  {"input_size", b->manifest.input_size},
                  {"key_id", b->manifest.key_id}});
  }
  if (*a.verify) {
    auto b = ReadBundle(a);
    if (!b.ok()) return ReportError(b.status());
    return Print(b->manifest.ToJson(b->files));
  }
  if (*a.install) {
    auto b = ReadBundle(a);
    if (!b.ok()) return ReportError(b.status());
    auto store = OpenStore(a, /*create=*/true);
    if (!store.ok()) return ReportError(store.status());
    auto m = store->Install(*b);
    if (!m.ok()) return ReportError(m.status());
    if (a.activate) {
      if (Status s = store->Activate(m->id); !s.ok()) return ReportError(s);
      m->active = true;
    }
    return Print(Describe(*m));
  }
  auto store = OpenStore(a, /*create=*/false);
  if (!store.ok()) return ReportError(store.status());
  if (*a.activate_cmd) {
    if (Status s = store->Activate(a.id); !s.ok()) return ReportError(s);
  } else if (*a.rollback) {
    if (Status s = store->Rollback(); !s.ok()) return ReportError(s);
  }
  auto list = store->List();
  if (!list.ok()) return ReportError(list.status());
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const InstalledModel& m : *list) models.push_back(Describe(m));
  auto active = store->Active();
  if (!active.ok()) return ReportError(active.status());
  return Print({{"store", a.store}, {"active", *active ? (*active)->id : ""}, {"models", models}});
}

}  // namespace

CLI::App* AddModelCommand(CLI::App* app, ModelArgs* a) {
  CLI::App* model =
      app->add_subcommand("model", "signed model bundles and the device's model store");
  model->require_subcommand(1);
  a->keygen = model->add_subcommand("keygen", "make an ed25519 signing key pair");
  a->keygen->add_option("--out", a->out, "PREFIX: the secret key (0600); PREFIX.pub the public")
      ->required();
  a->pack = model->add_subcommand("pack", "make a signed bundle from a folder with a model");
  a->pack->add_option("dir", a->dir, "folder: one .onnx model (+ optional files, manifest.json)")
      ->required();
  a->pack->add_option("--key", a->key, "the secret signing key")->required();
  a->pack->add_option("-o,--out", a->out, "the bundle to write")->required();
  a->pack->add_option("--name", a->name, "model name (default: the model file's stem)");
  a->pack->add_option("--version", a->version, "version, numbers and dots (default 1)");
  a->pack->add_option("--head", a->head, "output head (default: inferred from the model)");
  a->pack->add_option("--model-file", a->model_file, "the model file when the folder has several");
  a->verify = model->add_subcommand("verify", "check a bundle's signature, checksums, fields");
  a->verify->add_option("bundle", a->bundle, "the bundle")->required();
  a->verify->add_option("--pub", a->pubs, "trusted public key(s)")->required();
  a->install = model->add_subcommand("install", "verify and install a bundle into the store");
  a->install->add_option("bundle", a->bundle, "the bundle")->required();
  a->install->add_option("--pub", a->pubs, "trusted public key(s)")->required();
  a->install->add_flag("--activate", a->activate, "make it the active model");
  a->list = model->add_subcommand("list", "installed models");
  a->activate_cmd = model->add_subcommand("activate", "make an installed model the active one");
  a->activate_cmd->add_option("id", a->id, "NAME@VERSION")->required();
  a->rollback = model->add_subcommand("rollback", "back to the previous active model");
  for (CLI::App* c : {a->install, a->list, a->activate_cmd, a->rollback}) {
    c->add_option("--store", a->store, "the model store folder")->capture_default_str();
  }
  return model;
}

int RunModel(const ModelArgs& args) { return Run(args); }

}  // namespace es
