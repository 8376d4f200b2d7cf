// Model bundle: one signed file that carries a detector model to a device (edgesight model
// pack / verify / install; docs/models.md).
//
// Format v1 (integers big-endian):
//   offset 0      4 bytes  magic "ESMB"
//   offset 4      1 byte   format version (1)
//   offset 5      4 bytes  N = length of the manifest
//   offset 9      N bytes  manifest, JSON (below)
//   offset 9+N             the files, in the manifest's order, each exactly files[i].size bytes
//   last 64 bytes          ed25519 signature (signing_key.h) over every byte before it
// Manifest: {"format":"edgesight.model/1","name":"nanodet-m-416","version":"1",
//   "head":"nanodet|yolov5|yolov8|yolo11","input_size":416,"classes":["person",...],
//   "preprocessing":{"layout":"NCHW","letterbox":true,...},"min_runtime":"0.1.0",
//   "model_file":"model.onnx","files":[{"name":..,"size":..,"sha256":..}],
//   "key_id":"<16 hex: signing_key.h KeyId>","created_unix_ms":..}
// The signature covers the manifest and every file, so one changed byte anywhere fails it;
// the per-file sha256 lets the store re-check installed files (and names which file differs).
//
// Contract
// - EncodeBundle(manifest, files, secret): fills files[], key_id and the sizes, signs, returns
//   the bytes. The manifest's own files[] entries are recomputed, never trusted.
// - DecodeBundle(bytes, trusted): checks, in order, the framing (kDataLoss "not a model
//   bundle" / "truncated"), the manifest's fields (kInvalidArgument naming the field), that a
//   trusted key has the manifest's key_id (kPermissionDenied "signed by key X, which this device
//   does not trust"), the signature (kDataLoss "signature does not verify: tampered, or not
//   signed by key X"), each file's size and sha256 (kDataLoss naming the file), and
//   compatibility (kInvalidArgument: min_runtime above this runtime, an unknown head, file names
//   that are not plain names, a model_file that is not among the files).
// - ModelId(manifest) = "<name>@<version>".
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"
#include "models/signing_key.h"

namespace es {

inline constexpr const char* kRuntimeVersion = "0.1.0";
// Bundles (and the files of a model folder) larger than this are refused when read.
inline constexpr size_t kMaxBundleBytes = size_t{2} << 30;

struct BundleFile {
  std::string name;
  int64_t size = 0;
  std::string sha256;
  std::string bytes;  // the content (not in the manifest)
};

struct ModelManifest {
  std::string name;
  std::string version;
  std::string head = "nanodet";
  int input_size = 0;
  std::vector<std::string> classes;
  nlohmann::json preprocessing = nlohmann::json::object();
  std::string min_runtime = kRuntimeVersion;
  std::string model_file;
  std::string key_id;
  int64_t created_unix_ms = 0;

  // files: name, size, sha256 (without bytes).
  nlohmann::ordered_json ToJson(const std::vector<BundleFile>& files) const;
};

struct Bundle {
  ModelManifest manifest;
  std::vector<BundleFile> files;
  const BundleFile* model() const;  // the file named model_file
};

std::string ModelId(const ModelManifest& m);

Result<std::string> EncodeBundle(ModelManifest manifest, std::vector<BundleFile> files,
                                 const SecretKey& secret);
Result<Bundle> DecodeBundle(std::string_view bytes, const std::vector<PublicKey>& trusted);
// The manifest's fields from JSON (a manifest.json beside a model, or a bundle's), checked.
Result<ModelManifest> ManifestFromJson(const nlohmann::json& j, std::vector<BundleFile>* files);
// "0.1.10" > "0.1.9": numeric, dot-separated; false for malformed versions.
bool VersionAtLeast(const std::string& have, const std::string& need);

}  // namespace es
