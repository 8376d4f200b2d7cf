// track_memory: runs ByteTracker::Update on a long synthetic scene (1,000,000 frames by default,
// 30 fps, 1920x1080) in which people keep entering and leaving, get occluded, and in which false
// positives and static clutter come and go, and prints the process's peak RSS (getrusage
// ru_maxrss) and current RSS (/proc/self/statm) at 1k, 10k, 100k and 1M frames together with the
// number of live tracks, the highest id issued and the mean update time of each window.
// (Linux updates ru_maxrss lazily, so it can read a little below the current RSS.)
// Memory must stay flat: the program exits 1 if max(peak, current) RSS grew by more than 2 MiB
// between frame 100,000 and the end (the tracker, its assignment scratch and the scene are all
// bounded).
//
// Usage: ./build/bench/track_memory [frames]   (frames >= 1; default 1000000)
// Deterministic (fixed seed); about 10 s for 1M frames on a desktop core.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "track/byte_tracker.h"

namespace {

long PeakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // KiB on Linux
}

long CurrentRssKiB() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// The scene: walkers cross the frame horizontally (entering at a side, leaving at the other),
// each frame detected with probability 0.95 unless occluded (1% chance per frame to start an
// occlusion of 5-45 frames); scores 0.15-1 (a third below the 0.5 high threshold); 0.3 random
// false positives per frame; static clutter (a cone that the detector keeps reporting) appears
// every ~300 frames and stays 100-900 frames.
class Scene {
 public:
  explicit Scene(unsigned seed) : rng_(seed) {}

  const std::vector<es::Detection>& Next() {
    dets_.clear();
    if (U() < 0.035f) Spawn();  // ~27 walkers live on average
    for (size_t k = 0; k < walkers_.size();) {
      Walker& w = walkers_[k];
      w.x += w.vx;
      w.y += w.vy;
      if (w.x < -w.w || w.x > kWidth) {  // left the frame
        walkers_[k] = walkers_.back();
        walkers_.pop_back();
        continue;
      }
      if (w.occluded > 0) {
        --w.occluded;
      } else if (U() < 0.01f) {
        w.occluded = 5 + static_cast<int>(U() * 40);
      } else if (U() < 0.95f) {
        dets_.push_back({{w.x + N(), w.y + N(), w.w + N(), w.h + N()}, 0.15f + 0.85f * U()});
      }
      ++k;
    }
    if (U() < 0.3f) dets_.push_back({{U() * 1800, U() * 900, 40, 100}, 0.1f + 0.6f * U()});
    if (U() < 1.f / 300)
      clutter_.push_back({U() * 1800, U() * 900, 100 + static_cast<int>(U() * 800)});
    for (size_t k = 0; k < clutter_.size();) {
      if (--clutter_[k].frames_left < 0) {
        clutter_[k] = clutter_.back();
        clutter_.pop_back();
        continue;
      }
      dets_.push_back({{clutter_[k].x + 0.5f * N(), clutter_[k].y + 0.5f * N(), 30, 60}, 0.7f});
      ++k;
    }
    return dets_;
  }

  size_t walkers() const { return walkers_.size(); }

 private:
  static constexpr float kWidth = 1920.f, kHeight = 1080.f;
  struct Walker {
    float x, y, w, h, vx, vy;
    int occluded;
  };
  struct Clutter {
    float x, y;
    int frames_left;
  };

  float U() { return uni_(rng_); }
  float N() { return noise_(rng_); }

  void Spawn() {
    Walker w;
    w.h = 80 + 120 * U();
    w.w = 0.4f * w.h;
    const bool from_left = U() < 0.5f;
    const float speed = 1.f + 3.f * U();
    w.x = from_left ? -w.w + 1 : kWidth - 1;
    w.vx = from_left ? speed : -speed;
    w.y = U() * (kHeight - w.h);
    w.vy = (U() - 0.5f) * 0.5f;
    w.occluded = 0;
    walkers_.push_back(w);
  }

  std::mt19937 rng_;
  std::uniform_real_distribution<float> uni_{0.f, 1.f};
  std::normal_distribution<float> noise_{0.f, 1.5f};
  std::vector<Walker> walkers_;
  std::vector<Clutter> clutter_;
  std::vector<es::Detection> dets_;
};

}  // namespace

int main(int argc, char** argv) {
  long total = 1000000;
  if (argc > 1) total = std::atol(argv[1]);
  if (total < 1) {
    std::fprintf(stderr, "usage: %s [frames >= 1]\n", argv[0]);
    return 2;
  }
  Scene scene(2024);
  es::ByteTracker tracker;
  std::vector<long> checkpoints;
  for (long c : {1000L, 10000L, 100000L, 1000000L}) {
    if (c < total) checkpoints.push_back(c);
  }
  checkpoints.push_back(total);

  std::printf("%10s %14s %14s %12s %12s %10s %12s\n", "frames", "peak_rss_kib", "cur_rss_kib",
              "live_tracks", "max_id", "dets/frame", "us/frame");
  using Clock = std::chrono::steady_clock;
  long frame = 0, dets_in_window = 0, peak_at_100k = -1;
  int max_id = 0;
  double update_s = 0;
  long window_start = 0;
  for (long cp : checkpoints) {
    for (; frame < cp; ++frame) {
      const auto& dets = scene.Next();
      dets_in_window += static_cast<long>(dets.size());
      const auto t0 = Clock::now();
      const auto out = tracker.Update(dets, es::Timestamp::Micros(frame * 33333));
      update_s += std::chrono::duration<double>(Clock::now() - t0).count();
      for (const auto& o : out) max_id = std::max(max_id, o.id);
    }
    const long n = frame - window_start;
    std::printf("%10ld %14ld %14ld %12d %12d %10.1f %12.2f\n", frame, PeakRssKiB(), CurrentRssKiB(),
                tracker.num_live_tracks(), max_id, static_cast<double>(dets_in_window) / n,
                1e6 * update_s / n);
    std::fflush(stdout);
    if (frame == 100000) peak_at_100k = std::max(PeakRssKiB(), CurrentRssKiB());
    window_start = frame;
    dets_in_window = 0;
    update_s = 0;
  }
  if (peak_at_100k >= 0) {
    const long growth = std::max(PeakRssKiB(), CurrentRssKiB()) - peak_at_100k;
    std::printf("peak RSS growth after frame 100000: %ld KiB (%s)\n", growth,
                growth <= 2048 ? "flat" : "GREW");
    if (growth > 2048) return 1;
  }
  return 0;
}
