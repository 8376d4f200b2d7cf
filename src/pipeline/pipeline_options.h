// PipelineOptions: queue sizes and policies, detection interval, outputs.
#pragma once

#include <string>

namespace es {

struct PipelineOptions {
  int detect_interval = 1;  // run the detector every Nth frame; the tracker predicts between
  int queue_capacity = 2;   // frames between decode and detect (flow limiter)
  std::string queue_policy = "drop_oldest";  // drop_oldest | block
  int max_frames = 0;                        // 0 = until the source ends
};

struct OutputOptions {
  std::string events_out;  // JSON lines, one object per frame
  std::string annotate;    // annotated video (boxes, ids, trails)
  int trail_length = 30;   // points per trail in the annotated video
};

}  // namespace es
