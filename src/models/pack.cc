#include "models/pack.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text_file.h"
#include "detect/coco_classes.h"
#include "detect/detector.h"
#include "detect/onnx_model_info.h"
#include "models/bundle.h"

namespace es {
namespace {

namespace fs = std::filesystem;

}  // namespace

Result<std::string> PackDirectory(const std::string& dir, const SecretKey& secret,
                                  const nlohmann::json& overrides) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("model pack: " + dir + " is not a folder");
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  nlohmann::json m = nlohmann::json::object();
  std::vector<BundleFile> files;
  std::vector<std::string> onnx;
  for (const fs::path& p : paths) {
    ES_ASSIGN_OR_RETURN(std::string bytes, ReadTextFile(p.string(), kMaxBundleBytes));
    if (p.filename() == "manifest.json") {
      m = nlohmann::json::parse(bytes, nullptr, false);
      if (!m.is_object()) return InvalidArgument(p.string() + ": not a JSON object");
      continue;
    }
    if (p.extension() == ".onnx") onnx.push_back(p.filename().string());
    files.push_back({p.filename().string(), 0, "", std::move(bytes)});
  }
  if (files.empty()) return InvalidArgument("model pack: " + dir + " holds no files");
  for (const auto& [k, v] : overrides.items()) m[k] = v;
  if (!m.contains("model_file")) {
    if (onnx.size() != 1) {
      return InvalidArgument("model pack: " + dir + " holds " + std::to_string(onnx.size()) +
                             " .onnx files: name the model with --model-file");
    }
    m["model_file"] = onnx.front();
  }
  const std::string model_file =
      m["model_file"].is_string() ? m["model_file"].get<std::string>() : std::string();
  const fs::path model = fs::path(dir) / model_file;
  if (!fs::exists(model, ec)) {
    return NotFound("model pack: model_file " + model.string() + " does not exist");
  }
  // The model must load and run; the registry infers its head from the output shape.
  DetectorOptions d;
  d.type = "onnx";
  d.model = model.string();
  d.format = m.contains("head") && m["head"].is_string() ? m["head"].get<std::string>() : "";
  d.threads = 1;
  ES_ASSIGN_OR_RETURN(std::unique_ptr<Detector> detector, MakeDetector(d));
  const std::string name = detector->name();  // "<head>/<engine>" (cnn_detector.h)
  if (!m.contains("head")) m["head"] = name.substr(0, name.find('/'));
  if (!m.contains("name")) m["name"] = model.stem().string();
  if (!m.contains("version")) m["version"] = "1";
  if (!m.contains("input_size")) {
    ES_ASSIGN_OR_RETURN(OnnxModelInfo info, ReadOnnxModelInfo(model.string()));
    const std::vector<int64_t>& s = info.inputs.front().shape;
    m["input_size"] = s.size() == 4 && s[2] > 0 && s[2] == s[3] ? s[2] : 0;
  }
  if (!m.contains("classes")) {
    std::vector<std::string> coco;
    for (int c = 0; c < kNumCocoClasses; ++c) coco.emplace_back(CocoClassName(c));
    m["classes"] = coco;
  }
  if (!m.contains("preprocessing")) {
    m["preprocessing"] = {{"layout", "NCHW"}, {"resize", "letterbox"}, {"values", "per head"}};
  }
  if (!m.contains("min_runtime")) m["min_runtime"] = kRuntimeVersion;
  m["key_id"] = "";
  ES_ASSIGN_OR_RETURN(ModelManifest manifest, ManifestFromJson(m, nullptr));
  manifest.created_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  return EncodeBundle(std::move(manifest), std::move(files), secret);
}

}  // namespace es
