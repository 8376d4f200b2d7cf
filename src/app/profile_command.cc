#include "app/profile_command.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/exit_codes.h"
#include "app/progress.h"
#include "core/latency_stats.h"
#include "core/pareto.h"
#include "core/text_file.h"
#include "detect/agreement.h"
#include "detect/coco_classes.h"
#include "detect/detector.h"
#include "detect/inference_engine.h"
#include "ops/rapl.h"
#include "source/video_source.h"

namespace es {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kReference[] = "nanodet-416-fp32";
constexpr char kAgreementNote[] =
    "F1 at IoU 0.5 against the reference's detections on the same frames; not accuracy";

struct Model {
  std::string name;  // nanodet-416-fp32
  std::string file;  // nanodet-m-416.onnx
  int input_size;
  std::string precision;
};

// The reference first: the other points are compared with its detections.
const std::vector<Model> kModels = {
    {"nanodet-416-fp32", "nanodet-m-416.onnx", 416, "fp32"},
    {"nanodet-416-int8", "nanodet-m-416-int8.onnx", 416, "int8"},
    {"nanodet-320-fp32", "nanodet-320.onnx", 320, "fp32"},
    {"nanodet-320-int8", "nanodet-320-int8.onnx", 320, "int8"},
};
constexpr int kThreads[] = {1, 2};

struct Measurement {
  std::vector<int64_t> latency_us;
  double wall_s = 0, cpu_s = 0;
  std::optional<double> rapl_j;                    // whole run, when the counters could be read
  std::vector<std::vector<Detection>> detections;  // per frame
};

// v to `decimals` places (dividing by a power of ten keeps the JSON free of 0.95180000000001).
double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    for (const char* key : {"model name", "Model", "Hardware"}) {
      if (line.rfind(key, 0) != 0) continue;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string v = line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      if (!v.empty()) return v;
    }
  }
  return "unknown";
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Before minutes of sweeping: the output's folder must exist and be writable.
Status CheckWritable(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return InvalidArgument("--profile-out: cannot write '" + path + "': folder '" + dir.string() +
                           "' does not exist");
  }
  if (fs::is_directory(path, ec)) {
    return InvalidArgument("--profile-out: '" + path + "' is a folder");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return InvalidArgument("--profile-out: cannot write '" + path + "': folder '" + dir.string() +
                           "' is not writable");
  }
  return Status::Ok();
}

Result<std::vector<cv::Mat>> DecodeFrames(SourceOptions options, int max_frames) {
  options.realtime = false;
  ES_ASSIGN_OR_RETURN(auto source, MakeSource(options));
  ES_RETURN_IF_ERROR(source->Open());
  std::vector<cv::Mat> frames;
  Frame frame;
  while (static_cast<int>(frames.size()) < max_frames) {
    Status s = source->Read(&frame);
    if (s.code() == StatusCode::kEndOfStream) break;
    if (!s.ok()) return s;
    frames.push_back(frame.image.clone());
  }
  if (frames.empty()) return InvalidArgument("source '" + options.uri + "' gave no frames");
  return frames;
}

Result<Measurement> Measure(const DetectorOptions& options, const std::vector<cv::Mat>& frames,
                            const std::vector<RaplDomain>& rapl) {
  ES_ASSIGN_OR_RETURN(std::unique_ptr<Detector> detector, MakeDetector(options));
  ES_RETURN_IF_ERROR(detector->Detect(frames.front()).status());  // warm-up, not counted
  Measurement m;
  m.latency_us.reserve(frames.size());
  m.detections.reserve(frames.size());
  const auto rapl_before = rapl.empty() ? std::nullopt : ReadRapl(rapl);
  const double cpu_before = ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  for (const cv::Mat& image : frames) {
    const auto t0 = std::chrono::steady_clock::now();
    ES_ASSIGN_OR_RETURN(std::vector<Detection> dets, detector->Detect(image));
    const auto t1 = std::chrono::steady_clock::now();
    m.latency_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count());
    m.detections.push_back(std::move(dets));
  }
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.cpu_s = ProcessCpuSeconds() - cpu_before;
  const auto rapl_after = rapl.empty() ? std::nullopt : ReadRapl(rapl);
  if (rapl_before && rapl_after) m.rapl_j = RaplJoules(rapl, *rapl_before, *rapl_after);
  return m;
}

Json CountsJson(const AgreementCounts& c) {
  return Json{{"precision", Round(c.precision(), 4)},
              {"recall", Round(c.recall(), 4)},
              {"f1", Round(c.f1(), 4)},
              {"reference", c.reference},
              {"candidate", c.candidate},
              {"matched", c.matched}};
}

// Agreement of one point with the reference, per class the reference detects.
void AddAgreement(const std::vector<std::vector<Detection>>& reference,
                  const std::vector<std::vector<Detection>>& candidate, Json* point) {
  AgreementCounter counter;
  for (size_t i = 0; i < reference.size() && i < candidate.size(); ++i) {
    counter.AddFrame(reference[i], candidate[i]);
  }
  Json per_class = Json::object();
  for (const auto& [class_id, counts] : counter.per_class()) {
    if (counts.reference > 0) per_class[std::string(CocoClassName(class_id))] = CountsJson(counts);
  }
  (*point)["agreement_f1"] = Round(counter.overall().f1(), 4);
  (*point)["agreement"] = per_class;
  (*point)["agreement_all"] = CountsJson(counter.overall());
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Table(const Json& points) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-22s %8s %8s %8s %10s %8s  %s\n", "operating point", "p50 ms",
                "p99 ms", "fps", "J/infer", "F1", "pareto");
  out << line;
  for (const Json& p : points) {
    std::snprintf(
        line, sizeof line, "%-22s %8s %8s %8s %10s %8s  %s\n", p["name"].get<std::string>().c_str(),
        Fixed(p["latency_ms"]["p50"].get<double>(), 1).c_str(),
        Fixed(p["latency_ms"]["p99"].get<double>(), 1).c_str(),
        Fixed(p["throughput_fps"].get<double>(), 1).c_str(),
        Fixed(p["energy_j_per_inference"].get<double>(), 3).c_str(),
        Fixed(p["agreement_f1"].get<double>(), 3).c_str(), p["pareto"].get<bool>() ? "*" : "");
    out << line;
  }
  return out.str();
}

std::string WattsText(double w) {
  std::ostringstream s;
  s << w;
  return s.str();
}

}  // namespace

int RunProfile(const AppConfig& base, const ProfileArgs& args) {
  if (!HaveOnnxRuntime()) {
    return ReportError(Unavailable(
        "bench --profile runs the models on ONNX Runtime, and this build has none (configure "
        "with -DES_ORT_DIR=..., see scripts/setup.sh)"));
  }
  if (Status s = CheckWritable(args.out); !s.ok()) return ReportError(s);
  const std::filesystem::path model_dir =
      std::filesystem::path(DefaultNanoDetModelPath()).parent_path();
  std::vector<Model> models;
  Json skipped = Json::array();
  for (const Model& m : kModels) {
    const std::string path = (model_dir / m.file).string();
    if (std::filesystem::exists(path)) {
      models.push_back(m);
      continue;
    }
    if (m.name == kReference) {
      return ReportError(NotFound("bench --profile: the reference model '" + path +
                                  "' is missing (agreement is measured against it; "
                                  "scripts/fetch_assets.sh fetches it)"));
    }
    std::cerr << "bench --profile: skipping " << m.name << ": '" << path
              << "' not found (scripts/fetch_assets.sh builds it)" << std::endl;
    skipped.push_back(Json{{"model", m.file}, {"reason", "not found in " + model_dir.string()}});
  }

  const int max_frames = base.pipeline.max_frames > 0 ? base.pipeline.max_frames : 200;
  auto frames = DecodeFrames(base.source, max_frames);
  if (!frames.ok()) return ReportError(frames.status().WithContext("bench --profile"));

  const std::vector<RaplDomain> rapl = RaplDomains();
  const std::string estimate =
      "estimate: cpu_seconds x " + WattsText(args.watts_per_core) + " W/core";
  const std::string energy_method = rapl.empty() ? estimate : "rapl";

  Json points = Json::array();
  std::vector<std::vector<Detection>> reference;
  StepProgress progress(models.size() * std::size(kThreads));
  for (const Model& m : models) {
    for (int threads : kThreads) {
      const std::string name = m.name + "-t" + std::to_string(threads);
      progress.Step(name);
      DetectorOptions o = base.detector;  // thresholds and classes from the config
      o.type = "onnx";
      o.model = (model_dir / m.file).string();
      o.format = "nanodet";
      o.engine = "ort";
      o.threads = threads;
      o.input_size = 0;
      auto r = Measure(o, *frames, rapl);
      if (!r.ok()) return ReportError(r.status().WithContext("bench --profile " + name));
      const Measurement& ms = *r;
      if (m.name == kReference && threads == 1) reference = ms.detections;
      const double n = static_cast<double>(ms.latency_us.size());
      const double cpu_per_inf = ms.cpu_s / n;
      const bool use_rapl = ms.rapl_j.has_value();
      const double joules = use_rapl ? *ms.rapl_j / n : cpu_per_inf * args.watts_per_core;
      size_t detections = 0;
      for (const auto& d : ms.detections) detections += d.size();
      Json p = {{"name", name},
                {"model", m.file},
                {"input_size", m.input_size},
                {"precision", m.precision},
                {"threads", threads},
                {"latency_ms",
                 {{"p50", Round(Percentile(ms.latency_us, 0.50) / 1000, 2)},
                  {"p99", Round(Percentile(ms.latency_us, 0.99) / 1000, 2)}}},
                {"throughput_fps", Round(n / ms.wall_s, 2)},
                {"inferences_per_s", Round(n / ms.wall_s, 2)},
                {"cpu_ms_per_inference", Round(cpu_per_inf * 1000, 2)},
                {"energy_j_per_inference", Round(joules, 4)}};
      if (!rapl.empty() && !use_rapl) p["energy_method"] = estimate;  // a counter read failed
      p["detections"] = detections;
      AddAgreement(reference, ms.detections, &p);
      std::cerr << "bench --profile: " << name << " p50 " << p["latency_ms"]["p50"] << " ms, "
                << p["throughput_fps"] << " fps, F1 " << p["agreement_f1"] << std::endl;
      points.push_back(std::move(p));
    }
  }

  std::vector<std::vector<double>> pareto_in;  // p50, agreement (higher is better), energy
  for (const Json& p : points) {
    pareto_in.push_back({p["latency_ms"]["p50"].get<double>(), -p["agreement_f1"].get<double>(),
                         p["energy_j_per_inference"].get<double>()});
  }
  const std::vector<bool> frontier = ParetoFrontier(pareto_in);
  for (size_t i = 0; i < points.size(); ++i) points[i]["pareto"] = static_cast<bool>(frontier[i]);

  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  Json profile = {{"schema", "edgesight.profile/1"},
                  {"created", UtcNow()},
                  {"machine", {{"cpu", CpuModel()}, {"cores", cores}}},
                  {"source", base.source.uri},
                  {"frames", frames->size()},
                  {"reference", kReference},
                  {"agreement_note", kAgreementNote},
                  {"energy_method", energy_method},
                  {"engine", "ort"},
                  {"latency_note",
                   "wall time of one Detect() call (preprocess + inference + decode), after one "
                   "warm-up call; frames decoded beforehand"},
                  {"operating_points", points},
                  {"skipped", skipped}};

  std::cout << "edgesight profile: " << base.source.uri << ", " << frames->size()
            << " frames, ONNX Runtime\n"
            << "agreement: " << kAgreementNote << " (reference " << kReference << ")\n"
            << "energy: " << energy_method << "; * = Pareto frontier (p50, F1, J/inference)\n\n"
            << Table(points) << std::flush;
  if (Status st = WriteTextFile(args.out, profile.dump(2) + "\n"); !st.ok()) {
    return ReportError(Unavailable("--profile-out: " + st.message()));
  }
  std::cerr << "bench --profile: wrote " << args.out << std::endl;
  return kExitOk;
}

}  // namespace es
