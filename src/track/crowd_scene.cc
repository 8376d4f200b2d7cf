#include "track/crowd_scene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace es {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kHorizon = 0.3;        // feet never above this fraction of the image height
constexpr double kMinHeight = 0.06;     // person height at the horizon, fraction of image height
constexpr double kMaxHeight = 0.45;     // at the bottom edge
constexpr double kAspect = 0.41;        // width / height of a person's box
constexpr int kGridX = 6, kGridY = 12;  // visibility sample points per box
constexpr int64_t kMaxPeopleFrames = 5'000'000;

struct Person {
  int id = 0;
  double fx = 0, fy = 0;  // foot point (bottom centre), pixels
  double heading = 0;     // radians
  double speed = 0;       // body heights per second
  double scale = 1;       // personal height factor
  bool stander = false;   // stands all along
  double pause_left = 0;  // seconds of the current pause
  uint8_t shirt[3] = {}, trousers[3] = {}, skin[3] = {};
};

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  bool Contains(double px, double py) const {
    return px >= x && px < x + w && py >= y && py < y + h;
  }
};

class Simulator {
 public:
  explicit Simulator(const CrowdSceneOptions& o)
      : o_(o), rng_(o.seed), camera_rng_(o.seed * 7919u + 17u), look_rng_(o.seed * 104729u + 5u) {}

  CrowdScene Run() {
    CrowdScene scene;
    for (int i = 0; i < o_.people; ++i) {
      people_.push_back(NewPerson(/*inside=*/true, Uniform(0, 1) < o_.standing_fraction));
    }
    for (int c = 0; c < o_.static_clutter; ++c) {
      const double fy = Uniform(o_.height * kHorizon + 40, o_.height);
      const double h = HeightAt(fy, 1.0);
      clutter_.push_back({Uniform(0, o_.width - h * kAspect), fy - h, h * kAspect, h});
    }
    const double dt = 1.0 / o_.fps;
    for (int f = 1; f <= o_.frames; ++f) {
      if (f > 1) Step(dt);
      MoveCamera(f);
      Observe(f, &scene);
    }
    scene.num_people = next_id_ - 1;
    return scene;
  }

 private:
  double Uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  double Normal(double sd) { return sd > 0 ? std::normal_distribution<double>(0, sd)(rng_) : 0; }

  // The camera offset of frame f: the pan plus an AR(1) shake (correlation 0.8, stationary std
  // camera_shake_px), clamped to 3 std.
  void MoveCamera(int f) {
    const double t = (f - 1) / o_.fps;
    const double pan = o_.camera_pan_px * std::sin(2 * kPi * t / o_.camera_pan_period_s);
    if (o_.camera_shake_px > 0) {
      const double rho = 0.8, sd = o_.camera_shake_px * std::sqrt(1 - rho * rho);
      std::normal_distribution<double> n(0, sd);
      const double lim = 3 * o_.camera_shake_px;
      shake_x_ = std::clamp(rho * shake_x_ + n(camera_rng_), -lim, lim);
      shake_y_ = std::clamp(rho * shake_y_ + n(camera_rng_), -lim, lim);
    }
    cam_x_ = pan + shake_x_;
    cam_y_ = shake_y_;
  }

  Box ToImage(const Box& world) const {
    return {world.x - cam_x_, world.y - cam_y_, world.w, world.h};
  }

  void Dress(Person* p) {
    // Mostly dark and muted clothes, some bright: colour alone rarely tells two people apart.
    static constexpr uint8_t kPalette[][3] = {
        {30, 30, 30},   {50, 50, 55},  {90, 90, 90},   {140, 140, 140}, {200, 200, 205},
        {110, 60, 30},  {140, 90, 40}, {40, 40, 110},  {30, 110, 40},   {40, 160, 200},
        {160, 60, 160}, {30, 30, 190}, {200, 120, 60}, {60, 90, 120},   {90, 140, 170}};
    static constexpr uint8_t kSkins[][3] = {{140, 170, 220}, {90, 120, 170}, {60, 80, 120}};
    auto pick = [this](int n) { return std::uniform_int_distribution<int>(0, n - 1)(look_rng_); };
    const int shirt = pick(15), trousers = pick(7), skin = pick(3);
    for (int c = 0; c < 3; ++c) {
      p->shirt[c] = kPalette[shirt][c];
      p->trousers[c] = kPalette[trousers][c];
      p->skin[c] = kSkins[skin][c];
    }
  }

  double HeightAt(double fy, double scale) const {
    const double top = o_.height * kHorizon;
    const double f = std::clamp((fy - top) / (o_.height - top), 0.0, 1.0);
    return o_.height * (kMinHeight + f * (kMaxHeight - kMinHeight)) * scale;
  }

  Box FullBox(const Person& p) const {
    const double h = HeightAt(p.fy, p.scale), w = h * kAspect;
    return {p.fx - w / 2, p.fy - h, w, h};
  }

  Person NewPerson(bool inside, bool stander) {
    Person p;
    p.id = next_id_++;
    Dress(&p);
    p.scale = Uniform(0.85, 1.15);
    p.speed = Uniform(0.4, 0.9);
    p.stander = stander;
    p.fy = Uniform(o_.height * kHorizon + 20, o_.height - 5);
    const bool right = Uniform(0, 1) < 0.5;
    p.heading = (right ? 0.0 : kPi) + Normal(0.35);
    if (inside) {
      p.fx = Uniform(0, o_.width);
    } else {
      const double w = HeightAt(p.fy, p.scale) * kAspect;
      p.fx = right ? -w / 2 : o_.width + w / 2;  // enters at a side border, walking in
    }
    return p;
  }

  void Step(double dt) {
    for (Person& p : people_) {
      if (p.stander) continue;
      if (p.pause_left > 0) {
        p.pause_left -= dt;
        continue;
      }
      if (Uniform(0, 1) < o_.pause_rate * dt) {
        p.pause_left = Uniform(2, 8);
        continue;
      }
      p.heading += Normal(0.15 * std::sqrt(dt));
      const double h = HeightAt(p.fy, p.scale);
      // Perspective: motion towards or away from the camera is foreshortened.
      p.fx += std::cos(p.heading) * p.speed * h * dt;
      p.fy += 0.35 * std::sin(p.heading) * p.speed * h * dt;
      const double top = o_.height * kHorizon + 10;
      if (p.fy < top || p.fy > o_.height) {
        p.fy = std::clamp(p.fy, top, static_cast<double>(o_.height));
        p.heading = -p.heading;
      }
    }
    std::erase_if(people_, [this](const Person& p) {
      const Box b = FullBox(p);
      return b.x + b.w < 0 || b.x > o_.width;
    });
    while (static_cast<int>(people_.size()) < o_.people) {
      people_.push_back(NewPerson(/*inside=*/false, /*stander=*/false));
    }
  }

  Box Clip(const Box& b) const {
    const double x0 = std::max(0.0, b.x), y0 = std::max(0.0, b.y);
    const double x1 = std::min(static_cast<double>(o_.width), b.x + b.w);
    const double y1 = std::min(static_cast<double>(o_.height), b.y + b.h);
    return {x0, y0, std::max(0.0, x1 - x0), std::max(0.0, y1 - y0)};
  }

  MotRow Row(int frame, int id, const Box& b, double score) const {
    MotRow r;
    r.frame = frame;
    r.id = id;
    r.box = {b.x, b.y, b.w, b.h};
    r.score = score;
    return r;
  }

  void Observe(int frame, CrowdScene* scene) {
    // Nearest first: larger foot y.
    std::vector<const Person*> order;
    for (const Person& p : people_) order.push_back(&p);
    std::sort(order.begin(), order.end(), [](const Person* a, const Person* b) {
      return a->fy != b->fy ? a->fy > b->fy : a->id < b->id;
    });
    std::vector<Box> nearer;
    std::vector<MotRow> gt, det;
    if (o_.keep_figures) KeepFigures(order, scene);
    for (const Person* p : order) {
      const Box full = ToImage(FullBox(*p));
      const Box in = Clip(full);
      const double in_frame = full.w * full.h > 0 ? in.w * in.h / (full.w * full.h) : 0;
      int seen = 0;
      for (int i = 0; i < kGridX; ++i) {
        for (int j = 0; j < kGridY; ++j) {
          const double sx = in.x + (i + 0.5) * in.w / kGridX;
          const double sy = in.y + (j + 0.5) * in.h / kGridY;
          bool covered = false;
          for (const Box& n : nearer) covered = covered || n.Contains(sx, sy);
          seen += covered ? 0 : 1;
        }
      }
      const double visible =
          std::clamp(in_frame * seen / static_cast<double>(kGridX * kGridY), 0.0, 1.0);
      nearer.push_back(full);
      if (in_frame < o_.min_in_frame) continue;
      MotRow g = Row(frame, p->id, in, 1);
      g.col8 = 1;  // class: pedestrian
      g.col9 = visible;
      gt.push_back(g);
      if (visible < o_.min_visible || Uniform(0, 1) < o_.miss_rate) continue;
      const double h = in.h, e = o_.box_noise * h;
      const Box noisy{in.x + Normal(e), in.y + Normal(e), in.w + Normal(e), in.h + Normal(e)};
      if (noisy.w < 2 || noisy.h < 2) continue;
      const double score = std::clamp(0.35 + 0.6 * visible + Normal(o_.score_noise), 0.05, 1.0);
      const Box clipped = Clip(noisy);
      if (clipped.w >= 2 && clipped.h >= 2) det.push_back(Row(frame, -1, clipped, score));
    }
    for (const Box& world : clutter_) {
      if (Uniform(0, 1) >= o_.clutter_detect_rate) continue;
      const Box c = ToImage(world);
      const Box b{c.x + Normal(1.0), c.y + Normal(1.0), c.w + Normal(1.0), c.h + Normal(1.0)};
      const double score = Uniform(0.5, 0.85);
      const Box in = Clip(b);  // a moving camera can take clutter out of the image
      if (in.w >= 2 && in.h >= 2) det.push_back(Row(frame, -1, in, score));
    }
    const int n_fp = std::poisson_distribution<int>(o_.false_positives_per_frame)(rng_);
    for (int k = 0; k < n_fp; ++k) {
      const double fy = Uniform(o_.height * kHorizon + 20, o_.height);
      const double h = HeightAt(fy, Uniform(0.6, 1.2));
      const Box b{Uniform(0, o_.width - h * kAspect), fy - h, h * kAspect, h};
      det.push_back(Row(frame, -1, Clip(b), Uniform(0.1, 0.75)));
    }
    std::sort(gt.begin(), gt.end(), [](const MotRow& a, const MotRow& b) { return a.id < b.id; });
    scene->gt.insert(scene->gt.end(), gt.begin(), gt.end());
    scene->det.insert(scene->det.end(), det.begin(), det.end());
  }

  // The frame's figures, far to near: people and clutter by foot line.
  void KeepFigures(const std::vector<const Person*>& near_first, CrowdScene* scene) const {
    CrowdFrame frame{cam_x_, cam_y_, {}};
    for (const Box& world : clutter_) {
      const Box b = ToImage(world);
      CrowdFigure c{0, b.x, b.y, b.w, b.h, {70, 75, 80}, {60, 65, 70}, {70, 75, 80}};
      frame.figures.push_back(c);
    }
    for (const Person* p : near_first) {
      const Box b = ToImage(FullBox(*p));
      CrowdFigure g{p->id, b.x, b.y, b.w, b.h, {}, {}, {}};
      std::copy(std::begin(p->shirt), std::end(p->shirt), g.shirt);
      std::copy(std::begin(p->trousers), std::end(p->trousers), g.trousers);
      std::copy(std::begin(p->skin), std::end(p->skin), g.skin);
      frame.figures.push_back(g);
    }
    std::stable_sort(
        frame.figures.begin(), frame.figures.end(),
        [](const CrowdFigure& a, const CrowdFigure& b) { return a.y + a.h < b.y + b.h; });
    scene->frames.push_back(std::move(frame));
  }

  CrowdSceneOptions o_;
  std::mt19937 rng_;
  std::mt19937 camera_rng_, look_rng_;
  double cam_x_ = 0, cam_y_ = 0, shake_x_ = 0, shake_y_ = 0;
  std::vector<Person> people_;
  std::vector<Box> clutter_;
  int next_id_ = 1;
};

Status Check(bool ok, const char* what) {
  return ok ? Status::Ok() : InvalidArgument(std::string("crowd scene: ") + what);
}

}  // namespace

Result<CrowdScene> GenerateCrowdScene(const CrowdSceneOptions& o) {
  for (const Status& s : {
           Check(o.width >= 64 && o.width <= 8192 && o.height >= 64 && o.height <= 8192,
                 "width and height must be in [64, 8192]"),
           Check(o.fps > 0 && o.fps <= 240, "fps must be in (0, 240]"),
           Check(o.frames >= 1 && o.frames <= 100000, "frames must be in [1, 100000]"),
           Check(o.people >= 0 && o.people <= 500, "people must be in [0, 500]"),
           // Bounds the time and memory of one scene (rows are kept in memory).
           Check(static_cast<int64_t>(o.people) * o.frames <= kMaxPeopleFrames,
                 "people x frames must be at most 5,000,000"),
           Check(o.standing_fraction >= 0 && o.standing_fraction <= 1,
                 "standing_fraction must be in [0, 1]"),
           Check(o.pause_rate >= 0 && o.pause_rate <= 10, "pause_rate must be in [0, 10]"),
           Check(o.min_visible >= 0 && o.min_visible <= 1, "min_visible must be in [0, 1]"),
           Check(o.miss_rate >= 0 && o.miss_rate <= 1, "miss_rate must be in [0, 1]"),
           Check(o.box_noise >= 0 && o.box_noise <= 1, "box_noise must be in [0, 1]"),
           Check(o.score_noise >= 0 && o.score_noise <= 1, "score_noise must be in [0, 1]"),
           Check(o.static_clutter >= 0 && o.static_clutter <= 100,
                 "static_clutter must be in [0, 100]"),
           Check(o.clutter_detect_rate >= 0 && o.clutter_detect_rate <= 1,
                 "clutter_detect_rate must be in [0, 1]"),
           Check(o.false_positives_per_frame >= 0 && o.false_positives_per_frame <= 100,
                 "false_positives_per_frame must be in [0, 100]"),
           Check(o.min_in_frame > 0 && o.min_in_frame <= 1, "min_in_frame must be in (0, 1]"),
           Check(o.camera_pan_px >= 0 && o.camera_pan_px <= 2000,
                 "camera_pan_px must be in [0, 2000]"),
           Check(o.camera_pan_period_s >= 1 && o.camera_pan_period_s <= 3600,
                 "camera_pan_period_s must be in [1, 3600]"),
           Check(o.camera_shake_px >= 0 && o.camera_shake_px <= 200,
                 "camera_shake_px must be in [0, 200]"),
       }) {
    if (!s.ok()) return s;
  }
  return Simulator(o).Run();
}

Status WriteCrowdScene(const CrowdScene& scene, const CrowdSceneOptions& o, const std::string& dir,
                       const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(dir) / name;
  std::error_code ec;
  for (const char* sub : {"det", "gt"}) {
    fs::create_directories(root / sub, ec);
    if (ec) {
      return Status(StatusCode::kInvalidArgument,
                    "cannot create " + (root / sub).string() + ": " + ec.message());
    }
  }
  Status s = WriteMotFile((root / "det" / "det.txt").string(), scene.det);
  if (!s.ok()) return s;
  const std::string gt_path = (root / "gt" / "gt.txt").string();
  std::ofstream gt(gt_path);
  char line[160];
  for (const MotRow& r : scene.gt) {
    std::snprintf(line, sizeof line, "%d,%d,%.2f,%.2f,%.2f,%.2f,1,1,%.3f\n", r.frame, r.id, r.box.x,
                  r.box.y, r.box.w, r.box.h, r.col9);
    gt << line;
  }
  std::ofstream ini(root / "seqinfo.ini");
  ini << "[Sequence]\nname=" << name << "\nframeRate=" << o.fps << "\nseqLength=" << o.frames
      << "\nimWidth=" << o.width << "\nimHeight=" << o.height << "\n";
  if (!scene.frames.empty()) ini << "imDir=img1\nimExt=.jpg\n";
  gt.close();
  ini.close();
  if (!gt || !ini) return Status(StatusCode::kInvalidArgument, "cannot write " + root.string());
  return Status::Ok();
}

}  // namespace es
