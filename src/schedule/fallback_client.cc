#include "schedule/fallback_client.h"

#include <utility>

namespace es {

FallbackMetrics FallbackMetrics::Register(MetricsRegistry* r, const std::string& camera) {
  const MetricLabels cam = {{"camera", camera}};
  FallbackMetrics m;
  m.mode = r->GetGauge("edgesight_detection_backend_mode",
                       "1 while the camera detects on edgesight-backend (cloud-fallback)", cam);
  m.to_backend = r->GetCounter("edgesight_detection_fallback_switches_total",
                               "switches between the local detector and the backend",
                               {{"camera", camera}, {"to", "backend"}});
  m.to_local = r->GetCounter("edgesight_detection_fallback_switches_total",
                             "switches between the local detector and the backend",
                             {{"camera", camera}, {"to", "local"}});
  m.backend_answered = r->GetCounter("edgesight_detection_backend_frames_total",
                                     "frames sent to the backend for detection, by outcome",
                                     {{"camera", camera}, {"outcome", "answered"}});
  m.backend_unanswered = r->GetCounter("edgesight_detection_backend_frames_total",
                                       "frames sent to the backend for detection, by outcome",
                                       {{"camera", camera}, {"outcome", "unanswered"}});
  m.local_failures = r->GetCounter("edgesight_detection_local_failures_total",
                                   "local detections that failed or stalled", cam);
  m.bytes_sent = r->GetCounter("edgesight_detection_backend_bytes_total",
                               "frame payload bytes sent to the backend for detection", cam);
  m.round_trip = r->GetHistogram("edgesight_detection_backend_round_trip_seconds",
                                 "frame sent -> detections back from the backend", cam);
  return m;
}

FallbackClient::FallbackClient(std::unique_ptr<DetectionClient> local, RemoteDetectFn remote,
                               FallbackOptions options, std::string camera, FallbackMetrics metrics,
                               std::function<void(const std::string&)> log,
                               std::shared_ptr<const std::atomic<bool>> shed)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      o_(options),
      camera_(std::move(camera)),
      m_(metrics),
      log_(std::move(log)),
      shed_signal_(std::move(shed)) {
  UpdateMode();
}

std::string FallbackClient::name() const {
  return backend_ || shed_ ? local_->name() + " (backend fallback)" : local_->name();
}

void FallbackClient::PollShed() {
  const bool shed = o_.on_shed && shed_signal_ && shed_signal_->load();
  if (shed == shed_) return;
  shed_ = shed;
  sent_ = false;
  UpdateMode();
  if (shed_ && m_.to_backend) m_.to_backend->Add();
  if (!shed_ && !backend_ && m_.to_local) m_.to_local->Add();
  if (log_) {
    log_("camera " + camera_ +
         (shed_ ? ": shed by the governor; detecting on edgesight-backend"
                : ": no longer shed; back to local detection"));
  }
}

void FallbackClient::UpdateMode() {
  if (m_.mode) m_.mode->Set(backend_ ? 1 : shed_ ? 2 : 0);
}

bool FallbackClient::Due(Timestamp now) {
  PollShed();
  if (!backend_ && !shed_) return local_->Due(now);
  if (backend_ && ProbeDue(now)) return true;
  // On a grid of 1/max_fps (so frames that arrive a little before a due time do not halve the
  // rate), with a quarter period of tolerance; a send later than half a period restarts the grid.
  const Duration period = Duration::Seconds(1.0 / o_.max_fps);
  return !sent_ || now >= next_send_ - Duration::Micros(period.us / 4);
}

Result<DetectionResult> FallbackClient::Detect(const cv::Mat& image, Timestamp now) {
  if (shed_ && !backend_) {
    Result<DetectionResult> r = DetectRemote(image, now);
    if (!r.ok() || r->source != DetectionSource::kNone || !local_->Due(now)) return r;
    Result<DetectionResult> l = local_->Detect(image, now);  // no answer: the shed period
    return l.ok() ? l : r;
  }
  if (backend_ && !ProbeDue(now)) return DetectRemote(image, now);
  Result<DetectionResult> r = local_->Detect(image, now);
  if (r.ok()) {
    failures_ = 0;
    if (backend_) SwitchToLocal();
    return r;
  }
  if (r.status().code() == StatusCode::kCancelled) return r;
  if (m_.local_failures) m_.local_failures->Add();
  if (backend_) {  // the probe failed: try again in probe_s
    next_probe_ = now + Duration::Seconds(o_.probe_s);
    return DetectRemote(image, now);
  }
  if (++failures_ < o_.switch_after) {
    DetectionResult none;
    none.source = DetectionSource::kNone;
    return none;
  }
  SwitchToBackend(r.status(), now);
  return DetectRemote(image, now);
}

Result<DetectionResult> FallbackClient::DetectRemote(const cv::Mat& image, Timestamp now) {
  const Duration period = Duration::Seconds(1.0 / o_.max_fps);
  const bool on_grid = sent_ && now - next_send_ <= Duration::Micros(period.us / 2);
  next_send_ = (on_grid ? next_send_ : now) + period;
  sent_ = true;
  DetectionResult out;
  Result<RemoteDetections> r = remote_(image, now);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kCancelled) return r.status();
    if (m_.backend_unanswered) m_.backend_unanswered->Add();
    out.source = DetectionSource::kNone;
    return out;
  }
  if (m_.backend_answered) m_.backend_answered->Add();
  if (m_.round_trip) m_.round_trip->Observe(r->round_trip.seconds());
  out.detections = std::move(r->detections);
  out.run = r->round_trip;
  out.source = DetectionSource::kBackend;
  out.model = "backend/" + r->model;
  return out;
}

void FallbackClient::SwitchToBackend(const Status& why, Timestamp now) {
  backend_ = true;
  failures_ = 0;
  sent_ = false;
  next_probe_ = now + Duration::Seconds(o_.probe_s);
  UpdateMode();
  if (m_.to_backend) m_.to_backend->Add();
  if (log_) {
    log_("camera " + camera_ + ": local detector failed (" + why.ToString() +
         "); detecting on edgesight-backend until it recovers");
  }
}

void FallbackClient::SwitchToLocal() {
  backend_ = false;
  failures_ = 0;
  UpdateMode();
  if (m_.to_local) m_.to_local->Add();
  if (log_) log_("camera " + camera_ + ": local detector answers again; back to local detection");
}

}  // namespace es
