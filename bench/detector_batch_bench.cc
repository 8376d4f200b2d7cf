// Issue 8, "Batching": does one ONNX Runtime call on a batch of N frames (N cameras) cost less per
// frame than N sequential batch-1 calls, for the embedded NanoDet? docs/runtime.md "Batching".
//
//   python3 tools/make_batch_model.py --in $M/nanodet-m-416.onnx --out $M/nanodet-m-416-batch.onnx
//   detector_batch_bench [--model_dir=DIR] [--video=PATH] --benchmark_repetitions=5 ...
//
// BM_Sequential/n:N/threads:T  N Run() calls of the product model ([1,3,416,416]), one per frame.
// BM_Batched/n:N/threads:T     one Run() of nanodet-m-416-batch.onnx on [N,3,416,416].
// Both go through es::MakeEngine (kind "ort"), i.e. the product's session options (intra-op
// threads T, inter-op 1, ORT_ENABLE_ALL, sequential execution, intra-op spinning off) and its
// Run() (output copied out of ORT). Only inference is timed: the N inputs (four frames of the demo
// video far apart, standing in for four cameras, letterboxed and normalised as the NanoDet
// detector does) are prepared once. Counters: per_image = wall time per iteration / N (s);
// cpu_per_image = CPU time of the whole process (all ORT threads) / images (s). The time column is
// per iteration (N images). Engines are created once per (model, threads) and
// warmed up with one run before timing.
//
// Before any timing, the batched model is checked against the product model on the same frames:
// per image, max |batch-N output - batch-1 output| must be < 1e-4 for N = 1, 2, 4 (printed;
// exit 1 otherwise).
//
// Models: --model_dir, else the directory of the product's default model path (ES_MODEL_DIR in
// the environment, else the installed package's, else the build's -DES_MODEL_DIR). A missing
// model, video or ONNX Runtime prints why and exits 0 without running anything.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "detect/detector.h"
#include "detect/inference_engine.h"
#include "detect/letterbox.h"

namespace es {
namespace {

constexpr int kSize = 416;
constexpr int kMaxBatch = 4;
constexpr double kMaxDiff = 1e-4;

std::string g_model_dir;
std::string g_video = ES_DEFAULT_VIDEO;

std::string SeqModel() { return g_model_dir + "/nanodet-m-416.onnx"; }
std::string BatchModel() { return g_model_dir + "/nanodet-m-416-batch.onnx"; }

// NanoDet input for one BGR frame: top-left letterbox on black, (pixel - mean) / std, NCHW.
std::vector<float> NanoDetInput(const cv::Mat& bgr) {
  const LetterboxTransform t = ComputeLetterbox(bgr.size(), kSize, kSize, /*center=*/false);
  const cv::Mat img = ApplyLetterbox(bgr, t, kSize, kSize, cv::Scalar(0, 0, 0));
  const float mean[3] = {103.53f, 116.28f, 123.675f};
  const float std_[3] = {57.375f, 57.12f, 58.395f};
  std::vector<float> out(3 * kSize * kSize);
  for (int y = 0; y < kSize; ++y) {
    const uchar* row = img.ptr<uchar>(y);
    for (int x = 0; x < kSize; ++x) {
      for (int c = 0; c < 3; ++c) {
        out[(c * kSize + y) * kSize + x] = (row[3 * x + c] - mean[c]) / std_[c];
      }
    }
  }
  return out;
}

// kMaxBatch frames of the video, far apart (different scenes, like different cameras).
const std::vector<std::vector<float>>& Inputs() {
  static const std::vector<std::vector<float>> inputs = [] {
    std::vector<std::vector<float>> out;
    cv::VideoCapture cap(g_video);
    cv::Mat f;
    for (int i = 0; out.size() < kMaxBatch && cap.read(f); ++i) {
      if (i % 150 == 0) out.push_back(NanoDetInput(f));
    }
    return out;
  }();
  return inputs;
}

// The first n inputs as one [n, 3, 416, 416] tensor.
Tensor BatchTensor(int n) {
  Tensor t;
  t.name = "input";
  t.shape = {n, 3, kSize, kSize};
  for (int i = 0; i < n; ++i) {
    t.data.insert(t.data.end(), Inputs()[i].begin(), Inputs()[i].end());
  }
  return t;
}

// One engine per (model, threads), created on first use and warmed up with one run.
Result<InferenceEngine*> Engine(const std::string& model, int threads) {
  static std::map<std::pair<std::string, int>, std::unique_ptr<InferenceEngine>> engines;
  auto& e = engines[{model, threads}];
  if (!e) {
    EngineOptions o;
    o.kind = "ort";
    o.threads = threads;
    ES_ASSIGN_OR_RETURN(e, MakeEngine(o, model));
    ES_RETURN_IF_ERROR(e->Run(BatchTensor(1)).status());
  }
  return e.get();
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// cpu0: ProcessCpuSeconds() before the timing loop.
void SetPerImage(benchmark::State& state, int n, double cpu0) {
  // CPU seconds of the whole process (all ORT threads) per image: less sensitive than wall time
  // to other processes on a shared machine (the library's CPU column counts the main thread only).
  state.counters["cpu_per_image"] =
      (ProcessCpuSeconds() - cpu0) / (static_cast<double>(state.iterations()) * n);
  // Wall seconds per iteration / n (an inverted rate); printed with an SI prefix, e.g. 62.9ms.
  state.counters["per_image"] = benchmark::Counter(
      n, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Args: {n, threads}.
void BM_Sequential(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto engine = Engine(SeqModel(), static_cast<int>(state.range(1)));
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return;
  }
  std::vector<Tensor> ins;
  for (int i = 0; i < n; ++i) {
    ins.push_back(BatchTensor(1));
    ins.back().data = Inputs()[i];
  }
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    for (const Tensor& in : ins) {
      auto out = (*engine)->Run(in);
      if (!out.ok()) {
        state.SkipWithError(out.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(out);
    }
  }
  SetPerImage(state, n, cpu0);
}

void BM_Batched(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto engine = Engine(BatchModel(), static_cast<int>(state.range(1)));
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return;
  }
  const Tensor in = BatchTensor(n);
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto out = (*engine)->Run(in);
    if (!out.ok()) {
      state.SkipWithError(out.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(out);
  }
  SetPerImage(state, n, cpu0);
}

void Args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "threads"});
  for (int threads : {1, 2}) {
    for (int n : {1, 2, 4}) b->Args({n, threads});
  }
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_Sequential)->Apply(Args);
BENCHMARK(BM_Batched)->Apply(Args);

// Per image, the batched model on [n, ...] against the product model on [1, ...]. Returns the
// largest difference over n = 1, 2, 4 and all images, or an error.
Result<double> CheckEquivalence() {
  ES_ASSIGN_OR_RETURN(InferenceEngine * seq, Engine(SeqModel(), 1));
  ES_ASSIGN_OR_RETURN(InferenceEngine * bat, Engine(BatchModel(), 1));
  std::vector<std::vector<float>> ref;
  for (int i = 0; i < kMaxBatch; ++i) {
    Tensor in = BatchTensor(1);
    in.data = Inputs()[i];
    ES_ASSIGN_OR_RETURN(std::vector<Tensor> out, seq->Run(in));
    ref.push_back(std::move(out.at(0).data));
  }
  double worst = 0, between_images = 0;
  for (size_t k = 0; k < ref[0].size(); ++k) {
    between_images = std::max<double>(between_images, std::fabs(ref[0][k] - ref[1][k]));
  }
  for (int n : {1, 2, 4}) {
    ES_ASSIGN_OR_RETURN(std::vector<Tensor> out, bat->Run(BatchTensor(n)));
    const Tensor& o = out.at(0);
    if (o.shape != std::vector<int64_t>{n, 3549, 124} ||
        o.data.size() != static_cast<size_t>(n) * ref[0].size()) {
      return Internal("batched output has an unexpected shape for n=" + std::to_string(n));
    }
    for (int i = 0; i < n; ++i) {
      double d = 0;
      for (size_t k = 0; k < ref[i].size(); ++k) {
        d = std::max<double>(d, std::fabs(o.data[i * ref[i].size() + k] - ref[i][k]));
      }
      std::printf("check: n=%d image %d: max |batched - sequential| = %.3g\n", n, i, d);
      worst = std::max(worst, d);
    }
  }
  std::printf("check: max |image 0 - image 1| = %.3g (the inputs differ)\n", between_images);
  return worst;
}

}  // namespace
}  // namespace es

int main(int argc, char** argv) {
  // Own flags first; benchmark::Initialize rejects what it does not know.
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--model_dir=", 12) == 0) {
      es::g_model_dir = argv[i] + 12;
    } else if (std::strncmp(argv[i], "--video=", 8) == 0) {
      es::g_video = argv[i] + 8;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  if (es::g_model_dir.empty()) {
    es::g_model_dir = std::filesystem::path(es::DefaultNanoDetModelPath()).parent_path();
  }

  std::string why;
  if (!es::HaveOnnxRuntime()) {
    why = "ONNX Runtime is not part of this build (configure with -DES_ORT_DIR)";
  } else if (!std::filesystem::is_regular_file(es::SeqModel())) {
    why = "no model " + es::SeqModel() + " (scripts/fetch_assets.sh, or --model_dir / ES_MODEL_DIR)";
  } else if (!std::filesystem::is_regular_file(es::BatchModel())) {
    why = "no model " + es::BatchModel() +
          " (make it: /usr/bin/python3 tools/make_batch_model.py --in " + es::SeqModel() +
          " --out " + es::BatchModel() + ")";
  } else if (es::Inputs().size() < es::kMaxBatch) {
    why = "cannot read " + std::to_string(es::kMaxBatch) + " frames from " + es::g_video;
  }
  if (!why.empty()) {
    std::printf("detector_batch_bench: skipped: %s\n", why.c_str());
    return 0;
  }
  std::printf("models: %s, %s\n", es::SeqModel().c_str(), es::BatchModel().c_str());
  auto check = es::CheckEquivalence();
  if (!check.ok()) {
    std::fprintf(stderr, "detector_batch_bench: %s\n", check.status().ToString().c_str());
    return 1;
  }
  if (*check >= es::kMaxDiff) {
    std::fprintf(stderr, "detector_batch_bench: batched model differs from the product model by "
                         "%.3g (limit %.0e)\n", *check, es::kMaxDiff);
    return 1;
  }
  std::printf("check: batched model == product model per image (max diff %.3g < %.0e)\n",
              *check, es::kMaxDiff);
  std::fflush(stdout);
  benchmark::AddCustomContext("model_dir", es::g_model_dir);
  benchmark::AddCustomContext("video", es::g_video);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
