// Progress of a long run on a terminal, and the short human-readable summary at its end.
//
// Contract
// - ProgressReporter: when enabled (the CLI enables it only when stderr is a terminal), a
//   thread rewrites one status line on stderr about once a second: per camera the frames read
//   (of the total a file declares), the rate over the last second, and the time left; Stop()
//   (also the destructor) erases the line. It reads only the live metrics registry
//   (edgesight_frames_read_total, edgesight_source_declared_frames per camera).
// - HumanSummary(summary JSON): a few lines for people (frames, rate, drops, detector runs,
//   tracks, events, glass-to-decision p50/p99, status) from the same JSON the machine-readable
//   summary prints, for a single camera or a site.
// Thread-safety: Start/Stop from one thread; the registry is read concurrently (thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics_registry.h"

namespace es {

class ProgressReporter {
 public:
  ProgressReporter(const MetricsRegistry* metrics, std::vector<std::string> cameras,
                   std::FILE* out = stderr);
  ~ProgressReporter();
  void Start();
  void Stop();
  // One status line for the figures now (frames per camera) and one second ago.
  std::string Line(const std::vector<double>& frames, const std::vector<double>& before,
                   double interval_s) const;

 private:
  const MetricsRegistry* metrics_;
  const std::vector<std::string> cameras_;
  std::FILE* out_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string HumanSummary(const nlohmann::ordered_json& summary);

// Progress of a command that works through a list (bench variants, track and eval sequences):
// "[3/7] MOT17-04  0:12 elapsed, ETA 0:16" on stderr, rewritten in place, only when stderr is a
// terminal; the destructor erases it.
class StepProgress {
 public:
  explicit StepProgress(size_t total, std::FILE* out = stderr);
  ~StepProgress();
  void Step(const std::string& what);  // starting step number (calls so far + 1)
  // The line for step i of total after `elapsed_s` (ETA from the mean step so far).
  static std::string Line(size_t i, size_t total, const std::string& what, double elapsed_s);

 private:
  const size_t total_;
  std::FILE* out_;
  const bool enabled_;
  size_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace es
