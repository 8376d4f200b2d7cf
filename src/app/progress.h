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

}  // namespace es
