#include "schedule/detection_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace es {

CameraSchedule ScheduleOf(const CameraSettings& s) {
  CameraSchedule c;
  c.period = Duration::Seconds(s.detect_period_s);
  c.max_period = Duration::Seconds(s.max_period_s);
  c.priority = s.priority;
  return c;
}

class DetectionService::CameraClient final : public DetectionClient {
 public:
  CameraClient(DetectionService* service, int cam, Duration timeout)
      : service_(service), cam_(cam), timeout_(timeout) {}
  bool Due(Timestamp now) override {
    std::lock_guard lock(service_->mu_);
    return service_->scheduler_.Due(cam_, now);
  }
  Result<DetectionResult> Detect(const cv::Mat& image, Timestamp now) override {
    return service_->Request(cam_, image, now, timeout_);
  }
  std::string name() const override {
    std::lock_guard lock(service_->mu_);
    return service_->DetectorOf(cam_)->name();
  }
  void Configure(const CameraSettings& s) override { service_->UpdateCamera(cam_, ScheduleOf(s)); }

 private:
  DetectionService* service_;
  int cam_;
  Duration timeout_;
};

namespace {
std::string FormatSeconds(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", d.seconds());
  return buf;
}
std::vector<std::unique_ptr<Detector>> One(std::unique_ptr<Detector> d) {
  std::vector<std::unique_ptr<Detector>> v;
  v.push_back(std::move(d));
  return v;
}
SchedulerOptions WithWorkers(SchedulerOptions o, size_t workers) {
  o.workers = static_cast<int>(std::max<size_t>(workers, 1));
  return o;
}
}  // namespace

DetectionService::DetectionService(std::unique_ptr<Detector> shared, SchedulerOptions options)
    : DetectionService(One(std::move(shared)), options) {}

DetectionService::DetectionService(std::vector<std::unique_ptr<Detector>> workers,
                                   SchedulerOptions options)
    : shared_(std::move(workers)), scheduler_(WithWorkers(options, shared_.size())) {
  if (shared_.empty()) shared_.push_back(nullptr);
  pending_.resize(shared_.size());
  pending_ids_.resize(shared_.size());
  for (const auto& d : shared_) ids_.push_back(d ? d->name() : "");
}

void DetectionService::SetModelId(std::string model) {
  std::lock_guard lock(mu_);
  for (size_t w = 0; w < ids_.size(); ++w) {
    ids_[w] = model.empty() && shared_[w] ? shared_[w]->name() : model;
  }
}

Status DetectionService::ReplaceShared(std::vector<std::unique_ptr<Detector>> next,
                                       std::string model) {
  {
    std::lock_guard lock(mu_);
    if (next.size() != shared_.size()) {
      return InvalidArgument("model swap: " + std::to_string(next.size()) + " instances for " +
                             std::to_string(shared_.size()) + " workers");
    }
    for (size_t w = 0; w < next.size(); ++w) {
      pending_ids_[w] = model.empty() && next[w] ? next[w]->name() : model;
      pending_[w] = std::move(next[w]);
    }
  }
  cv_.notify_all();
  return Status::Ok();
}

void DetectionService::SetTap(Tap tap) {
  std::lock_guard lock(mu_);
  tap_ = tap ? std::make_shared<const Tap>(std::move(tap)) : nullptr;
}

std::string DetectionService::shared_name() const {
  std::lock_guard lock(mu_);
  return shared_.front() ? shared_.front()->name() : "";
}

std::string DetectionService::model_id() const {
  std::lock_guard lock(mu_);
  return ids_.empty() ? "" : ids_.front();
}

DetectionService::~DetectionService() { Stop(); }

int DetectionService::AddCamera(std::string id, CameraSchedule schedule,
                                std::unique_ptr<Detector> own) {
  std::lock_guard lock(mu_);
  const int cam = scheduler_.AddCamera(schedule);
  cameras_.emplace_back();
  cameras_.back().id = std::move(id);
  cameras_.back().own = std::move(own);
  return cam;
}

Detector* DetectionService::DetectorOf(int cam, size_t worker) {
  Camera& c = cameras_[static_cast<size_t>(cam)];
  return c.own ? c.own.get() : shared_[worker].get();
}

std::unique_ptr<DetectionClient> DetectionService::Client(int cam, Duration timeout) {
  return std::make_unique<DetectionService::CameraClient>(this, cam, timeout);
}

void DetectionService::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  for (size_t w = 0; w < shared_.size(); ++w) threads_.emplace_back([this, w] { Loop(w); });
}

void DetectionService::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void DetectionService::UpdateCamera(int cam, CameraSchedule schedule) {
  std::lock_guard lock(mu_);
  scheduler_.UpdateCamera(cam, schedule);
}

void DetectionService::SetArmed(int cam, bool armed) {
  std::lock_guard lock(mu_);
  scheduler_.SetArmed(cam, armed);
}

CameraScheduleStats DetectionService::stats(int cam) const {
  std::lock_guard lock(mu_);
  return scheduler_.stats(cam);
}

Duration DetectionService::OldestWait(Timestamp now) const {
  std::lock_guard lock(mu_);
  Duration oldest;
  for (const Camera& c : cameras_) {
    if (c.image != nullptr && !c.done) oldest = std::max(oldest, now - c.enqueued);
  }
  return oldest;
}

void DetectionService::RegisterMetrics(MetricsRegistry* m) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    for (const Camera& c : cameras_) ids.push_back(c.id);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const int cam = static_cast<int>(i);
    const MetricLabels labels = {{"camera", ids[i]}};
    m->AddCallbackGauge("edgesight_detection_period_seconds",
                        "achieved detection period (mean gap between runs)", labels,
                        [this, cam] { return stats(cam).mean_gap_s; });
    m->AddCallbackGauge("edgesight_detection_effective_period_seconds",
                        "period the scheduler aims at now (target stretched by shedding)", labels,
                        [this, cam] { return stats(cam).effective_period.seconds(); });
    m->AddCallbackCounter("edgesight_detection_shed_total",
                          "times load shedding stretched the camera's period beyond its target",
                          labels, [this, cam] { return static_cast<double>(stats(cam).shed); });
    m->AddCallbackCounter("edgesight_detection_starved_total",
                          "runs that came later than the camera's max_period_s", labels,
                          [this, cam] { return static_cast<double>(stats(cam).starved); });
  }
  m->AddCallbackGauge("edgesight_detector_oldest_wait_seconds",
                      "how long the oldest unanswered detection request has waited", {},
                      [this] { return OldestWait(SteadyNow()).seconds(); });
}

Result<DetectionResult> DetectionService::Request(int cam, const cv::Mat& image, Timestamp now,
                                                  Duration timeout) {
  std::unique_lock lock(mu_);
  if (stop_ || !started_) return Cancelled("detection service is not running");
  Camera& c = cameras_[static_cast<size_t>(cam)];
  if (c.running) {  // only an abandoned run can still be going
    return Unavailable("detector still busy with this camera's frame of " +
                       FormatSeconds(now - c.enqueued) + " ago");
  }
  const bool may_abandon = timeout > Duration{};
  if (may_abandon) {
    c.owned = image.clone();
    c.image = &c.owned;
  } else {
    c.image = &image;
  }
  c.enqueued = now;
  c.done = false;
  c.abandoned = false;
  c.result.reset();
  scheduler_.Enqueue(cam, now);
  cv_.notify_all();
  // Never return while the service thread still reads the caller's image.
  const auto answered = [&] { return c.done || (stop_ && !c.running); };
  if (may_abandon) {
    if (!cv_.wait_for(lock, std::chrono::microseconds(timeout.us), answered)) {
      if (c.running) {
        c.abandoned = true;  // the worker releases the copy when the run ends
      } else {
        scheduler_.Cancel(cam);
        c.image = nullptr;
        c.owned.release();
      }
      return Unavailable("detector did not answer within " + FormatSeconds(timeout));
    }
  } else {
    cv_.wait(lock, answered);
  }
  c.image = nullptr;
  c.owned.release();
  if (!c.done) {
    scheduler_.Cancel(cam);
    return Cancelled("detection service stopped");
  }
  Result<DetectionResult> r = std::move(*c.result);
  c.result.reset();
  return r;
}

void DetectionService::Loop(size_t worker) {
  std::unique_lock lock(mu_);
  while (true) {
    std::optional<int> cam;
    cv_.wait(lock, [&] {
      return stop_ || pending_[worker] != nullptr ||
             (cam = scheduler_.Pick(SteadyNow())).has_value();
    });
    if (!cam && pending_[worker] != nullptr) {  // a model swap, between two runs
      std::unique_ptr<Detector> old = std::move(shared_[worker]);
      shared_[worker] = std::move(pending_[worker]);
      ids_[worker] = std::move(pending_ids_[worker]);
      lock.unlock();
      old.reset();  // its session is freed off the lock
      lock.lock();
      continue;
    }
    if (!cam) return;  // stopped with nothing picked
    Camera& c = cameras_[static_cast<size_t>(*cam)];
    const cv::Mat* image = c.image;
    Detector* detector = DetectorOf(*cam, worker);
    const bool shared = c.own == nullptr;
    std::shared_ptr<const Tap> tap = shared ? tap_ : nullptr;
    std::string model = shared ? ids_[worker] : detector->name();
    c.running = true;
    lock.unlock();
    const Timestamp t0 = SteadyNow();
    auto dets = detector->Detect(*image);
    const Duration run = SteadyNow() - t0;
    if (tap && dets.ok()) (*tap)(*image, *dets, run);
    lock.lock();
    c.running = false;
    scheduler_.Done(*cam, run);
    if (c.abandoned) {  // nobody waits for this answer any more
      c.abandoned = false;
      c.image = nullptr;
      c.owned.release();
      cv_.notify_all();
      if (stop_) return;
      continue;
    }
    if (dets.ok()) {
      c.result = DetectionResult{std::move(dets).value(), run, t0 - c.enqueued};
      c.result->value().model = std::move(model);
    } else {
      c.result = Result<DetectionResult>(dets.status());
    }
    c.done = true;
    cv_.notify_all();
    if (stop_) return;
  }
}

}  // namespace es
