// Detector benchmarks: the embedded NanoDet on ONNX Runtime and on OpenCV DNN at 1 and 2 intra-op
// threads, plus the HOG and motion detectors, on frames of OpenCV's vtest.avi (768x576).
//
//   detect_bench --benchmark_min_time=2
//
// Times are wall clock per Detect() (UseRealTime: the engines run their own threads), including
// letterbox, preprocessing, inference, decode and NMS. A benchmark whose model, engine or video
// is absent reports an error instead of a time. ES_MODEL_DIR overrides the model directory.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/inference_engine.h"
#include "source/ffmpeg_source.h"

namespace es {
namespace {

// The first `n` frames of the demo video (empty if it cannot be read).
const std::vector<cv::Mat>& Frames(size_t n = 48) {
  static const std::vector<cv::Mat> frames = [n] {
    std::vector<cv::Mat> out;
    SourceOptions o;
    o.uri = ES_DEFAULT_VIDEO;
    FfmpegSource src(o);
    Frame f;
    if (!src.Open().ok()) return out;
    while (out.size() < n && src.Read(&f).ok()) out.push_back(f.image.clone());
    return out;
  }();
  return frames;
}

// Builds the detector or reports why not; runs Detect over the frames in a loop.
void RunDetector(benchmark::State& state, const DetectorOptions& options) {
  const std::vector<cv::Mat>& frames = Frames();
  if (frames.empty()) {
    state.SkipWithError("cannot read " ES_DEFAULT_VIDEO);
    return;
  }
  auto detector = MakeDetector(options);
  if (!detector.ok()) {
    state.SkipWithError(detector.status().ToString().c_str());
    return;
  }
  size_t i = 0, detections = 0;
  for (auto _ : state) {
    auto dets = (*detector)->Detect(frames[i++ % frames.size()]);
    if (!dets.ok()) {
      state.SkipWithError(dets.status().ToString().c_str());
      break;
    }
    detections += dets->size();
    benchmark::DoNotOptimize(dets);
  }
  state.counters["dets_per_frame"] = benchmark::Counter(
      static_cast<double>(detections), benchmark::Counter::kAvgIterations);
  state.SetLabel((*detector)->name());
}

// Args: {threads}.
void BM_NanoDet(benchmark::State& state, const char* engine) {
  if (std::string(engine) == "ort" && !HaveOnnxRuntime()) {
    state.SkipWithError("ONNX Runtime is not part of this build");
    return;
  }
  DetectorOptions o;
  o.type = "nanodet";
  o.engine = engine;
  o.threads = static_cast<int>(state.range(0));
  RunDetector(state, o);
}
BENCHMARK_CAPTURE(BM_NanoDet, ort, "ort")
    ->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NanoDet, opencv, "opencv")
    ->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Hog(benchmark::State& state) {
  DetectorOptions o;
  o.type = "hog";
  RunDetector(state, o);
}
BENCHMARK(BM_Hog)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Motion(benchmark::State& state) {
  DetectorOptions o;
  o.type = "motion";
  RunDetector(state, o);
}
BENCHMARK(BM_Motion)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace es

BENCHMARK_MAIN();
