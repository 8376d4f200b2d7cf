// PTZ simulation scenarios: ground-truth target trajectories in the wide view, and synthetic
// detections (noise, misses) drawn from them.
//
// A scenario is a set of objects, each a piecewise-linear path of waypoints (time, centre x,
// foot y, box height) in wide-lens pixels; the box width is height * aspect. Object 0 is the
// target of interest the metrics follow. Built-ins (1920x1080 wide view, 90 deg hfov):
// walker, runner, vehicle, stop_and_turn, two_crossing.
// DetectionNoise draws per-frame detections: each visible object is missed with probability
// miss_prob, its centre jitters by pos_sigma * h and its size by size_sigma (relative).
// Thread-safety: Scenario is an immutable value; DetectionNoise is not thread-safe.
// Deterministic for a given seed.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "edgesight/time.h"
#include "edgesight/types.h"

namespace es {

struct Waypoint {
  double t_s, cx, foot_y, h;
};

struct ScenarioObject {
  int class_id = kClassPerson;
  double aspect = 0.4;         // box width / height
  std::vector<Waypoint> path;  // ascending time; held at the ends
  BBox BoxAt(double t_s) const;
  bool ActiveAt(double t_s) const { return !path.empty() && t_s >= path.front().t_s; }
};

struct Scenario {
  std::string name;
  double duration_s = 15;
  double width = 1920, height = 1080;
  std::vector<ScenarioObject> objects;  // objects[0] is the target
};

std::vector<Scenario> StandardScenarios();

struct DetectionNoiseOptions {
  double miss_prob = 0.05;
  double pos_sigma = 0.02;   // centre noise, fraction of box height
  double size_sigma = 0.03;  // relative size noise
  double min_score = 0.6, max_score = 0.95;
};

class DetectionNoise {
 public:
  DetectionNoise(DetectionNoiseOptions options, uint64_t seed) : o_(options), rng_(seed) {}
  std::vector<Detection> Draw(const Scenario& s, double t_s);

 private:
  DetectionNoiseOptions o_;
  std::mt19937_64 rng_;
};

}  // namespace es
