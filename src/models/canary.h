// Canary: whether a candidate model may replace the active one (shadow evaluation), and whether
// a promoted model has regressed (the watch after promotion). Pure policy: the caller feeds
// samples; no threads, no clock of its own (times are the samples' run durations and the
// caller's elapsed seconds).
//
// Contract
// - Shadow: AddShadow(active detections, candidate detections, active run, candidate run) per
//   sampled live frame (both models on the same frame). After options.shadow_frames samples
//   Decide() promotes when every criterion holds, else rejects naming the first that fails:
//     agreement F1 (detect/agreement.h, IoU 0.5, over the target classes; all when empty)
//       >= min_f1;
//     candidate run p99 <= max_latency_ratio x the active model's p99 on the same frames;
//     the candidate found something on frames where the active model did (recall > 0 unless
//     the active model found nothing at all).
//   Errors of the candidate (AddShadowError) reject at once past max_errors.
//   With the hybrid tier, backend verdicts are a second reference: AddShadowVerdict(confirmed,
//   candidate_found) for an object the active model escalated during the shadow, once the
//   backend answered (confirmed or rejected) and the candidate ran on the escalated frame. The
//   candidate agrees when it found a confirmed object and missed a rejected one. With at least
//   min_verdicts verdicts, an agreement below min_verdict_agreement rejects (after the rules
//   above).
// - Watch: after promotion, StartWatch(baseline) with the active model's detections per frame
//   measured during the shadow; AddWatch(detections, run) per run of the new model. Once
//   watch_frames runs are in, Regressed() says whether the new model's detections per frame fell
//   below min_detection_ratio x baseline (only when the baseline is at least 0.5 per frame: a
//   quiet scene proves nothing), or its run p99 rose above max_latency_ratio x the shadow's
//   active p99, or (AddWatchVerdict, with at least min_verdicts in the shadow and in the watch)
//   the share of its escalations the backend rejected rose by more than max_rejected_increase
//   over the old model's in the shadow. WatchDone() is true after watch_frames runs.
// Thread-safety: a plain value class; one thread.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "detect/agreement.h"
#include "edgesight/time.h"
#include "edgesight/types.h"

namespace es {

struct CanaryOptions {
  int shadow_frames = 30;
  double min_f1 = 0.6;
  double max_latency_ratio = 3.0;
  int max_errors = 3;
  std::set<int> classes;  // target classes for the agreement; empty = all
  int watch_frames = 100;
  double min_detection_ratio = 0.5;
  int min_verdicts = 5;
  double min_verdict_agreement = 0.5;
  double max_rejected_increase = 0.25;
};

struct CanaryVerdict {
  bool promote = false;
  std::string reason;  // why not (empty when promoted)
  double f1 = 0;
  double precision = 0;
  double recall = 0;
  double active_p99_ms = 0;
  double candidate_p99_ms = 0;
  int frames = 0;
  int verdicts = 0;              // backend verdicts matched with a candidate run
  double verdict_agreement = 0;  // share of them the candidate agreed with
};

class Canary {
 public:
  explicit Canary(CanaryOptions options) : o_(std::move(options)) {}

  void AddShadow(const std::vector<Detection>& active, const std::vector<Detection>& candidate,
                 Duration active_run, Duration candidate_run);
  void AddShadowError();
  bool ShadowDone() const;
  CanaryVerdict Decide() const;
  double ShadowDetectionsPerFrame() const;  // the active model's, during the shadow
  void AddShadowVerdict(bool confirmed, bool candidate_found);

  void StartWatch(double baseline_per_frame);
  void AddWatch(size_t detections, Duration run);
  // The backend's verdict on an escalation of the promoted model.
  void AddWatchVerdict(bool confirmed);
  bool WatchDone() const { return watch_runs_.size() >= static_cast<size_t>(o_.watch_frames); }
  // Why the promoted model regressed, or nullopt.
  std::optional<std::string> Regressed() const;
  double watch_detections_per_frame() const;

 private:
  std::vector<Detection> Target(const std::vector<Detection>& d) const;
  static double P99Ms(std::vector<Duration> runs);

  CanaryOptions o_;
  AgreementCounter agreement_;
  std::vector<Duration> active_runs_, candidate_runs_;
  int errors_ = 0;
  size_t active_detections_ = 0;
  double baseline_ = 0;
  std::vector<Duration> watch_runs_;
  size_t watch_detections_ = 0;
  int shadow_verdicts_ = 0, shadow_agreed_ = 0, shadow_rejected_ = 0;
  int watch_verdicts_ = 0, watch_rejected_ = 0;
};

}  // namespace es
