#include "backend/frame_detector.h"

#include <algorithm>
#include <utility>

#include "core/jpeg_codec.h"
#include "uplink/outbox.h"

namespace es {
namespace {

int64_t NowMs() { return WallNowMicros() / 1000; }

// "edgesight/v1/<device>/<stream>/frames" -> device (empty when the topic has another shape).
std::string DeviceOfTopic(const std::string& topic) {
  const std::string prefix = "edgesight/v1/";
  if (topic.rfind(prefix, 0) != 0) return "";
  const size_t end = topic.find('/', prefix.size());
  return end == std::string::npos ? "" : topic.substr(prefix.size(), end - prefix.size());
}

}  // namespace

FrameDetector::FrameDetector(FrameDetectorOptions o)
    : o_(std::move(o)),
      queue_("frames", static_cast<size_t>(std::max(1, o_.queue)), QueuePolicy::kDropOldest) {}

Result<std::unique_ptr<FrameDetector>> FrameDetector::Create(FrameDetectorOptions options,
                                                             MetricsRegistry* metrics) {
  if (options.group.empty() || options.group.find_first_of("/+#") != std::string::npos) {
    return InvalidArgument("group '" + options.group + "' must be non-empty without / + #");
  }
  if (options.worker.empty()) return InvalidArgument("worker id must not be empty");
  options.mqtt.client_id = options.group + "-" + options.worker + "-detect";
  options.mqtt.clean_session = true;
  options.mqtt.subscriptions = {Subscription(options.group)};
  std::unique_ptr<FrameDetector> f(new FrameDetector(std::move(options)));
  for (int i = 0; i < std::max(1, f->o_.threads); ++i) {
    ES_ASSIGN_OR_RETURN(std::unique_ptr<Detector> d, MakeDetector(f->o_.detector));
    f->detectors_.push_back(std::move(d));
  }
  if (f->o_.model_id.empty()) f->o_.model_id = f->detectors_.front()->name();
  ES_ASSIGN_OR_RETURN(f->transport_, MakeMosquittoTransport(f->o_.mqtt));
  f->metrics_ = metrics;
  if (metrics != nullptr) {
    FrameDetector* self = f.get();
    f->detect_seconds_ = metrics->GetHistogram("es_backend_frame_detect_seconds",
                                               "cloud-fallback: decode + detect of one frame");
    metrics->AddCallbackGauge("es_backend_frame_queue_depth", "cloud-fallback frames waiting", {},
                              [self] { return static_cast<double>(self->queue_.size()); });
    const auto outcome = [&](const char* name, std::atomic<int64_t>* v) {
      metrics->AddCallbackCounter("es_backend_frames_total",
                                  "cloud-fallback frames received, by outcome", {{"outcome", name}},
                                  [v] { return static_cast<double>(*v); });
    };
    outcome("answered", &f->answered_);
    outcome("expired", &f->expired_);
    outcome("dropped", &f->dropped_);
    outcome("rejected", &f->rejected_);
  }
  return f;
}

FrameDetector::~FrameDetector() { Stop(); }

MqttSubscription FrameDetector::Subscription(const std::string& group) {
  return {"$share/" + group + "/edgesight/v1/+/+/frames", 0};
}

Status FrameDetector::Start() {
  for (auto& d : detectors_) {
    Detector* p = d.get();
    threads_.emplace_back([this, p] { Loop(p); });
  }
  return transport_->Start(SubscriberCallbacks(
      &connected_,
      [this](const std::string& topic, std::string_view payload) { OnMessage(topic, payload); }));
}

void FrameDetector::Stop() {
  if (stop_.exchange(true)) return;
  if (transport_) transport_->Stop();
  queue_.Close();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void FrameDetector::Reject(const std::string& reason, const std::string& detail) {
  ++rejected_;
  if (metrics_ != nullptr) {
    metrics_
        ->GetCounter("es_backend_frames_rejected_total",
                     "cloud-fallback frames rejected, per reason", {{"reason", reason}})
        ->Add();
  }
  std::lock_guard lock(reject_mu_);
  if (logged_.insert(reason).second && o_.log) {
    o_.log("frames: rejected (" + reason + "): " + detail + " (further ones are only counted)");
  }
}

void FrameDetector::OnMessage(const std::string& topic, std::string_view payload) {
  ++received_;
  if (static_cast<int64_t>(payload.size()) > o_.max_payload_bytes) {
    Reject("oversized", topic + ": " + std::to_string(payload.size()) + " bytes");
    return;
  }
  Result<FrameRequest> r = DecodeFrameRequest(payload);
  if (!r.ok()) {
    Reject("malformed", topic + ": " + r.status().message());
    return;
  }
  if (r->device != DeviceOfTopic(topic)) {
    Reject("malformed", topic + ": device '" + r->device + "' does not match the topic");
    return;
  }
  if (!o_.devices.empty() &&
      std::find(o_.devices.begin(), o_.devices.end(), r->device) == o_.devices.end()) {
    Reject("unknown_device", "device '" + r->device + "' is not in ingest.devices");
    return;
  }
  if (queue_.Offer(std::move(r).value()) == Offered::kDroppedOldest) ++dropped_;
}

void FrameDetector::Loop(Detector* detector) {
  while (auto request = queue_.Pop()) {
    Answer(detector, std::move(*request));
    queue_.TaskDone();
  }
}

void FrameDetector::Answer(Detector* detector, FrameRequest req) {
  if (req.deadline_unix_ms > 0 && NowMs() > req.deadline_unix_ms) {
    ++expired_;
    return;
  }
  DetectionsReply reply;
  reply.id = req.id;
  reply.device = req.device;
  reply.stream = req.stream;
  reply.frame = req.frame;
  reply.model = o_.model_id;
  reply.worker = o_.worker;
  const Timestamp t0 = SteadyNow();
  Result<cv::Mat> image = DecodeJpeg(req.jpeg);
  const Timestamp t1 = SteadyNow();
  reply.decode_ms = (t1 - t0).millis();
  if (!image.ok()) {
    Reject("jpeg", req.device + "/" + req.stream + ": " + image.status().message());
    reply.error = "jpeg does not decode: " + image.status().message();
    Publish(reply);
    return;
  }
  Result<std::vector<Detection>> dets = detector->Detect(*image);
  reply.detect_ms = (SteadyNow() - t1).millis();
  if (detect_seconds_) detect_seconds_->Observe((SteadyNow() - t0).seconds());
  if (!dets.ok()) {
    reply.error = "detector: " + dets.status().message();
    Publish(reply);
    return;
  }
  const double sx = static_cast<double>(req.source_width) / std::max(1, image->cols);
  const double sy = static_cast<double>(req.source_height) / std::max(1, image->rows);
  for (Detection d : *dets) {
    d.box = BBox{static_cast<float>(d.box.x * sx), static_cast<float>(d.box.y * sy),
                 static_cast<float>(d.box.w * sx), static_cast<float>(d.box.h * sy)};
    reply.detections.push_back(d);
  }
  Publish(reply);
  ++answered_;
}

void FrameDetector::Publish(const DetectionsReply& reply) {
  std::lock_guard lock(publish_mu_);
  (void)transport_->Publish(DetectionsTopic(reply.device), EncodeDetectionsReply(reply), 0, false);
}

FrameDetectorStats FrameDetector::stats() const {
  FrameDetectorStats s;
  s.connected = connected_;
  s.received = received_;
  s.answered = answered_;
  s.expired = expired_;
  s.dropped = dropped_;
  s.rejected = rejected_;
  s.queue_depth = static_cast<int64_t>(queue_.size());
  return s;
}

}  // namespace es
