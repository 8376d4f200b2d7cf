// FallbackOptions: cloud-fallback detection for one camera (schedule/fallback_client.h) (YAML
// section `fallback`, per camera; the top-level section is every camera's default).
// fallback_schema.h declares keys and ranges.
//
// Contract: plain values (fallback_client.h says what they steer). When the camera's own detector
// cannot run (a model that does not load, errors, or a request unanswered for stall_s), the
// camera sends frames to edgesight-backend (frame_message.h), at most max_fps, downscaled to
// max_side, waits timeout_s for each answer and tracks on what comes back; every probe_s it
// tries its own detector again and switches back when that answers. With on_shed, a camera
// the governor sheds (CameraSettings::shed) detects on the backend until it is no longer shed.
// Thread-safety: plain values.
#pragma once

namespace es {

struct FallbackOptions {
  bool enabled = false;
  double max_fps = 2;      // frames per second sent to the backend, at most
  int max_side = 416;      // longer side of the frame sent, pixels (the default model input)
  int jpeg_quality = 80;   // of the frame sent
  double timeout_s = 1.0;  // wait for the backend's answer; then the frame is predict-only
  int switch_after = 2;    // consecutive local failures that switch the camera to the backend
  double stall_s = 2.0;    // a local request unanswered this long is a failure
  double probe_s = 10;     // in backend mode, the local detector is tried again this often
  bool on_shed = true;     // while the governor sheds the camera, detect on the backend too
};

}  // namespace es
