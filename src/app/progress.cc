#include "app/progress.h"

#include <chrono>
#include <unistd.h>

#include <cmath>

namespace es {

namespace {

std::string Clock(double seconds) {
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace

ProgressReporter::ProgressReporter(const MetricsRegistry* metrics,
                                   std::vector<std::string> cameras, std::FILE* out)
    : metrics_(metrics), cameras_(std::move(cameras)), out_(out) {}

ProgressReporter::~ProgressReporter() { Stop(); }

std::string ProgressReporter::Line(const std::vector<double>& frames,
                                   const std::vector<double>& before, double interval_s) const {
  std::string line;
  for (size_t i = 0; i < cameras_.size(); ++i) {
    const MetricLabels cam = {{"camera", cameras_[i]}};
    const double total = metrics_->GaugeValue("edgesight_source_declared_frames", cam);
    const double rate = interval_s > 0 ? (frames[i] - before[i]) / interval_s : 0;
    if (!line.empty()) line += " | ";
    line += cameras_[i] + " " + Fixed(frames[i], 0);
    if (total > 0) line += "/" + Fixed(total, 0);
    line += " frames " + Fixed(rate, 1) + " fps";
    if (total > 0 && rate > 0 && frames[i] < total) line += " ETA " + Clock((total - frames[i]) / rate);
  }
  return line;
}

void ProgressReporter::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    std::vector<double> before(cameras_.size(), 0.0);
    auto last = std::chrono::steady_clock::now();
    while (!stop_) {
      for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (stop_) break;
      std::vector<double> frames;
      for (const auto& id : cameras_) {
        frames.push_back(static_cast<double>(
            metrics_->CounterValue("edgesight_frames_read_total", {{"camera", id}})));
      }
      const auto now = std::chrono::steady_clock::now();
      const double dt = std::chrono::duration<double>(now - last).count();
      last = now;
      std::fprintf(out_, "\r\033[K%s", Line(frames, before, dt).c_str());
      std::fflush(out_);
      before = frames;
    }
  });
}

void ProgressReporter::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
}

StepProgress::StepProgress(size_t total, std::FILE* out)
    : total_(total), out_(out), enabled_(isatty(fileno(out)) == 1),
      start_(std::chrono::steady_clock::now()) {}

StepProgress::~StepProgress() {
  if (enabled_ && done_ > 0) {
    std::fprintf(out_, "\r\033[K");
    std::fflush(out_);
  }
}

std::string StepProgress::Line(size_t i, size_t total, const std::string& what,
                               double elapsed_s) {
  std::string line = "[" + std::to_string(i) + "/" + std::to_string(total) + "] " + what + "  " +
                     Clock(elapsed_s) + " elapsed";
  if (i > 1) {
    const double per_step = elapsed_s / static_cast<double>(i - 1);
    line += ", ETA " + Clock(per_step * static_cast<double>(total - i + 1));
  }
  return line;
}

void StepProgress::Step(const std::string& what) {
  ++done_;
  if (!enabled_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(out_, "\r\033[K%s", Line(done_, total_, what, elapsed).c_str());
  std::fflush(out_);
}

namespace {

void CameraLines(const std::string& id, const nlohmann::ordered_json& s, std::string* out) {
  auto num = [&](const char* key) { return s.contains(key) ? s[key].get<double>() : 0.0; };
  *out += id + ": " + Fixed(num("frames"), 0) + " frames in " + Fixed(num("wall_s"), 1) + " s (" +
          Fixed(num("fps"), 1) + " fps), " + Fixed(num("frames_dropped"), 0) + " dropped; " +
          Fixed(num("detector_runs"), 0) + " detector runs, " + Fixed(num("tracks"), 0) +
          " tracks, " + Fixed(num("events"), 0) + " events\n";
  if (s.contains("latency_ms") && s["latency_ms"].contains("glass_to_decision")) {
    const auto& g = s["latency_ms"]["glass_to_decision"];
    *out += "  glass-to-decision p50 " + Fixed(g.value("p50", 0.0), 1) + " ms, p99 " +
            Fixed(g.value("p99", 0.0), 1) + " ms\n";
  }
}

}  // namespace

std::string HumanSummary(const nlohmann::ordered_json& s) {
  std::string out;
  if (s.contains("cameras")) {
    for (const auto& [id, cam] : s["cameras"].items()) CameraLines(id, cam, &out);
  } else {
    CameraLines(s.value("source", std::string("camera")), s, &out);
  }
  if (s.contains("uplink")) {
    const auto& u = s["uplink"];
    out += "uplink: " + Fixed(u.value("acked", 0.0), 0) + " delivered, " +
           Fixed(u.value("depth", 0.0), 0) + " waiting in the outbox\n";
  }
  out += "status: " + s.value("status", std::string("?")) + "\n";
  return out;
}

}  // namespace es
