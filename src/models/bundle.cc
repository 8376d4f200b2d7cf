#include "models/bundle.h"

#include <algorithm>
#include <sstream>

namespace es {
namespace {

constexpr char kMagic[4] = {'E', 'S', 'M', 'B'};
constexpr int kVersion = 1;
constexpr size_t kSigBytes = 64;
const std::vector<std::string> kHeads = {"nanodet", "yolov5", "yolov8", "yolo11"};

bool PlainName(const std::string& n) {
  return !n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos &&
         n.find('\0') == std::string::npos && n.size() <= 255;
}

Result<std::vector<int>> ParseVersion(const std::string& v) {
  std::vector<int> parts;
  std::stringstream ss(v);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (part.empty() || part.size() > 9 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgument("bad version '" + v + "'");
    }
    parts.push_back(std::stoi(part));
  }
  if (parts.empty()) return InvalidArgument("bad version '" + v + "'");
  return parts;
}

template <class T>
Status Field(const nlohmann::json& j, const char* name, T* out, bool required = true) {
  auto it = j.find(name);
  if (it == j.end()) {
    return required ? InvalidArgument(std::string("bundle manifest: missing field '") + name + "'")
                    : Status::Ok();
  }
  try {
    *out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return InvalidArgument(std::string("bundle manifest: field '") + name + "' has the wrong type");
  }
  return Status::Ok();
}

}  // namespace

bool VersionAtLeast(const std::string& have, const std::string& need) {
  auto h = ParseVersion(have);
  auto n = ParseVersion(need);
  if (!h.ok() || !n.ok()) return false;
  return !std::lexicographical_compare(h->begin(), h->end(), n->begin(), n->end());
}

std::string ModelId(const ModelManifest& m) { return m.name + "@" + m.version; }

const BundleFile* Bundle::model() const {
  for (const BundleFile& f : files) {
    if (f.name == manifest.model_file) return &f;
  }
  return nullptr;
}

nlohmann::ordered_json ModelManifest::ToJson(const std::vector<BundleFile>& files) const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const BundleFile& f : files) {
    list.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
  }
  return {{"format", "edgesight.model/1"},
          {"name", name},
          {"version", version},
          {"head", head},
          {"input_size", input_size},
          {"classes", classes},
          {"preprocessing", preprocessing},
          {"min_runtime", min_runtime},
          {"model_file", model_file},
          {"files", list},
          {"key_id", key_id},
          {"created_unix_ms", created_unix_ms}};
}

Result<ModelManifest> ManifestFromJson(const nlohmann::json& j, std::vector<BundleFile>* files) {
  if (!j.is_object()) return InvalidArgument("bundle manifest: not a JSON object");
  ModelManifest m;
  ES_RETURN_IF_ERROR(Field(j, "name", &m.name));
  ES_RETURN_IF_ERROR(Field(j, "version", &m.version));
  ES_RETURN_IF_ERROR(Field(j, "head", &m.head));
  ES_RETURN_IF_ERROR(Field(j, "input_size", &m.input_size));
  ES_RETURN_IF_ERROR(Field(j, "classes", &m.classes));
  ES_RETURN_IF_ERROR(Field(j, "min_runtime", &m.min_runtime));
  ES_RETURN_IF_ERROR(Field(j, "model_file", &m.model_file));
  ES_RETURN_IF_ERROR(Field(j, "key_id", &m.key_id, files != nullptr));
  ES_RETURN_IF_ERROR(Field(j, "created_unix_ms", &m.created_unix_ms, false));
  if (auto p = j.find("preprocessing"); p != j.end()) m.preprocessing = *p;
  if (m.name.empty() || !PlainName(m.name) || m.name.find('@') != std::string::npos) {
    return InvalidArgument("bundle manifest: name '" + m.name +
                           "' must be a plain non-empty name without '/' or '@'");
  }
  if (!ParseVersion(m.version).ok()) {
    return InvalidArgument("bundle manifest: version '" + m.version +
                           "' must be numbers separated by dots (1, 1.2, 2.0.1)");
  }
  if (std::find(kHeads.begin(), kHeads.end(), m.head) == kHeads.end()) {
    return InvalidArgument("bundle manifest: head '" + m.head +
                           "' is not one of nanodet, yolov5, yolov8, yolo11");
  }
  if (m.input_size < 0 || m.input_size > 4096) {
    return InvalidArgument("bundle manifest: input_size must be in [0, 4096]");
  }
  if (!VersionAtLeast(kRuntimeVersion, m.min_runtime)) {
    return InvalidArgument("bundle manifest: needs edgesight >= " + m.min_runtime + ", this is " +
                           kRuntimeVersion);
  }
  if (files != nullptr) {
    auto list = j.find("files");
    if (list == j.end() || !list->is_array() || list->empty()) {
      return InvalidArgument("bundle manifest: 'files' must be a non-empty list");
    }
    for (const nlohmann::json& f : *list) {
      BundleFile bf;
      ES_RETURN_IF_ERROR(Field(f, "name", &bf.name));
      ES_RETURN_IF_ERROR(Field(f, "size", &bf.size));
      ES_RETURN_IF_ERROR(Field(f, "sha256", &bf.sha256));
      if (!PlainName(bf.name) || bf.name == "manifest.json") {
        return InvalidArgument("bundle manifest: file name '" + bf.name + "' is not allowed");
      }
      if (bf.size < 0) return InvalidArgument("bundle manifest: file " + bf.name + ": bad size");
      for (const BundleFile& seen : *files) {
        if (seen.name == bf.name)
          return InvalidArgument("bundle manifest: file " + bf.name + " twice");
      }
      files->push_back(std::move(bf));
    }
    if (std::none_of(files->begin(), files->end(),
                     [&](const BundleFile& f) { return f.name == m.model_file; })) {
      return InvalidArgument("bundle manifest: model_file '" + m.model_file +
                             "' is not among the files");
    }
  }
  return m;
}

Result<std::string> EncodeBundle(ModelManifest manifest, std::vector<BundleFile> files,
                                 const SecretKey& secret) {
  for (BundleFile& f : files) {
    f.size = static_cast<int64_t>(f.bytes.size());
    f.sha256 = Sha256Hex(f.bytes);
  }
  manifest.key_id = KeyId(PublicOf(secret));
  const std::string json = manifest.ToJson(files).dump();
  // Round-trip the manifest through the decoder's checks, so pack cannot make a bundle that
  // install would refuse.
  std::vector<BundleFile> listed;
  ES_RETURN_IF_ERROR(ManifestFromJson(nlohmann::json::parse(json), &listed).status());
  std::string out(kMagic, 4);
  out.push_back(static_cast<char>(kVersion));
  const uint32_t n = static_cast<uint32_t>(json.size());
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out += json;
  for (const BundleFile& f : files) out += f.bytes;
  const Signature sig = Sign(secret, out);
  out.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  return out;
}

Result<Bundle> DecodeBundle(std::string_view bytes, const std::vector<PublicKey>& trusted) {
  if (bytes.size() < 4 || bytes.substr(0, 4) != std::string_view(kMagic, 4)) {
    return DataLoss("not a model bundle (no ESMB header)");
  }
  if (bytes.size() < 9 + kSigBytes) return DataLoss("model bundle truncated");
  if (static_cast<uint8_t>(bytes[4]) != kVersion) {
    return InvalidArgument("model bundle format version " +
                           std::to_string(static_cast<uint8_t>(bytes[4])) + " is not supported");
  }
  uint32_t n = 0;
  for (int i = 5; i < 9; ++i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  if (9 + static_cast<size_t>(n) + kSigBytes > bytes.size())
    return DataLoss("model bundle truncated");
  const nlohmann::json j = nlohmann::json::parse(bytes.substr(9, n), nullptr, false);
  if (j.is_discarded()) return DataLoss("model bundle: the manifest is not JSON");
  Bundle b;
  ES_ASSIGN_OR_RETURN(b.manifest, ManifestFromJson(j, &b.files));
  uint64_t total = 9 + n + kSigBytes;
  for (const BundleFile& f : b.files) total += static_cast<uint64_t>(f.size);
  if (total > bytes.size()) return DataLoss("model bundle truncated");
  if (total < bytes.size()) return DataLoss("model bundle: trailing bytes after the signature");
  const PublicKey* key = nullptr;
  std::string ids;
  for (const PublicKey& k : trusted) {
    const std::string id = KeyId(k);
    ids += (ids.empty() ? "" : ", ") + id;
    if (id == b.manifest.key_id) key = &k;
  }
  if (key == nullptr) {
    return PermissionDenied(
        "model bundle " + ModelId(b.manifest) + " is signed by key " + b.manifest.key_id +
        ", which this device does not trust (trusted: " + (ids.empty() ? "none" : ids) + ")");
  }
  const std::string_view signed_part = bytes.substr(0, bytes.size() - kSigBytes);
  Signature sig{};
  std::copy(bytes.end() - kSigBytes, bytes.end(), sig.begin());
  if (!Verify(*key, signed_part, sig)) {
    return DataLoss("model bundle " + ModelId(b.manifest) +
                    ": signature does not verify: tampered, or not signed by key " +
                    b.manifest.key_id);
  }
  size_t at = 9 + n;
  for (BundleFile& f : b.files) {
    f.bytes.assign(bytes.substr(at, static_cast<size_t>(f.size)));
    at += static_cast<size_t>(f.size);
    if (Sha256Hex(f.bytes) != f.sha256) {
      return DataLoss("model bundle " + ModelId(b.manifest) + ": file " + f.name +
                      ": sha256 does not match the manifest");
    }
  }
  return b;
}

}  // namespace es
