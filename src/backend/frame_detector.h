// FrameDetector: edgesight-backend's cloud-fallback service — detects on whole frames that a
// device sends while its own detector cannot run, and answers with the detections
// (uplink/frame_message.h).
//
// Contract
// - Its own MQTT connection (client id "<group>-<worker>-detect", clean session) subscribed QoS 0
//   to $share/<group>/edgesight/v1/+/+/frames: the workers of a group share the frames, so
//   adding a worker adds detection capacity as it does verification capacity. QoS 0 both ways:
//   a frame is only worth something before its deadline; the edge sends the next one anyway.
// - Received frames wait in a drop-oldest queue (`queue` deep; the dropped are counted): under
//   overload the newest frames are served, the stale ones never. `threads` detect threads, each
//   with its own model instance, take them: a frame past its deadline_unix_ms is skipped
//   (counted "expired", no answer: the edge stopped waiting); otherwise the JPEG is decoded,
//   the model runs on it and the boxes, scaled to the frame's source size, are published on
//   edgesight/v1/<device>/detections (the stream in the payload) with the model id, worker and
//   timings.
// - Bad input (a payload that is not a frame message, a JPEG that does not decode, a device not
//   allowed, an oversized payload) is counted per reason and logged once per reason; a frame
//   whose JPEG does not decode is answered with "error", so the edge does not wait for nothing.
// - Metrics (names in docs/hybrid.md): frames per outcome, detect latency histogram, queue depth.
// Thread-safety: Start/Stop/stats from the control thread; stats() from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/metrics_registry.h"
#include "detect/detector.h"
#include "uplink/frame_message.h"
#include "uplink/mqtt_transport.h"

namespace es {

struct FrameDetectorOptions {
  MosquittoOptions mqtt;  // host, port, credentials, TLS; client id and subscription are set here
  std::string group = "verifiers";
  std::string worker = "w1";
  DetectorOptions detector;  // the model frames are detected with
  std::string model_id;      // for the answers; "" = the detector's name
  int threads = 1;           // detect threads (each its own model instance)
  int queue = 8;             // frames waiting at most; the oldest is dropped beyond
  int64_t max_payload_bytes = 4 * 1024 * 1024;
  std::vector<std::string> devices;             // allow list; empty = any
  std::function<void(const std::string&)> log;  // one line per kind of bad input
};

struct FrameDetectorStats {
  bool connected = false;
  int64_t received = 0;
  int64_t answered = 0;  // detections published
  int64_t expired = 0;   // past the deadline when their turn came
  int64_t dropped = 0;   // pushed out of the queue by newer frames
  int64_t rejected = 0;  // bad input (every reason)
  int64_t queue_depth = 0;
};

class FrameDetector {
 public:
  static Result<std::unique_ptr<FrameDetector>> Create(FrameDetectorOptions options,
                                                       MetricsRegistry* metrics);
  ~FrameDetector();
  FrameDetector(const FrameDetector&) = delete;
  FrameDetector& operator=(const FrameDetector&) = delete;

  static MqttSubscription Subscription(const std::string& group);
  Status Start();
  void Stop();
  FrameDetectorStats stats() const;

 private:
  explicit FrameDetector(FrameDetectorOptions o);
  void OnMessage(const std::string& topic, std::string_view payload);
  void Loop(Detector* detector);
  void Answer(Detector* detector, FrameRequest request);
  void Reject(const std::string& reason, const std::string& detail);
  void Publish(const DetectionsReply& reply);

  FrameDetectorOptions o_;
  MetricsRegistry* metrics_ = nullptr;
  std::unique_ptr<MqttTransport> transport_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  BoundedQueue<FrameRequest> queue_;
  std::vector<std::thread> threads_;
  std::mutex publish_mu_;  // one publisher at a time on the transport
  std::mutex reject_mu_;
  std::set<std::string> logged_;  // reject reasons logged once; guarded by reject_mu_
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> received_{0}, answered_{0}, expired_{0}, dropped_{0}, rejected_{0};
  Histogram* detect_seconds_ = nullptr;
};

}  // namespace es
