#include "models/canary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace es {
namespace {

std::string Fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof(b), "%.3g", v);
  return b;
}

}  // namespace

std::vector<Detection> Canary::Target(const std::vector<Detection>& d) const {
  if (o_.classes.empty()) return d;
  std::vector<Detection> out;
  for (const Detection& x : d) {
    if (o_.classes.count(x.class_id)) out.push_back(x);
  }
  return out;
}

double Canary::P99Ms(std::vector<Duration> runs) {
  if (runs.empty()) return 0;
  std::sort(runs.begin(), runs.end());
  const size_t i = static_cast<size_t>(std::ceil(0.99 * runs.size())) - 1;
  return runs[std::min(i, runs.size() - 1)].millis();
}

void Canary::AddShadow(const std::vector<Detection>& active,
                       const std::vector<Detection>& candidate, Duration active_run,
                       Duration candidate_run) {
  const std::vector<Detection> a = Target(active);
  agreement_.AddFrame(a, Target(candidate));
  active_detections_ += a.size();
  active_runs_.push_back(active_run);
  candidate_runs_.push_back(candidate_run);
}

void Canary::AddShadowError() { ++errors_; }

bool Canary::ShadowDone() const {
  return errors_ > o_.max_errors || agreement_.frames() >= o_.shadow_frames;
}

double Canary::ShadowDetectionsPerFrame() const {
  return agreement_.frames() ? static_cast<double>(active_detections_) / agreement_.frames() : 0;
}

void Canary::AddShadowVerdict(bool confirmed, bool candidate_found) {
  ++shadow_verdicts_;
  shadow_agreed_ += confirmed == candidate_found;
  shadow_rejected_ += !confirmed;
}

void Canary::AddWatchVerdict(bool confirmed) {
  ++watch_verdicts_;
  watch_rejected_ += !confirmed;
}

CanaryVerdict Canary::Decide() const {
  CanaryVerdict v;
  const AgreementCounts& c = agreement_.overall();
  v.f1 = c.f1();
  v.precision = c.precision();
  v.recall = c.recall();
  v.active_p99_ms = P99Ms(active_runs_);
  v.candidate_p99_ms = P99Ms(candidate_runs_);
  v.frames = agreement_.frames();
  v.verdicts = shadow_verdicts_;
  v.verdict_agreement =
      shadow_verdicts_ ? static_cast<double>(shadow_agreed_) / shadow_verdicts_ : 0;
  if (errors_ > o_.max_errors) {
    v.reason = "the candidate failed on " + std::to_string(errors_) + " shadow frames";
  } else if (v.frames < o_.shadow_frames) {
    v.reason = "only " + std::to_string(v.frames) + " of " + std::to_string(o_.shadow_frames) +
               " shadow frames";
  } else if (c.reference > 0 && c.matched == 0) {
    v.reason = "the candidate found none of the active model's " + std::to_string(c.reference) +
               " detections";
  } else if (v.f1 < o_.min_f1) {
    v.reason = "agreement F1 " + Fmt(v.f1) + " below min_f1 " + Fmt(o_.min_f1);
  } else if (v.active_p99_ms > 0 && v.candidate_p99_ms > o_.max_latency_ratio * v.active_p99_ms) {
    v.reason = "run p99 " + Fmt(v.candidate_p99_ms) + " ms is more than " +
               Fmt(o_.max_latency_ratio) + " x the active model's " + Fmt(v.active_p99_ms) + " ms";
  } else if (v.verdicts >= o_.min_verdicts && v.verdict_agreement < o_.min_verdict_agreement) {
    v.reason = "agrees with " + std::to_string(shadow_agreed_) + " of " +
               std::to_string(v.verdicts) + " backend verdicts (" + Fmt(v.verdict_agreement) +
               "), below min_verdict_agreement " + Fmt(o_.min_verdict_agreement);
  } else {
    v.promote = true;
  }
  return v;
}

void Canary::StartWatch(double baseline_per_frame) {
  baseline_ = baseline_per_frame;
  watch_runs_.clear();
  watch_detections_ = 0;
  watch_verdicts_ = watch_rejected_ = 0;
}

void Canary::AddWatch(size_t detections, Duration run) {
  watch_detections_ += detections;
  watch_runs_.push_back(run);
}

double Canary::watch_detections_per_frame() const {
  return watch_runs_.empty() ? 0 : static_cast<double>(watch_detections_) / watch_runs_.size();
}

std::optional<std::string> Canary::Regressed() const {
  if (!WatchDone()) return std::nullopt;
  const double rate = watch_detections_per_frame();
  if (baseline_ >= 0.5 && rate < o_.min_detection_ratio * baseline_) {
    return "detections per frame fell to " + Fmt(rate) + " from " + Fmt(baseline_) +
           " (min_detection_ratio " + Fmt(o_.min_detection_ratio) + ")";
  }
  const double active = P99Ms(active_runs_);
  const double now = P99Ms(watch_runs_);
  if (active > 0 && now > o_.max_latency_ratio * active) {
    return "run p99 rose to " + Fmt(now) + " ms from " + Fmt(active) + " ms";
  }
  if (shadow_verdicts_ >= o_.min_verdicts && watch_verdicts_ >= o_.min_verdicts) {
    const double before = static_cast<double>(shadow_rejected_) / shadow_verdicts_;
    const double after = static_cast<double>(watch_rejected_) / watch_verdicts_;
    if (after > before + o_.max_rejected_increase) {
      return "the backend rejected " + std::to_string(watch_rejected_) + " of " +
             std::to_string(watch_verdicts_) + " of its escalations (" + Fmt(after) +
             "), up from " + Fmt(before) + " for the previous model";
    }
  }
  return std::nullopt;
}

}  // namespace es
