#include "config/site_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "config/config_document.h"
#include "config/config_loader.h"
#include "config/config_schema.h"
#include "config/did_you_mean.h"
#include "config/field_parser.h"

namespace es {
namespace {

const std::vector<std::string> kPerCameraSections = {
    "source",    "gate",      "tracker", "pipeline", "output",
    "analytics", "recording", "ptz",     "escalate", "fallback"};
const std::vector<std::string> kDeviceSections = {"detector", "alarm", "uplink", "http",
                                                  "governor", "models"};
const std::vector<std::string> kCameraKeys = {"id", "role", "pair"};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool IsCameraId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

std::string CameraPath(size_t i) { return "cameras[" + std::to_string(i) + "]"; }

// The `stream:` of a zone or line item, or "" when it has none.
std::string StreamOf(const YAML::Node& item) {
  return item.IsMap() && item["stream"] && item["stream"].IsScalar() ? item["stream"].Scalar() : "";
}

// The default analytics list `name` keeping only the items for camera `id` (no stream, or it).
void FilterStreams(YAML::Node doc, const char* name, const std::string& id) {
  if (!doc.IsMap() || !doc["analytics"] || !doc["analytics"].IsMap()) return;
  YAML::Node list = doc["analytics"][name];
  if (!list || !list.IsSequence()) return;
  YAML::Node kept(YAML::NodeType::Sequence);
  for (const auto& item : list) {
    const std::string stream = StreamOf(item);
    if (stream.empty() || stream == id) kept.push_back(item);
  }
  doc["analytics"][name] = kept;
}

Status CheckCameraKey(const std::string& key, const std::string& path) {
  if (Contains(kDeviceSections, key)) {
    return InvalidArgument(path + "." + key + ": is device-wide (one " + key +
                           " for every camera); set it at the top level");
  }
  if (Contains(kPerCameraSections, key) || Contains(kCameraKeys, key)) return Status::Ok();
  std::vector<std::string> known = kCameraKeys;
  known.insert(known.end(), kPerCameraSections.begin(), kPerCameraSections.end());
  return InvalidArgument(path + "." + key + ": " + UnknownNameMessage("key", key, known));
}

// Overlays one section of a camera item on the document.
Status MergeSection(YAML::Node doc, const std::string& key, const YAML::Node& value,
                    const std::string& path) {
  if (key == "source" && value.IsScalar()) {
    doc["source"]["uri"] = value.Scalar();
    return Status::Ok();
  }
  if (value.IsNull()) return Status::Ok();
  if (!value.IsMap()) {
    return InvalidArgument(path + "." + key + ": expected a mapping, got " + DescribeYaml(value));
  }
  if (!doc[key] || !doc[key].IsMap()) doc[key] = YAML::Node(YAML::NodeType::Map);
  for (const auto& kv : value) {
    if (!kv.first.IsScalar()) {
      return InvalidArgument(path + "." + key + ": expected a key name, got " +
                             DescribeYaml(kv.first));
    }
    doc[key][kv.first.Scalar()] = kv.second;
  }
  return Status::Ok();
}

// The camera's own document: the defaults, its streams' zones and lines, then its sections.
Result<YAML::Node> CameraDocument(const YAML::Node& defaults, const YAML::Node& item,
                                  const std::string& id, const std::string& path) {
  YAML::Node doc = YAML::Clone(defaults);
  if (doc.IsNull()) doc = YAML::Node(YAML::NodeType::Map);
  FilterStreams(doc, "zones", id);
  FilterStreams(doc, "lines", id);
  std::set<std::string> seen;
  for (const auto& kv : item) {
    if (!kv.first.IsScalar()) {
      return InvalidArgument(path + ": expected a key name, got " + DescribeYaml(kv.first));
    }
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) return InvalidArgument(path + "." + key + ": duplicate key");
    ES_RETURN_IF_ERROR(CheckCameraKey(key, path));
    if (Contains(kCameraKeys, key)) continue;
    ES_RETURN_IF_ERROR(MergeSection(doc, key, kv.second, path));
  }
  doc["source"]["stream_id"] = id;
  return doc;
}

Result<SiteCamera> LoadCamera(const YAML::Node& defaults, const YAML::Node& item, size_t i) {
  const std::string path = CameraPath(i);
  if (!item.IsMap()) {
    return InvalidArgument(path + ": expected a mapping (id, source, ...), got " +
                           DescribeYaml(item));
  }
  SiteCamera cam;
  for (const char* key : {"id", "role", "pair"}) {
    const YAML::Node v = item[key];
    if (v && !v.IsScalar()) {
      return InvalidArgument(path + "." + key + ": expected a string, got " + DescribeYaml(v));
    }
  }
  if (!item["id"]) return InvalidArgument(path + ".id: missing (every camera needs an id)");
  cam.id = item["id"].Scalar();
  if (!IsCameraId(cam.id)) {
    return InvalidArgument(path + ".id: expected 1-64 characters of [A-Za-z0-9_-], got " +
                           QuoteString(cam.id));
  }
  if (item["role"]) cam.role = item["role"].Scalar();
  if (item["pair"]) cam.pair = item["pair"].Scalar();
  if (!cam.role.empty() && cam.role != "wide" && cam.role != "ptz") {
    return InvalidArgument(path + ".role: expected one of [wide, ptz], got " +
                           QuoteString(cam.role));
  }
  ES_ASSIGN_OR_RETURN(YAML::Node doc, CameraDocument(defaults, item, cam.id, path));
  Status s = ApplyDocument(doc, &cam.config);
  if (s.ok()) s = FinishConfig(&cam.config);
  if (!s.ok()) return Status(s.code(), path + "." + s.message());
  return cam;
}

// Every `stream:` of a default zone or line must name a camera.
Status CheckDefaultStreams(const YAML::Node& root, const std::set<std::string>& ids) {
  if (!root["analytics"] || !root["analytics"].IsMap()) return Status::Ok();
  for (const char* name : {"zones", "lines"}) {
    const YAML::Node list = root["analytics"][name];
    if (!list || !list.IsSequence()) continue;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string stream = StreamOf(list[i]);
      if (stream.empty() || ids.count(stream)) continue;
      std::string known;
      for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
      return InvalidArgument("analytics." + std::string(name) + "[" + std::to_string(i) +
                             "]: stream " + QuoteString(stream) + " is not a camera (cameras: [" +
                             known + "])");
    }
  }
  return Status::Ok();
}

Result<SiteConfig> LoadCameras(const YAML::Node& root) {
  const YAML::Node cams = root["cameras"];
  if (!cams.IsSequence() || cams.size() == 0) {
    return InvalidArgument("cameras: expected a non-empty list of cameras, got " +
                           (cams.IsSequence() ? std::string("an empty list") : DescribeYaml(cams)));
  }
  YAML::Node defaults = YAML::Clone(root);
  defaults.remove("cameras");
  std::set<std::string> ids;
  for (const auto& item : cams) {
    if (item.IsMap() && item["id"] && item["id"].IsScalar()) ids.insert(item["id"].Scalar());
  }
  ES_RETURN_IF_ERROR(CheckDefaultStreams(defaults, ids));
  SiteConfig site;
  site.has_cameras_list = true;
  for (size_t i = 0; i < cams.size(); ++i) {
    ES_ASSIGN_OR_RETURN(SiteCamera cam, LoadCamera(defaults, cams[i], i));
    site.cameras.push_back(std::move(cam));
  }
  ES_RETURN_IF_ERROR(ValidateSite(site));
  return site;
}

Status CheckPair(const SiteConfig& site, size_t i, const std::map<std::string, size_t>& index) {
  const SiteCamera& c = site.cameras[i];
  const std::string path = CameraPath(i);
  if (c.role.empty()) {
    if (!c.pair.empty()) return InvalidArgument(path + ".pair: needs role (wide or ptz)");
    return Status::Ok();
  }
  const std::string other_role = c.role == "wide" ? "ptz" : "wide";
  if (c.pair.empty()) {
    return InvalidArgument(path + ".pair: a " + c.role + " camera needs the id of its " +
                           other_role + " partner");
  }
  auto it = index.find(c.pair);
  if (it == index.end()) {
    return InvalidArgument(path + ".pair: unknown camera " + QuoteString(c.pair));
  }
  const SiteCamera& p = site.cameras[it->second];
  if (p.role != other_role || p.pair != c.id) {
    return InvalidArgument(path + ".pair: " + QuoteString(c.pair) + " must be a " + other_role +
                           " camera whose pair is " + QuoteString(c.id));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSite(const SiteConfig& site) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < site.cameras.size(); ++i) {
    if (!index.emplace(site.cameras[i].id, i).second) {
      return InvalidArgument(CameraPath(i) + ".id: duplicate camera id " +
                             QuoteString(site.cameras[i].id));
    }
  }
  for (size_t i = 0; i < site.cameras.size(); ++i) ES_RETURN_IF_ERROR(CheckPair(site, i, index));
  return Status::Ok();
}

SiteConfig SingleCameraSite(AppConfig config) {
  SiteConfig site;
  SiteCamera cam;
  cam.id = config.source.stream_id;
  cam.config = std::move(config);
  site.cameras.push_back(std::move(cam));
  return site;
}

Result<SiteConfig> LoadSiteConfigString(const std::string& yaml, const std::string& origin) {
  ES_ASSIGN_OR_RETURN(YAML::Node root, ParseConfigYaml(yaml, origin));
  if (!root.IsMap() || !root["cameras"]) {
    ES_ASSIGN_OR_RETURN(AppConfig config, LoadConfigString(yaml, origin));
    return SingleCameraSite(std::move(config));
  }
  try {
    auto site = LoadCameras(root);
    if (!site.ok()) return site.status().WithContext(origin);
    return site;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(origin + ": cannot read YAML: " + OneLine(e.msg));
  }
}

Result<SiteConfig> LoadSiteConfigFile(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  return LoadSiteConfigString(text, path);
}

Status ApplySiteOverrides(SiteConfig* site, const std::vector<std::string>& assignments) {
  if (assignments.empty()) return Status::Ok();
  SiteConfig scratch = *site;
  for (SiteCamera& cam : scratch.cameras) {
    ES_RETURN_IF_ERROR(ApplyOverrides(&cam.config, assignments));
    cam.id = cam.config.source.stream_id;
  }
  ES_RETURN_IF_ERROR(ValidateSite(scratch));
  *site = std::move(scratch);
  return Status::Ok();
}

}  // namespace es
