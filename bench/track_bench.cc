// Benchmarks of the track module (Google Benchmark):
//   * BM_UpdateMot/<seq>: ByteTracker::Update on real MOTChallenge detections from the repo's
//     tests/data/mot (MOT17-04, the densest MOT17 sequence, and the YOLOX "palace" sequence),
//     one frame per iteration, replaying the sequence (time is "us per frame"; items/s = frames/s).
//     Every detection row is passed, also those below low_thresh (the tracker drops them).
//   * BM_UpdateSynthetic/<n>: the same on a synthetic scene of n walkers.
//   * BM_AssignTracking/<seq>[/dense]: the first-stage assignment of every frame of a sequence
//     (previous frame's boxes vs this frame's, fused IoU, limit 0.8), with the component split of
//     LinearAssignment and with one dense LAPJV (LinearAssignmentDense); per matrix.
//   * BM_Lapjv*/<n>: LAPJV on random dense n x n matrices, without and with a cost limit.
//   * BM_IouDistance/<n>: the n x n IoU distance matrix (items/s = box pairs/s).
//   * BM_FrameCues/<width>: the frame-based cues of track/frame_tracker.h on a rendered crowd
//     (track/crowd_render.h; 4:3 frames of `width`, camera shake 4 px, 20 people): camera
//     motion alone, the colour signatures of the frame's detections alone, and both; per frame.
// Run: ./build/bench/track_bench [--benchmark_repetitions=5 --benchmark_report_aggregates_only]
// docs/tracking-speed.md has measured numbers and the side-by-side with a C++ ByteTrack.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "track/appearance.h"
#include "track/byte_tracker.h"
#include "track/camera_motion.h"
#include "track/crowd_render.h"
#include "track/lapjv.h"
#include "track/matching.h"
#include "track/mot_io.h"

namespace {

using Frames = std::vector<std::vector<es::Detection>>;

// Detections of a MOTChallenge det file under tests/data/mot, grouped by frame (empty frames
// kept). Loaded once per sequence; a missing or bad file yields an empty sequence.
const Frames& MotSequence(const std::string& name) {
  static std::map<std::string, Frames> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  Frames frames;
  const std::string path = std::string(ES_SOURCE_DIR) + "/tests/data/mot/" + name + "/det/det.txt";
  auto file = es::ReadMotFile(path);
  if (!file.ok()) {
    std::fprintf(stderr, "track_bench: %s\n", file.status().ToString().c_str());
  } else {
    for (const es::MotRow& r : file.value().rows) {
      if (static_cast<size_t>(r.frame) > frames.size()) frames.resize(r.frame);
      frames[r.frame - 1].push_back(es::DetectionFromMotRow(r));
    }
  }
  return cache.emplace(name, std::move(frames)).first->second;
}

const char* const kSequences[] = {"MOT17-04-FRCNN-boxmot", "palace-bytetrack-ncnn-golden"};

// One Update per iteration, replaying `frames` at 30 fps; the tracker restarts (untimed) at the
// end of the sequence.
void RunUpdates(benchmark::State& state, const Frames& frames) {
  if (frames.empty()) {
    state.SkipWithError("no detections (tests/data/mot missing?)");
    return;
  }
  es::ByteTracker tracker;
  size_t f = 0, tracks = 0, dets = 0;
  for (auto _ : state) {
    if (f == frames.size()) {
      state.PauseTiming();
      f = 0;
      tracker.Reset();
      state.ResumeTiming();
    }
    const auto out =
        tracker.Update(frames[f], es::Timestamp::Micros(static_cast<int64_t>(f) * 33333));
    tracks += out.size();
    dets += frames[f].size();
    benchmark::DoNotOptimize(out.data());
    ++f;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["dets/frame"] = static_cast<double>(dets) / n;
  state.counters["tracks/frame"] = static_cast<double>(tracks) / n;
  state.SetItemsProcessed(state.iterations());
}

void BM_UpdateMot(benchmark::State& state, const char* seq) { RunUpdates(state, MotSequence(seq)); }
// (clang-format would put spaces into the case names)
// clang-format off
BENCHMARK_CAPTURE(BM_UpdateMot, MOT17-04, kSequences[0])->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_UpdateMot, palace, kSequences[1])->Unit(benchmark::kMicrosecond);
// clang-format on

// N people bouncing around a 1920x1080 frame at 30 fps: detector noise, 5% misses, scores in
// [0.3, 1], and one false positive every few frames.
Frames MakeScene(int n, int frames, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::normal_distribution<float> noise(0.f, 2.f);
  struct T {
    float x, y, vx, vy;
  };
  std::vector<T> ts;
  for (int i = 0; i < n; ++i) {
    ts.push_back({u(rng) * 1860, u(rng) * 930, (u(rng) - 0.5f) * 8, (u(rng) - 0.5f) * 4});
  }
  Frames scene(frames);
  for (int f = 0; f < frames; ++f) {
    for (T& t : ts) {
      t.x += t.vx;
      t.y += t.vy;
      if (t.x < 0 || t.x > 1860) t.vx = -t.vx;
      if (t.y < 0 || t.y > 930) t.vy = -t.vy;
      if (u(rng) < 0.05f) continue;
      scene[f].push_back({{t.x + noise(rng), t.y + noise(rng), 60, 150}, 0.3f + 0.7f * u(rng)});
    }
    if (u(rng) < 0.3f) scene[f].push_back({{u(rng) * 1800, u(rng) * 900, 60, 150}, u(rng)});
  }
  return scene;
}

void BM_UpdateSynthetic(benchmark::State& state) {
  RunUpdates(state, MakeScene(static_cast<int>(state.range(0)), 300, 7));
}
BENCHMARK(BM_UpdateSynthetic)->Arg(10)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);

// First-stage cost matrices of a real sequence: frame k-1's high-score boxes (stand-ins for the
// predicted tracks) vs frame k's, 1 - IoU * score, as ByteTracker builds them.
const std::vector<es::CostMatrix>& TrackingMatrices(const char* seq) {
  static std::map<std::string, std::vector<es::CostMatrix>> cache;
  auto it = cache.find(seq);
  if (it != cache.end()) return it->second;
  const Frames& frames = MotSequence(seq);
  std::vector<es::CostMatrix> out;
  std::vector<es::BBox> prev;
  for (const auto& dets : frames) {
    std::vector<es::BBox> cur;
    std::vector<float> scores;
    for (const es::Detection& d : dets) {
      if (d.score < 0.5f) continue;
      cur.push_back(d.box);
      scores.push_back(d.score);
    }
    es::CostMatrix c = es::IouDistance(prev, cur);
    es::FuseScore(c, scores);
    if (!c.empty()) out.push_back(std::move(c));
    prev = std::move(cur);
  }
  return cache.emplace(seq, std::move(out)).first->second;
}

void BM_AssignTracking(benchmark::State& state, const char* seq, bool dense) {
  const auto& mats = TrackingMatrices(seq);
  if (mats.empty()) {
    state.SkipWithError("no detections (tests/data/mot missing?)");
    return;
  }
  size_t k = 0, cells = 0;
  for (auto _ : state) {
    const es::CostMatrix& c = mats[k];
    auto a = dense ? es::LinearAssignmentDense(c, 0.8) : es::LinearAssignment(c, 0.8);
    benchmark::DoNotOptimize(a.matches.data());
    cells += static_cast<size_t>(c.rows()) * c.cols();
    if (++k == mats.size()) k = 0;
  }
  state.counters["cells/matrix"] =
      static_cast<double>(cells) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}
// clang-format off
BENCHMARK_CAPTURE(BM_AssignTracking, MOT17-04, kSequences[0], false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AssignTracking, MOT17-04/dense, kSequences[0], true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AssignTracking, palace, kSequences[1], false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_AssignTracking, palace/dense, kSequences[1], true)
    ->Unit(benchmark::kMicrosecond);
// clang-format on

es::CostMatrix RandomCost(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  es::CostMatrix c(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) c(i, j) = u(rng);
  return c;
}

void BM_Lapjv(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const es::CostMatrix c = RandomCost(n, 11);
  for (auto _ : state) benchmark::DoNotOptimize(es::LinearAssignment(c));
}
BENCHMARK(BM_Lapjv)->Arg(10)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);

// With ByteTrack's cost limit the solver works on the (2N x 2N) extended matrix (uniform random
// costs are dense: most pairs are under the limit, so everything is one component).
void BM_LapjvCostLimit(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const es::CostMatrix c = RandomCost(n, 11);
  for (auto _ : state) benchmark::DoNotOptimize(es::LinearAssignment(c, 0.8));
}
BENCHMARK(BM_LapjvCostLimit)->Arg(10)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);

void BM_IouDistance(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto scene = MakeScene(n, 2, 3);
  std::vector<es::BBox> a, b;
  for (const auto& d : scene[0]) a.push_back(d.box);
  for (const auto& d : scene[1]) b.push_back(d.box);
  for (auto _ : state) benchmark::DoNotOptimize(es::IouDistance(a, b));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(a.size() * b.size()));
}
BENCHMARK(BM_IouDistance)->Arg(10)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);

// 60 rendered frames with their detections, made once per width.
struct RenderedCrowd {
  std::vector<cv::Mat> frames;
  Frames detections;
};

const RenderedCrowd& Rendered(int width) {
  static std::map<int, RenderedCrowd> cache;
  auto it = cache.find(width);
  if (it != cache.end()) return it->second;
  es::CrowdSceneOptions o;
  o.width = width;
  o.height = width * 3 / 4;
  o.frames = 60;
  o.people = 20;
  o.camera_shake_px = 4;
  o.keep_figures = true;
  RenderedCrowd crowd;
  auto scene = es::GenerateCrowdScene(o);
  if (scene.ok()) {
    const cv::Mat bg = es::RenderCrowdBackground(o);
    crowd.detections.resize(scene->frames.size());
    for (size_t i = 0; i < scene->frames.size(); ++i) {
      crowd.frames.push_back(es::RenderCrowdFrame(scene->frames[i], static_cast<int>(i), bg, o));
    }
    for (const es::MotRow& r : scene->det) {
      crowd.detections[static_cast<size_t>(r.frame - 1)].push_back(es::DetectionFromMotRow(r));
    }
  }
  return cache.emplace(width, std::move(crowd)).first->second;
}

// range(1): 1 = camera motion, 2 = appearance, 3 = both.
void BM_FrameCues(benchmark::State& state) {
  const RenderedCrowd& crowd = Rendered(static_cast<int>(state.range(0)));
  const int cues = static_cast<int>(state.range(1));
  es::GlobalMotionEstimator motion;
  size_t f = 0;
  double dets = 0;
  for (auto _ : state) {
    const cv::Mat& frame = crowd.frames[f % crowd.frames.size()];
    const auto& d = crowd.detections[f % crowd.frames.size()];
    std::vector<es::BBox> boxes;
    for (const es::Detection& x : d) boxes.push_back(x.box);
    if (cues & 1) benchmark::DoNotOptimize(motion.Estimate(frame, boxes));
    if (cues & 2) {
      for (const es::Detection& x : d) {
        benchmark::DoNotOptimize(es::ComputeAppearance(frame, x.box));
      }
    }
    dets += static_cast<double>(d.size());
    ++f;
  }
  state.counters["dets/frame"] = dets / static_cast<double>(state.iterations());
  state.counters["redetect/frame"] =
      static_cast<double>(motion.corner_detections()) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FrameCues)
    ->ArgNames({"width", "cues"})
    ->ArgsProduct({{768, 1280, 1920}, {1, 2, 3}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
