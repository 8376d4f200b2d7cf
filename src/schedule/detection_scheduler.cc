#include "schedule/detection_scheduler.h"

#include <algorithm>
#include <cmath>

namespace es {
namespace {

// Load below this counts as fitting (absorbs floating-point rounding of the stretch).
constexpr double kLoadEpsilon = 1e-9;

SchedulerOptions Sanitise(SchedulerOptions o) {
  if (!(o.target_utilisation > 0)) o.target_utilisation = 1e-3;
  o.workers = std::max(o.workers, 1);
  if (!(o.cost_ewma_alpha > 0)) o.cost_ewma_alpha = 1e-3;
  o.cost_ewma_alpha = std::min(o.cost_ewma_alpha, 1.0);
  o.phase_catch_up = std::isnan(o.phase_catch_up) ? 0.0 : std::clamp(o.phase_catch_up, 0.0, 1.0);
  if (!(o.starvation_lookahead_runs >= 0)) o.starvation_lookahead_runs = 0;
  return o;
}

CameraSchedule Sanitise(CameraSchedule s) {
  s.period = std::max(s.period, Duration::Micros(1));
  s.max_period = std::max(s.max_period, s.period);
  s.priority = std::clamp(s.priority, 0, 100);
  return s;
}

}  // namespace

DetectionScheduler::DetectionScheduler(SchedulerOptions options) : options_(Sanitise(options)) {}

int DetectionScheduler::AddCamera(CameraSchedule s) {
  Cam c;
  c.best_effort = s.period.us <= 0;
  c.settings = Sanitise(s);
  c.stats.effective_period = c.settings.period;
  cams_.push_back(c);
  Recompute();
  return static_cast<int>(cams_.size() - 1);
}

void DetectionScheduler::UpdateCamera(int cam, CameraSchedule s) {
  if (!Valid(cam)) return;
  cams_[cam].best_effort = s.period.us <= 0;
  cams_[cam].settings = Sanitise(s);
  Recompute();
}

void DetectionScheduler::SetArmed(int cam, bool armed) {
  if (!Valid(cam) || cams_[cam].armed == armed) return;
  cams_[cam].armed = armed;
  cams_[cam].stats.armed = armed;
  Recompute();  // the shedding order follows the effective priority
}

bool DetectionScheduler::Due(int cam, Timestamp now) const {
  if (!Valid(cam)) return false;
  const Cam& c = cams_[cam];
  if (c.pending) return false;
  return !c.ran || now >= DueTime(c);
}

void DetectionScheduler::Enqueue(int cam, Timestamp now) {
  if (!Valid(cam)) return;
  Cam& c = cams_[cam];
  c.pending = true;
  c.request = now;  // latest wins
  ++c.stats.requests;
}

void DetectionScheduler::Cancel(int cam) {
  if (Valid(cam)) cams_[cam].pending = false;
}

std::optional<int> DetectionScheduler::Pick(Timestamp now) {
  std::optional<int> best;
  for (int i = 0; i < static_cast<int>(cams_.size()); ++i) {
    if (!cams_[i].pending) continue;
    if (!best || ServeBefore(i, *best, now)) best = i;
  }
  if (best) MarkRunStart(cams_[*best], now);
  return best;
}

void DetectionScheduler::Done(int cam, Duration took) {
  if (!Valid(cam) || cams_[cam].running == 0) return;
  Cam& c = cams_[cam];
  --c.running;
  ++c.stats.runs;
  // With k workers k runs share the device: each run costs its time / k of capacity.
  const double us = static_cast<double>(std::max<int64_t>(took.us, 0)) / options_.workers;
  const double a = options_.cost_ewma_alpha;
  cost_us_ = cost_known_ ? a * us + (1 - a) * cost_us_ : us;  // the first run sets it outright
  cost_known_ = true;
  Recompute();
}

const CameraScheduleStats& DetectionScheduler::stats(int cam) const {
  static const CameraScheduleStats kEmpty;
  return Valid(cam) ? cams_[cam].stats : kEmpty;
}

double DetectionScheduler::planned_load() const {
  double load = 0;
  for (const Cam& c : cams_) {
    if (!c.best_effort) load += cost_us_ / static_cast<double>(c.stats.effective_period.us);
  }
  return load;
}

int DetectionScheduler::EffectivePriority(const Cam& c) const {
  return c.settings.priority + (c.armed ? options_.armed_boost : 0);
}

// Last run start + effective period, moved earlier by the lateness of that run while it is
// within phase_catch_up x period (keeps the grid). Only meaningful once the camera ran.
Timestamp DetectionScheduler::DueTime(const Cam& c) const {
  const Duration period = c.stats.effective_period;
  const double max_credit = options_.phase_catch_up * static_cast<double>(period.us);
  const bool keep_grid = static_cast<double>(c.lateness.us) <= max_credit;
  return c.last_start + period - (keep_grid ? c.lateness : Duration{});
}

Duration DetectionScheduler::Guard() const {
  return Duration::Micros(static_cast<int64_t>(options_.starvation_lookahead_runs * cost_us_));
}

// The time past which the camera counts as starved: max_period after its last run start, or
// after its request if it never ran.
Timestamp DetectionScheduler::StarvationBound(const Cam& c) const {
  return (c.ran ? c.last_start : c.request) + c.settings.max_period;
}

bool DetectionScheduler::Starving(const Cam& c, Timestamp now) const {
  return now + Guard() > StarvationBound(c);
}

// Whether pending camera `a` is served before pending camera `b` (Pick order, header comment).
bool DetectionScheduler::ServeBefore(int a, int b, Timestamp now) const {
  const Cam& ca = cams_[a];
  const Cam& cb = cams_[b];
  const bool sa = Starving(ca, now), sb = Starving(cb, now);
  if (sa != sb) return sa;
  if (sa && StarvationBound(ca) != StarvationBound(cb)) {
    return StarvationBound(ca) < StarvationBound(cb);
  }
  const int pa = EffectivePriority(ca), pb = EffectivePriority(cb);
  if (pa != pb) return pa > pb;
  const Timestamp da = ca.ran ? DueTime(ca) : ca.request;
  const Timestamp db = cb.ran ? DueTime(cb) : cb.request;
  if (da != db) return da < db;
  return a < b;
}

void DetectionScheduler::MarkRunStart(Cam& c, Timestamp now) {
  c.pending = false;
  ++c.running;
  if (c.ran) {
    const Duration gap = now - c.last_start;
    c.lateness = std::max(now - DueTime(c), Duration{});
    c.gap_sum_us += gap.us;
    ++c.gaps;
    c.stats.last_gap = gap;
    c.stats.mean_gap_s = static_cast<double>(c.gap_sum_us) * 1e-6 / static_cast<double>(c.gaps);
    if (gap > c.settings.max_period) ++c.stats.starved;
  }
  c.ran = true;
  c.last_start = now;
}

// Shedding, from the target periods each time (header comment).
void DetectionScheduler::Recompute() {
  for (Cam& c : cams_) c.stats.effective_period = c.settings.period;
  double excess = planned_load() - options_.target_utilisation;
  const std::vector<int> order = ShedOrder();
  for (size_t i = 0; i < order.size() && excess > kLoadEpsilon;) {
    const int priority = EffectivePriority(cams_[order[i]]);
    std::vector<int> group;
    for (; i < order.size() && EffectivePriority(cams_[order[i]]) == priority; ++i) {
      group.push_back(order[i]);
    }
    excess -= StretchGroup(std::move(group), excess);
  }
  for (Cam& c : cams_) {
    const bool shed = c.stats.effective_period > c.settings.period;
    if (shed && !c.stats.shed_now) ++c.stats.shed;
    c.stats.shed_now = shed;
  }
}

// Cameras that may be shed, lowest effective priority first (best-effort ones never are).
std::vector<int> DetectionScheduler::ShedOrder() const {
  std::vector<int> order;
  for (size_t i = 0; i < cams_.size(); ++i) {
    if (!cams_[i].best_effort) order.push_back(static_cast<int>(i));
  }
  std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
    return EffectivePriority(cams_[a]) < EffectivePriority(cams_[b]);
  });
  return order;
}

// max_period - guard, at least the target period.
Duration DetectionScheduler::StretchCap(const Cam& c) const {
  return std::max(c.settings.period, c.settings.max_period - Guard());
}

// Stretches one priority group by a common factor k on its target periods so that it sheds
// `excess` load (water-filling: cameras whose stretched period would pass their cap are set to
// the cap and the rest share what remains). Returns the load removed.
double DetectionScheduler::StretchGroup(std::vector<int> group, double excess) {
  double removed = 0;
  while (!group.empty() && excess - removed > kLoadEpsilon) {
    double share = 0;  // load of the cameras still at their target period
    for (int i : group) share += cost_us_ / static_cast<double>(cams_[i].settings.period.us);
    const double want = excess - removed;
    const double k = want >= share ? 1e18 : share / (share - want);
    std::vector<int> free;
    for (int i : group) {
      Cam& c = cams_[i];
      const Duration cap = StretchCap(c);
      if (static_cast<double>(c.settings.period.us) * k < static_cast<double>(cap.us)) {
        free.push_back(i);
        continue;
      }
      c.stats.effective_period = cap;
      removed += cost_us_ / static_cast<double>(c.settings.period.us) -
                 cost_us_ / static_cast<double>(cap.us);
    }
    if (free.size() == group.size()) {  // nobody capped: k fits everyone
      for (int i : free) {
        Cam& c = cams_[i];
        // Rounded up to whole microseconds (less a hair of floating-point noise).
        const double us = std::ceil(static_cast<double>(c.settings.period.us) * k - 1e-6);
        c.stats.effective_period = Duration::Micros(static_cast<int64_t>(us));
        removed += cost_us_ / static_cast<double>(c.settings.period.us) - cost_us_ / us;
      }
      break;
    }
    group = std::move(free);
  }
  return removed;
}

}  // namespace es
