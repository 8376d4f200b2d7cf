// DeepHook: the third cascade stage on the edge, deep analysis — BlazePose on the crop of every
// person inside a watched zone (deep.zones, or the camera's armed zones), at most once per
// deep.min_interval_s of media time per track.
//
// Contract
// - OnDecision (track thread) follows the zone episodes of the watched zones from the packet's
//   events (start opens, end closes; the end-of-stream packet closes all) and, for each person
//   track in an open episode that is due, cuts its box plus context out of the frame (a copy)
//   and offers it to the pose thread's drop-oldest queue (deep.queue; a dropped crop is
//   counted). It never waits for the model.
// - The pose thread runs PoseEstimator (detect/pose_estimator.h) on each crop and makes a pose
//   event: {"v":1,"id":"<zone episode start id>/pose/<n>","start_id":<same>,"device","stream",
//   "type":"pose","phase":"instant","track_id","class_id":0,"zone","box":[x,y,w,h],
//   "presence","torso_visibility","score","person":presence >= min_presence,
//   "keypoints":[[x,y,visibility], x33] (source pixels, MediaPipe order),"model","pose_ms",
//   "t_us","frame","t_unix_ms"}. With an outbox it is committed there (kEvent, the camera's
//   events topic; after the zone's start event, which the outbox hook committed first) and the
//   publisher is woken.
// - Finish() lets the pose thread finish the crops already queued (bounded: 10 s), then joins.
// - Summary(): {"poses","person","no_person","dropped","errors","mean_ms"}. Metrics on the
//   registry: edgesight_pose_runs_total{camera,person}, edgesight_pose_dropped_total{camera},
//   edgesight_pose_seconds{camera}.
// - Create() fails like PoseEstimator::Create (a missing model: kNotFound; not a model:
//   kDataLoss), so a bad deep.model stops the run at start with one line.
// Thread-safety: OnDecision/Finish on the track thread; the pose thread owns the model.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "core/bounded_queue.h"
#include "core/metrics_registry.h"
#include "detect/deep_options.h"
#include "detect/pose_estimator.h"
#include "pipeline/decision_hook.h"
#include "uplink/mqtt_publisher.h"
#include "uplink/outbox.h"

namespace es {

class DeepHook final : public DecisionHook {
 public:
  // outbox and publisher may be null (poses are then counted only); metrics may be null.
  static Result<std::unique_ptr<DeepHook>> Create(const DeepOptions& options,
                                                  std::set<std::string> zones, std::string device,
                                                  std::string stream, Outbox* outbox,
                                                  MqttPublisher* publisher,
                                                  MetricsRegistry* metrics);
  ~DeepHook() override;

  Status OnDecision(FramePacket* packet) override;
  Status Finish() override;
  std::string name() const override { return "deep"; }
  nlohmann::json Summary() const override;

 private:
  struct Job {
    cv::Mat crop;
    BBox crop_box;  // the crop's region in source pixels
    BBox box;       // the track's box
    int track_id = 0;
    std::string zone;
    std::string id;  // the pose event's id
    int64_t pts_us = 0;
    int64_t frame = -1;
  };
  struct Episode {
    int track_id = 0;
    std::string zone;
    int poses = 0;  // pose events of this episode so far (the id's <n>)
  };
  DeepHook(DeepOptions o, std::set<std::string> zones, std::string device, std::string stream,
           Outbox* outbox, MqttPublisher* publisher, std::unique_ptr<PoseEstimator> pose);
  void Loop();
  void Analyse(Job job);

  DeepOptions o_;
  std::set<std::string> zones_;
  std::string device_, stream_, model_;
  Outbox* outbox_;
  MqttPublisher* publisher_;
  std::unique_ptr<PoseEstimator> pose_;
  std::map<std::string, Episode> open_;  // by zone episode start id
  std::map<int, int64_t> last_us_;       // per track: media time of its last pose request
  BoundedQueue<Job> queue_;
  std::thread thread_;
  bool finished_ = false;
  Counter* person_ = nullptr;
  Counter* no_person_ = nullptr;
  Counter* dropped_metric_ = nullptr;
  Histogram* seconds_ = nullptr;
  std::atomic<int64_t> poses_{0}, person_n_{0}, dropped_{0}, errors_{0}, total_us_{0};
};

}  // namespace es
