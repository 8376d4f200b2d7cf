#include "uplink/remote_detector.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <random>

#include "core/jpeg_codec.h"
#include "uplink/outbox.h"

namespace es {
namespace {

// Random per process run, so request ids of a restarted device never match an old reply.
std::string RunPrefix(const std::string& device) {
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(r));
  return device + "/" + hex + "/";
}

// The frame scaled so that its longer side is at most max_side.
cv::Mat Downscale(const cv::Mat& bgr, int max_side) {
  const int side = std::max(bgr.cols, bgr.rows);
  if (max_side <= 0 || side <= max_side) return bgr;
  const double s = static_cast<double>(max_side) / side;
  cv::Mat out;
  cv::resize(bgr, out,
             cv::Size(std::max(1, static_cast<int>(bgr.cols * s + 0.5)),
                      std::max(1, static_cast<int>(bgr.rows * s + 0.5))),
             0, 0, cv::INTER_AREA);
  return out;
}

}  // namespace

Result<std::unique_ptr<RemoteDetector>> RemoteDetector::Create(MosquittoOptions mqtt,
                                                               RemoteDetectorOptions options) {
  mqtt.client_id = "edgesight-" + options.device + "-detect";
  mqtt.clean_session = true;
  mqtt.will_topic.clear();
  mqtt.subscriptions = {Subscription(options.device)};
  ES_ASSIGN_OR_RETURN(std::unique_ptr<MqttTransport> transport, MakeMosquittoTransport(mqtt));
  return std::make_unique<RemoteDetector>(std::move(transport), std::move(options));
}

RemoteDetector::RemoteDetector(std::unique_ptr<MqttTransport> transport,
                               RemoteDetectorOptions options)
    : transport_(std::move(transport)), o_(std::move(options)), prefix_(RunPrefix(o_.device)) {}

RemoteDetector::~RemoteDetector() { Stop(); }

MqttSubscription RemoteDetector::Subscription(const std::string& device) {
  return {DetectionsTopic(device), 0};
}

Status RemoteDetector::Start() {
  return transport_->Start(SubscriberCallbacks(
      &connected_,
      [this](const std::string& topic, std::string_view payload) { OnMessage(topic, payload); }));
}

void RemoteDetector::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  cv_.notify_all();
  transport_->Stop();
  connected_ = false;
}

void RemoteDetector::OnMessage(const std::string&, std::string_view payload) {
  Result<DetectionsReply> r = DecodeDetectionsReply(payload);
  if (!r.ok()) {
    ++errors_;
    return;
  }
  std::lock_guard lock(mu_);
  auto it = pending_.find(r->id);
  if (it == pending_.end()) {
    if (r->id.rfind(prefix_, 0) == 0) ++late_;  // ours, after the caller gave up
    return;
  }
  it->second->reply = std::move(r).value();
  cv_.notify_all();
}

Result<RemoteAnswer> RemoteDetector::Detect(const cv::Mat& bgr, const RemoteRequest& rq) {
  if (!connected_) return Unavailable("backend detection: no broker connection");
  const std::string& stream = rq.stream;
  const Duration timeout = rq.timeout;
  const cv::Mat small = Downscale(bgr, rq.max_side);
  ES_ASSIGN_OR_RETURN(std::vector<uint8_t> jpeg, EncodeJpeg(small, rq.jpeg_quality));
  FrameRequest req;
  req.id = prefix_ + std::to_string(++next_);
  req.device = o_.device;
  req.stream = stream;
  req.frame = rq.frame;
  req.pts_us = rq.pts_us;
  req.source_width = bgr.cols;
  req.source_height = bgr.rows;
  req.width = small.cols;
  req.height = small.rows;
  req.created_unix_ms = WallNowMicros() / 1000;
  req.deadline_unix_ms = req.created_unix_ms + std::max<int64_t>(1, timeout.us / 1000);
  req.jpeg.assign(jpeg.begin(), jpeg.end());
  const std::string payload = EncodeFrameRequest(req);

  Pending pending;
  std::unique_lock lock(mu_);
  if (stopped_) return Cancelled("backend detection stopped");
  pending_[req.id] = &pending;
  lock.unlock();
  const Timestamp t0 = SteadyNow();
  Result<int> mid = transport_->Publish(FrameTopic(o_.device, stream), payload, 0, false);
  lock.lock();
  if (!mid.ok()) {
    pending_.erase(req.id);
    return Unavailable("backend detection: " + mid.status().message());
  }
  ++sent_;
  bytes_sent_ += static_cast<int64_t>(payload.size());
  if (rq.bytes_sent != nullptr) rq.bytes_sent->Add(payload.size());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(timeout.us);
  cv_.wait_until(lock, deadline, [&] { return pending.reply.has_value() || stopped_; });
  pending_.erase(req.id);
  if (!pending.reply) {
    if (stopped_) return Cancelled("backend detection stopped");
    ++timeouts_;
    return Unavailable("backend detection: no answer within " + std::to_string(timeout.us / 1000) +
                       " ms");
  }
  DetectionsReply reply = std::move(*pending.reply);
  lock.unlock();
  if (!reply.error.empty()) {
    ++errors_;
    return Unavailable("backend detection: " + reply.error);
  }
  ++answered_;
  RemoteAnswer a;
  a.detections = std::move(reply.detections);
  a.round_trip = SteadyNow() - t0;
  a.model = std::move(reply.model);
  a.bytes_sent = static_cast<int64_t>(payload.size());
  return a;
}

RemoteDetectorStats RemoteDetector::stats() const {
  RemoteDetectorStats s;
  s.connected = connected_;
  s.sent = sent_;
  s.answered = answered_;
  s.timeouts = timeouts_;
  s.late = late_;
  s.errors = errors_;
  s.bytes_sent = bytes_sent_;
  return s;
}

}  // namespace es
