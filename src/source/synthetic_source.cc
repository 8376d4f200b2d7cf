#include "source/synthetic_source.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>

#include "source/source_schema.h"

namespace es {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr float kHorizonFraction = 0.2f;  // heights shrink to kMinHeightPx at this row
constexpr float kTopWalkFraction = 0.3f;  // walkers turn back above this row
constexpr int kNoisePoolSize = 8;
constexpr double kFrameNoiseSigma = 3.0;     // per-frame sensor noise, grey levels
constexpr double kTextureNoiseSigma = 10.0;  // static background texture
constexpr int kShift = 4;                    // sub-pixel drawing: coordinates * 16
constexpr float kBoxHalfWidth = 0.21f;       // box width = 0.42 * height

const std::vector<SyntheticSceneSpec>& Scenes() {
  static const std::vector<SyntheticSceneSpec> scenes = {
      {"crowd", 8, 12, -1, 0.15, 1.5},
      {"walk", 2, 3, 300, 0.05, 0.8},
      {"empty", 0, 0, 100, 0.0, 0.0},
  };
  return scenes;
}

cv::Point P(float x, float y) {
  return {static_cast<int>(std::lround(x * (1 << kShift))),
          static_cast<int>(std::lround(y * (1 << kShift)))};
}
int S(float v) { return static_cast<int>(std::lround(v * (1 << kShift))); }

const cv::Scalar kSkins[] = {
    {180, 200, 240}, {140, 170, 215}, {100, 135, 185}, {70, 95, 140}, {55, 70, 100}};
const cv::Scalar kShirts[] = {{40, 40, 200},   {200, 80, 30}, {40, 160, 40},  {30, 200, 230},
                              {230, 230, 230}, {30, 30, 30},  {150, 60, 150}, {60, 120, 220},
                              {180, 170, 60},  {90, 90, 160}};
const cv::Scalar kPants[] = {{70, 40, 20}, {25, 25, 25}, {90, 90, 90}, {40, 60, 90}, {130, 90, 50}};

template <size_t N>
cv::Scalar Pick(cv::RNG& rng, const cv::Scalar (&palette)[N], int jitter) {
  cv::Scalar c = palette[rng.uniform(0, static_cast<int>(N))];
  for (int i = 0; i < 3; ++i)
    c[i] = std::clamp(c[i] + rng.uniform(-jitter, jitter + 1), 0.0, 255.0);
  return c;
}

}  // namespace

std::vector<std::string> SyntheticSource::SceneNames() {
  std::vector<std::string> names;
  for (const auto& s : Scenes()) names.push_back(s.name);
  return names;
}

Result<std::unique_ptr<SyntheticSource>> SyntheticSource::Create(const SourceOptions& options) {
  static const std::string kPrefix = "synthetic:";
  if (options.uri.rfind(kPrefix, 0) != 0) {
    return InvalidArgument("not a synthetic source uri: '" + options.uri + "'");
  }
  const std::string name = options.uri.substr(kPrefix.size());
  const auto& scenes = Scenes();
  auto it = std::find_if(scenes.begin(), scenes.end(),
                         [&](const SyntheticSceneSpec& s) { return s.name == name; });
  if (it == scenes.end()) {
    std::string known;
    for (const auto& n : SceneNames()) known += (known.empty() ? "" : ", ") + n;
    return InvalidArgument("unknown synthetic scene '" + name + "' (known: " + known + ")");
  }
  ES_RETURN_IF_ERROR(SourceSchema().CheckFields(options));  // "source.<key>: ..."
  return std::unique_ptr<SyntheticSource>(new SyntheticSource(options, *it));
}

SyntheticSource::SyntheticSource(SourceOptions options, SyntheticSceneSpec spec)
    : options_(std::move(options)),
      spec_(std::move(spec)),
      rng_(0x9E3779B97F4A7C15ull ^
           (static_cast<uint64_t>(options_.synthetic_seed) * 0x100000001B3ull)),
      pacer_(&interrupt_) {}

SyntheticSource::~SyntheticSource() {
  if (gt_out_.is_open()) gt_out_.close();
}

SourceInfo SyntheticSource::info() const {
  SourceInfo i;
  i.width = options_.synthetic_width;
  i.height = options_.synthetic_height;
  i.fps = options_.synthetic_fps;
  i.frame_count = spec_.frames;
  i.codec = "synthetic";
  i.live = false;
  return i;
}

Status SyntheticSource::Open() {
  if (opened_) return Internal("SyntheticSource::Open called twice");
  if (!options_.ground_truth_out.empty()) {
    gt_out_.open(options_.ground_truth_out, std::ios::out | std::ios::trunc);
    if (!gt_out_) {
      return InvalidArgument("cannot write ground truth '" + options_.ground_truth_out + "'");
    }
  }
  BuildBackground();
  wanted_ = spec_.max_targets > spec_.min_targets
                ? rng_.uniform(spec_.min_targets, spec_.max_targets + 1)
                : spec_.min_targets;
  for (int i = 0; i < wanted_; ++i) walkers_.push_back(NewWalker(/*inside=*/true));
  opened_ = true;
  return Status::Ok();
}

void SyntheticSource::BuildBackground() {
  const int W = options_.synthetic_width, H = options_.synthetic_height;
  const int horizon = static_cast<int>(kHorizonFraction * H);
  background_.create(H, W, CV_8UC3);
  for (int y = 0; y < H; ++y) {  // far wall above the horizon, pavement below
    const double t = static_cast<double>(y) / H;
    const cv::Scalar c = y < horizon ? cv::Scalar(165 - 40 * t, 160 - 30 * t, 150)
                                     : cv::Scalar(120 + 20 * t, 122 + 15 * t, 118 + 10 * t);
    background_.row(y).setTo(c);
  }
  for (int x = 0; x < W;) {  // building facades with windows
    const int bw = rng_.uniform(W / 12, W / 5);
    const int top = rng_.uniform(0, std::max(1, horizon / 2));
    const cv::Scalar c(rng_.uniform(90, 170), rng_.uniform(90, 160), rng_.uniform(80, 150));
    cv::rectangle(background_, cv::Rect(x, top, bw, horizon - top), c, cv::FILLED);
    for (int wy = top + 4; wy + 6 < horizon; wy += 12) {
      for (int wx = x + 4; wx + 6 < x + bw; wx += 12) {
        cv::rectangle(background_, cv::Rect(wx, wy, 6, 7), c * 0.55, cv::FILLED);
      }
    }
    x += bw;
  }
  const cv::Scalar joint(95, 98, 100);  // pavement joints converging to a vanishing point
  for (int i = -8; i <= 8; ++i) {
    cv::line(background_, cv::Point(W / 2 + i * W / 24, horizon), cv::Point(W / 2 + i * W / 4, H),
             joint, 1, cv::LINE_AA);
  }
  for (double t = 0.05; t < 1.0; t *= 1.45) {
    const int y = horizon + static_cast<int>(t * (H - horizon));
    cv::line(background_, cv::Point(0, y), cv::Point(W, y), joint, 1, cv::LINE_AA);
  }
  for (int i = 0; i < 4; ++i) {  // planters / benches
    const int pw = rng_.uniform(W / 16, W / 7), ph = rng_.uniform(H / 30, H / 14);
    const cv::Point o(rng_.uniform(0, W - pw), rng_.uniform(horizon + 10, H - ph));
    cv::rectangle(background_, cv::Rect(o, cv::Size(pw, ph)),
                  cv::Scalar(rng_.uniform(40, 90), rng_.uniform(70, 120), rng_.uniform(40, 90)),
                  cv::FILLED);
  }
  cv::Mat texture(H, W, CV_16SC3);
  rng_.fill(texture, cv::RNG::NORMAL, 0, kTextureNoiseSigma);
  cv::add(background_, texture, background_, cv::noArray(), CV_8U);
  cv::GaussianBlur(background_, background_, cv::Size(3, 3), 0);
  noise_pool_.resize(kNoisePoolSize);
  for (auto& n : noise_pool_) {
    n.create(H, W, CV_16SC3);
    rng_.fill(n, cv::RNG::NORMAL, 0, kFrameNoiseSigma);
  }
}

float SyntheticSource::HeightAt(float fy, float scale) const {
  const float H = static_cast<float>(options_.synthetic_height);
  const float horizon = kHorizonFraction * H;
  const float t = std::clamp((fy - horizon) / (H - horizon), 0.f, 1.f);
  return std::clamp((kMinHeightPx + (kMaxHeightPx - kMinHeightPx) * t) * scale, kMinHeightPx,
                    kMaxHeightPx);
}

SyntheticSource::Walker SyntheticSource::NewWalker(bool inside) {
  const float W = static_cast<float>(options_.synthetic_width);
  const float H = static_cast<float>(options_.synthetic_height);
  const float top = kTopWalkFraction * H;
  Walker w;
  w.id = next_id_++;
  w.scale = rng_.uniform(0.85f, 1.15f);
  w.speed = rng_.uniform(0.5f, 0.9f);
  w.phase = rng_.uniform(0.f, static_cast<float>(2 * kPi));
  w.skin = Pick(rng_, kSkins, 10);
  w.shirt = Pick(rng_, kShirts, 25);
  w.pants = Pick(rng_, kPants, 15);
  const float spread = static_cast<float>(35 * kPi / 180);
  if (inside) {
    w.fx = rng_.uniform(0.1f * W, 0.9f * W);
    w.fy = rng_.uniform(top + 20, H - 5);
    w.heading = rng_.uniform(0.f, static_cast<float>(2 * kPi));
  } else {
    const int side = rng_.uniform(0, 5);  // 0,1 left; 2,3 right; 4 bottom
    if (side == 4) {
      w.fx = rng_.uniform(0.15f * W, 0.85f * W);
      w.fy = H + 0.05f * kMaxHeightPx;
      w.heading = static_cast<float>(-kPi / 2) + rng_.uniform(-spread, spread);
    } else {
      w.fy = rng_.uniform(top + 20, H - 5);
      const float h = HeightAt(w.fy, w.scale);
      const bool left = side < 2;
      w.fx = left ? -0.15f * h : W + 0.15f * h;
      w.heading = (left ? 0.f : static_cast<float>(kPi)) + rng_.uniform(-spread, spread);
    }
  }
  w.h = HeightAt(w.fy, w.scale);
  return w;
}

cv::Rect2f SyntheticSource::FullBox(const Walker& w) const {
  return {w.fx - kBoxHalfWidth * w.h, w.fy - w.h, 2 * kBoxHalfWidth * w.h, w.h};
}

void SyntheticSource::Step() {
  const float dt = static_cast<float>(1.0 / options_.synthetic_fps);
  const float top = kTopWalkFraction * options_.synthetic_height;
  const cv::Rect2f frame(0, 0, static_cast<float>(options_.synthetic_width),
                         static_cast<float>(options_.synthetic_height));
  for (auto& w : walkers_) {
    w.heading += static_cast<float>(rng_.gaussian(spec_.heading_noise * std::sqrt(dt)));
    const float v = w.speed * w.h;  // pixels per second
    w.fx += std::cos(w.heading) * v * dt;
    w.fy += std::sin(w.heading) * v * dt;
    if (w.fy < top) {  // walked into the distance: turn back towards the camera
      w.fy = top;
      w.heading = -w.heading;
    }
    w.phase += static_cast<float>(2 * kPi) * 1.4f * w.speed * dt;
    w.h = HeightAt(w.fy, w.scale);
  }
  std::erase_if(walkers_, [&](const Walker& w) { return (FullBox(w) & frame).area() <= 0; });
  if (spec_.max_targets > spec_.min_targets && rng_.uniform(0.0, 1.0) < dt / 10.0) {
    wanted_ = rng_.uniform(spec_.min_targets, spec_.max_targets + 1);
  }
  if (static_cast<int>(walkers_.size()) < wanted_ &&
      rng_.uniform(0.0, 1.0) < spec_.spawn_rate * dt) {
    walkers_.push_back(NewWalker(/*inside=*/false));
  }
}

void SyntheticSource::Render(cv::Mat* out) {
  const cv::Mat& noise = noise_pool_[rng_.uniform(0, kNoisePoolSize)];
  cv::add(background_, noise, *out, cv::noArray(), CV_8U);
  std::vector<const Walker*> order;
  for (const auto& w : walkers_) order.push_back(&w);
  std::stable_sort(order.begin(), order.end(),
                   [](const Walker* a, const Walker* b) { return a->fy < b->fy; });  // far first
  for (const Walker* w : order) {
    const float h = w->h, fx = w->fx, fy = w->fy, top = fy - h;
    const float r = 0.07f * h;
    const float neck = top + 2 * r, shoulder = neck + 0.02f * h, hip = fy - 0.47f * h;
    const float swing = 0.1f * h * std::sin(w->phase);
    const float arm_swing = 0.05f * h * std::sin(w->phase + static_cast<float>(kPi));
    const int leg_t = std::max(2, static_cast<int>(0.08f * h));
    const int arm_t = std::max(1, static_cast<int>(0.05f * h));
    // legs (back leg darker), then torso, arms and head
    cv::line(*out, P(fx + 0.05f * h, hip), P(fx + 0.05f * h - swing, fy - 0.5f * leg_t),
             w->pants * 0.8, leg_t, cv::LINE_AA, kShift);
    cv::line(*out, P(fx - 0.05f * h, hip), P(fx - 0.05f * h + swing, fy - 0.5f * leg_t), w->pants,
             leg_t, cv::LINE_AA, kShift);
    cv::ellipse(*out, P(fx, 0.5f * (shoulder + hip)),
                cv::Size(S(0.13f * h), S(0.5f * (hip - neck))), 0, 0, 360, w->shirt, cv::FILLED,
                cv::LINE_AA, kShift);
    for (int side : {-1, 1}) {
      const float sx = fx + side * 0.12f * h;
      cv::line(*out, P(sx, shoulder + 0.02f * h),
               P(sx + side * 0.02f * h + side * arm_swing, hip + 0.03f * h), w->shirt * 0.75, arm_t,
               cv::LINE_AA, kShift);
    }
    cv::circle(*out, P(fx, top + r), S(r), w->skin, cv::FILLED, cv::LINE_AA, kShift);
  }
}

void SyntheticSource::CollectGroundTruth() {
  ground_truth_.clear();
  const cv::Rect2f frame(0, 0, static_cast<float>(options_.synthetic_width),
                         static_cast<float>(options_.synthetic_height));
  for (const auto& w : walkers_) {
    const cv::Rect2f full = FullBox(w);
    const cv::Rect2f vis = full & frame;
    if (full.area() <= 0 || vis.area() < kMinVisibleFraction * full.area()) continue;
    TrackOutput t;
    t.id = w.id;
    t.class_id = kClassPerson;
    t.score = 1.f;
    t.box = BBox{vis.x, vis.y, vis.width, vis.height};
    ground_truth_.push_back(t);
  }
  std::sort(ground_truth_.begin(), ground_truth_.end(),
            [](const TrackOutput& a, const TrackOutput& b) { return a.id < b.id; });
}

Status SyntheticSource::Read(Frame* frame) {
  const Timestamp read_start = SteadyNow();
  if (!opened_) return Internal("SyntheticSource::Read before Open");
  if (interrupt_.interrupted()) return Cancelled();
  if (spec_.frames >= 0 && seq_ >= spec_.frames) {
    ground_truth_.clear();
    if (gt_out_.is_open()) gt_out_.flush();
    return EndOfStream();
  }
  if (seq_ > 0) Step();
  cv::Mat image;
  Render(&image);
  CollectGroundTruth();
  if (gt_out_.is_open()) {
    char row[160];
    for (const auto& t : ground_truth_) {
      std::snprintf(row, sizeof(row), "%lld,%d,%.2f,%.2f,%.2f,%.2f,1,1,1\n",
                    static_cast<long long>(seq_ + 1), t.id, t.box.x, t.box.y, t.box.w, t.box.h);
      gt_out_ << row;
    }
  }
  const int64_t pts_us =
      static_cast<int64_t>(std::llround(static_cast<double>(seq_) * 1e6 / options_.synthetic_fps));
  frame->meta.decode = SteadyNow() - read_start;
  if (options_.realtime && !pacer_.Wait(pts_us)) return Cancelled();
  frame->meta.stream_id = options_.stream_id;
  frame->meta.seq = seq_++;
  frame->meta.capture = SteadyNow();
  frame->meta.pts_us = pts_us;
  frame->image = std::move(image);
  return Status::Ok();
}

}  // namespace es
