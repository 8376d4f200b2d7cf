#include "ptz/ptz_scenarios.h"

#include <algorithm>

namespace es {

BBox ScenarioObject::BoxAt(double t_s) const {
  Waypoint w = path.front();
  if (t_s >= path.back().t_s) {
    w = path.back();
  } else {
    for (size_t i = 1; i < path.size(); ++i) {
      if (t_s < path[i].t_s) {
        const Waypoint& a = path[i - 1];
        const Waypoint& b = path[i];
        const double f = std::clamp((t_s - a.t_s) / (b.t_s - a.t_s), 0.0, 1.0);
        w = {t_s, a.cx + f * (b.cx - a.cx), a.foot_y + f * (b.foot_y - a.foot_y),
             a.h + f * (b.h - a.h)};
        break;
      }
    }
  }
  const double bw = w.h * aspect;
  return {static_cast<float>(w.cx - bw / 2), static_cast<float>(w.foot_y - w.h),
          static_cast<float>(bw), static_cast<float>(w.h)};
}

std::vector<Scenario> StandardScenarios() {
  std::vector<Scenario> v;
  // ~1.4 m/s at ~15 m: ~90 px/s (~5 deg/s), 120 px tall.
  v.push_back({"walker",
               18,
               1920,
               1080,
               {{kClassPerson, 0.4, {{0, 250, 620, 120}, {18, 1850, 700, 130}}}}});
  // ~3.5 m/s at ~12 m, crossing the view and back: ~230 px/s.
  v.push_back({"runner",
               15,
               1920,
               1080,
               {{kClassPerson,
                 0.4,
                 {{0, 150, 640, 150},
                  {7, 1770, 660, 150},
                  {7.5, 1770, 660, 150},
                  {14.5, 150, 640, 150}}}}});
  // ~8 m/s at ~40 m: ~190 px/s (~11 deg/s), then brakes (~4 m/s^2, 2 s) and parks.
  v.push_back({"vehicle",
               12,
               1920,
               1080,
               {{2,
                 2.2,
                 {{0, 100, 560, 90},
                  {8, 1620, 596, 94},
                  {8.5, 1703, 598, 94},
                  {9, 1762, 599, 95},
                  {9.5, 1798, 600, 95},
                  {10, 1810, 600, 95}}}}});
  // Walks right, stops (0.5 s to a halt) for 3 s, walks back.
  v.push_back({"stop_and_turn",
               16,
               1920,
               1080,
               {{kClassPerson,
                 0.4,
                 {{0, 500, 620, 120},
                  {5.5, 995, 629, 120},
                  {5.75, 1012, 630, 120},
                  {6, 1017, 630, 120},
                  {9, 1017, 630, 120},
                  {15, 500, 620, 120}}}}});
  // Two walkers crossing; the nearer (larger) one is the target.
  v.push_back({"two_crossing",
               15,
               1920,
               1080,
               {{kClassPerson, 0.4, {{0, 300, 620, 130}, {15, 1600, 620, 130}}},
                {kClassPerson, 0.4, {{0, 1600, 570, 105}, {15, 300, 570, 105}}}}});
  return v;
}

std::vector<Detection> DetectionNoise::Draw(const Scenario& s, double t_s) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::normal_distribution<double> n01(0.0, 1.0);
  std::vector<Detection> out;
  for (const auto& obj : s.objects) {
    // Fixed number of draws per object keeps the random stream independent of outcomes.
    const double r_miss = u01(rng_), r_score = u01(rng_);
    const double nx = n01(rng_), ny = n01(rng_), nw = n01(rng_), nh = n01(rng_);
    if (!obj.ActiveAt(t_s)) continue;
    const BBox b = obj.BoxAt(t_s);
    if (b.x2() < 0 || b.x > s.width || b.y2() < 0 || b.y > s.height) continue;
    if (r_miss < o_.miss_prob) continue;
    const double h = b.h * (1 + o_.size_sigma * nh), w = b.w * (1 + o_.size_sigma * nw);
    const double cx = b.cx() + o_.pos_sigma * b.h * nx, cy = b.cy() + o_.pos_sigma * b.h * ny;
    Detection d;
    d.box = {static_cast<float>(cx - w / 2), static_cast<float>(cy - h / 2), static_cast<float>(w),
             static_cast<float>(h)};
    d.score = static_cast<float>(o_.min_score + (o_.max_score - o_.min_score) * r_score);
    d.class_id = obj.class_id;
    out.push_back(d);
  }
  return out;
}

}  // namespace es
