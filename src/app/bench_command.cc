#include "app/bench_command.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/exit_codes.h"
#include "app/progress.h"
#include "app/run_command.h"
#include "detect/inference_engine.h"

namespace es {
namespace {

struct Variant {
  std::string name;
  std::string type, engine;
  int threads = 2;
  bool gate = false;
  int interval = 1;
  bool realtime = false;
  std::string source;  // empty: the bench source
};

nlohmann::ordered_json Lat(const RunSummary& s, const std::string& stage) {
  auto it = s.latency.find(stage);
  if (it == s.latency.end() || it->second.count == 0) return nullptr;
  return nlohmann::ordered_json{{"p50", std::round(it->second.p50_ms * 1000) / 1000},
                                {"p99", std::round(it->second.p99_ms * 1000) / 1000}};
}

}  // namespace

int RunBench(const AppConfig& base, const std::string& out_path) {
  std::vector<Variant> variants;
  std::vector<std::string> engines = {"opencv"};
  if (HaveOnnxRuntime()) engines.insert(engines.begin(), "ort");
  for (const auto& e : engines) {
    for (int th : {1, 2})
      variants.push_back({"nanodet/" + e + "/t" + std::to_string(th), "nanodet", e, th});
  }
  variants.push_back({"hog", "hog", "auto", 2});
  variants.push_back({"motion", "motion", "auto", 2});
  variants.push_back({"nanodet+gate", "nanodet", "auto", 2, true, 1});
  variants.push_back({"nanodet+interval3", "nanodet", "auto", 2, false, 3});
  variants.push_back({"nanodet+gate+interval3", "nanodet", "auto", 2, true, 3});
  // A static scene (nothing moves): what the gate saves when a yard is empty.
  variants.push_back(
      {"nanodet/static-scene", "nanodet", "auto", 2, false, 1, false, "synthetic:empty"});
  variants.push_back(
      {"nanodet+gate/static-scene", "nanodet", "auto", 2, true, 1, false, "synthetic:empty"});
  // Camera-paced: frames arrive at the source's rate; measures pipeline overhead.
  variants.push_back({"nanodet+gate/paced", "nanodet", "auto", 2, true, 1, true});

  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  StepProgress progress(variants.size());
  for (const auto& v : variants) {
    progress.Step(v.name);
    AppConfig c = base;
    c.detector.type = v.type;
    c.detector.engine = v.engine;
    c.detector.threads = v.threads;
    c.gate.enabled = v.gate;
    c.pipeline.detect_interval = v.interval;
    c.source.realtime = v.realtime;
    if (!v.source.empty()) c.source.uri = v.source;
    c.pipeline.queue_policy = v.realtime ? "drop_oldest" : "block";
    if (c.pipeline.max_frames == 0) c.pipeline.max_frames = v.realtime ? 300 : 200;
    c.output = {};  // the bench measures the pipeline: no files, clips, uplink or alarms
    c.recording.dir.clear();
    c.uplink = {};
    c.alarm.rules.clear();
    c.http = {};
    RunResult r = BuildAndRun(c, "bench", /*signals=*/nullptr);
    if (!r.status.ok()) return ReportError(r.status.WithContext("bench " + v.name));
    const RunSummary& s = r.summary;
    nlohmann::ordered_json row = {{"name", v.name},
                                  {"source", c.source.uri},
                                  {"detector", s.detector},
                                  {"threads", v.threads},
                                  {"gate", v.gate},
                                  {"interval", v.interval},
                                  {"paced", v.realtime},
                                  {"frames", s.frames_processed},
                                  {"dropped", s.frames_dropped},
                                  {"detector_runs", s.detector_runs},
                                  {"fps", std::round(s.fps * 10) / 10},
                                  {"detect_ms", Lat(s, "detect")},
                                  {"track_ms", Lat(s, "track")},
                                  {"gate_ms", Lat(s, "gate")},
                                  {"glass_to_decision_ms", Lat(s, "glass_to_decision")},
                                  {"overhead_ms", Lat(s, "pipeline_overhead")}};
    std::cerr << "bench: " << row.dump() << std::endl;
    rows.push_back(row);
  }
  nlohmann::ordered_json report = {{"source", base.source.uri}, {"runs", rows}};
  std::cout << report.dump(2) << std::endl;
  if (!out_path.empty()) {
    std::ofstream out(out_path);
    out << report.dump(2) << '\n';
    if (!out) return ReportError(Unavailable("cannot write '" + out_path + "'"));
  }
  return kExitOk;
}

}  // namespace es
