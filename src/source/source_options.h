// SourceOptions: how to open a video source (file, rtsp://, synthetic:NAME).
// Plain value; validated by config/ (ranges) and by MakeSource (the URI itself).
#pragma once

#include <string>

namespace es {

struct SourceOptions {
  std::string uri;                // file path, rtsp://host:port/path, or synthetic:NAME
  std::string stream_id = "cam0";
  // Pace file and synthetic sources at their native frame rate so they behave like a camera
  // (frames drop when a stage cannot keep up; `run --realtime`). false (default): read as fast
  // as the pipeline allows, every frame processed. RTSP is live either way.
  bool realtime = false;
  // RTSP (FFmpeg): transport "tcp" or "udp"; listen = act as the RTSP server an encoder or
  // camera pushes to (FFmpeg's rtsp_flags=listen).
  std::string rtsp_transport = "tcp";
  bool rtsp_listen = false;
  int open_timeout_ms = 5000;     // connect / open timeout for network sources
  int read_timeout_ms = 5000;     // a live source that delivers nothing for this long is down
  int reconnect_attempts = 3;     // network sources: retries after a failure (0 = none)
  int reconnect_backoff_ms = 500; // first retry delay; doubles each attempt, capped at 8 s
  // synthetic: scene size, rate and seed; ground truth written here (MOTChallenge) if set.
  int synthetic_width = 640;
  int synthetic_height = 480;
  double synthetic_fps = 25.0;
  int synthetic_seed = 1;
  std::string ground_truth_out;
};

}  // namespace es
