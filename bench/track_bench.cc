// Benchmarks of the track module: ByteTracker::Update on a synthetic scene, LAPJV on random
// square matrices, and the IoU distance matrix.
//
// Build (bench/CMakeLists.txt): add_executable(track_bench track_bench.cc) +
// target_link_libraries(track_bench PRIVATE es_track benchmark::benchmark).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "track/byte_tracker.h"
#include "track/lapjv.h"
#include "track/matching.h"

namespace {

// N people bouncing around a 1920x1080 frame at 30 fps: detector noise, 5% misses, scores in
// [0.3, 1], and one false positive every few frames.
std::vector<std::vector<es::Detection>> MakeScene(int n, int frames, unsigned seed) {
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
  std::vector<std::vector<es::Detection>> scene(frames);
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

void BM_ByteTrackerUpdate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  constexpr int kFrames = 300;
  const auto scene = MakeScene(n, kFrames, 7);
  es::ByteTracker tracker;
  int f = 0;
  size_t tracks = 0;
  for (auto _ : state) {
    if (f == kFrames) {
      f = 0;
      tracker.Reset();
    }
    const auto out = tracker.Update(scene[f], es::Timestamp::Micros(f * 33333LL));
    tracks += out.size();
    benchmark::DoNotOptimize(out.data());
    ++f;
  }
  state.counters["tracks/frame"] =
      static_cast<double>(tracks) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ByteTrackerUpdate)->Arg(10)->Arg(30)->Arg(100)->Unit(benchmark::kMicrosecond);

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

// With ByteTrack's cost limit the solver works on the (2N x 2N) extended matrix.
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

}  // namespace

BENCHMARK_MAIN();
