// PipelineOptions: queue sizes and policies, detection interval, outputs.
#pragma once

#include <string>

namespace es {

struct PipelineOptions {
  int detect_interval = 1;  // run the detector every Nth frame; the tracker predicts between
  // Detection period, a time (schedule/detection_scheduler.h): the shared detector serves this
  // camera at most once per period; 0 = every frame it can. max_period_s bounds how far load
  // shedding may stretch it; priority orders cameras that are due together (0..100).
  double detect_period_s = 0.0;
  double max_period_s = 2.0;
  int priority = 50;
  int queue_capacity = 2;  // frames between decode and detect (flow limiter)
  // auto | drop_oldest | block. auto is resolved by the app from the source (ResolveQueuePolicy):
  // block for a file or synthetic scene read as fast as possible (every frame is processed),
  // drop_oldest for a live source (RTSP, or a file paced like a camera). The runtime treats
  // anything but "block" as drop_oldest.
  std::string queue_policy = "auto";
  int max_frames = 0;  // 0 = until the source ends
  // After SIGINT/SIGTERM, the whole stop (frames in flight, clips, outbox drain) must finish
  // within this; past it the process exits 1 naming what it abandoned.
  double stop_timeout_s = 10.0;
  // Readiness (/readyz): a camera whose last frame is older than this is not ready.
  double stall_after_s = 5.0;
};

struct OutputOptions {
  std::string events_out;  // JSON lines, one object per frame
  std::string annotate;    // annotated video (boxes, ids, trails)
  int trail_length = 30;   // points per trail in the annotated video
};

}  // namespace es
