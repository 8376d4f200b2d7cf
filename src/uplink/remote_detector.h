// RemoteDetector: cloud-fallback detection over MQTT — a frame goes to edgesight-backend's
// detect workers and the detections come back (frame_message.h), for a camera whose own
// detector cannot run.
//
// Contract
// - One RemoteDetector per device, shared by its cameras; it has its own MQTT connection
//   (client id "<device>-detect", clean session: nothing to keep across restarts) subscribed to
//   edgesight/v1/<device>/detections (QoS 0), separate from the outbox's, so frames never
//   queue behind events and events never wait for frames.
// - Detect(image, request) downscales the frame (longer side <= max_side), encodes it as
//   JPEG, publishes it QoS 0 on FrameTopic and waits up to `timeout` for the reply with the same
//   request id. Boxes come back in the frame's pixels.
// - Errors (the caller decides what a frame without an answer means; nothing is retried here):
//   kUnavailable when there is no broker connection (nothing is sent) or the backend answered
//   with an error; kCancelled after Stop(); a timeout is kUnavailable "no answer within N ms"
//   and counted in stats().timeouts. A reply that comes after its request gave up is counted
//   as late and dropped; a malformed reply is counted and dropped.
// Thread-safety: Detect() from any number of threads at once (one per camera); Start/Stop from
// the owner's thread. Ownership: owns its transport.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics_registry.h"
#include "edgesight/status.h"
#include "edgesight/time.h"
#include "edgesight/types.h"
#include "uplink/frame_message.h"
#include "uplink/mqtt_transport.h"

namespace es {

struct RemoteDetectorOptions {
  std::string device = "device";
};

// One frame's request: which camera, how to encode it, how long to wait.
struct RemoteRequest {
  std::string stream;
  int64_t frame = -1;  // informational (the camera's count of frames sent)
  int64_t pts_us = 0;
  Duration timeout = Duration::Seconds(1);
  int max_side = 640;     // longer side of the JPEG sent, pixels (smaller frames go as they are)
  int jpeg_quality = 80;  // 1..100
  Counter* bytes_sent = nullptr;  // optional: payload bytes published for this camera
};

struct RemoteAnswer {
  std::vector<Detection> detections;  // source pixels
  Duration round_trip;                // publish -> reply received
  std::string model;                  // the backend's model id
  int64_t bytes_sent = 0;             // payload bytes of the request
};

struct RemoteDetectorStats {
  bool connected = false;
  int64_t sent = 0;        // requests published
  int64_t answered = 0;    // replies matched to a waiting request
  int64_t timeouts = 0;    // requests that got no reply in time
  int64_t late = 0;        // replies after their request gave up
  int64_t errors = 0;      // replies with an error, and malformed replies
  int64_t bytes_sent = 0;  // payload bytes published
};

class RemoteDetector {
 public:
  // `transport` is started by Start() with the subscription above (set by Create on the
  // options; a test may hand in its own transport built with Subscription()).
  static Result<std::unique_ptr<RemoteDetector>> Create(MosquittoOptions mqtt,
                                                        RemoteDetectorOptions options);
  RemoteDetector(std::unique_ptr<MqttTransport> transport, RemoteDetectorOptions options);
  ~RemoteDetector();
  RemoteDetector(const RemoteDetector&) = delete;
  RemoteDetector& operator=(const RemoteDetector&) = delete;

  static MqttSubscription Subscription(const std::string& device);

  Status Start();
  void Stop();
  Result<RemoteAnswer> Detect(const cv::Mat& bgr, const RemoteRequest& request);
  RemoteDetectorStats stats() const;

 private:
  struct Pending {
    std::optional<DetectionsReply> reply;
  };
  void OnMessage(const std::string& topic, std::string_view payload);

  std::unique_ptr<MqttTransport> transport_;
  RemoteDetectorOptions o_;
  std::string prefix_;  // request ids: <prefix><counter>, unique per process run
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Pending*> pending_;  // by request id; guarded by mu_
  bool stopped_ = false;
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> next_{0}, sent_{0}, answered_{0}, timeouts_{0}, late_{0}, errors_{0},
      bytes_sent_{0};
};

}  // namespace es
