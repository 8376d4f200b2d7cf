// ProportionalController: the stop-and-go baseline (Frigate's autotracker style).
//
// When the head reports idle, it sends one RelativeMove of gain * (target - head) on each axis
// (if the error exceeds the dead zone) and then waits for the move to finish: until a status
// captured at least min_wait_s after the command reports idle again, or move_timeout_s passes
// (a head whose status never reports idle would otherwise hang it forever). No prediction, no
// velocity feed-forward. Zoom as in the predictive controller (same ZoomSelector, same gate).
// Thread-safety: not thread-safe. Deterministic.
#pragma once

#include "ptz/ptz_controller.h"
#include "ptz/zoom_selector.h"

namespace es {

struct ProportionalControllerOptions {
  double gain = 1.0;            // fraction of the error moved per relative move
  double dead_zone_deg = 0.3;   // smaller errors cause no move
  double min_wait_s = 0.05;     // a status must be this much newer than the command
  double move_timeout_s = 3.0;  // give up waiting for idle after this
  double zoom_gate_frac = 0.5;
  ZoomOptions zoom;
};

class ProportionalController : public PtzController {
 public:
  explicit ProportionalController(ProportionalControllerOptions options = {});
  std::optional<PtzCommand> Decide(const ControlInput& in) override;
  void Reset() override;
  std::string name() const override { return "proportional"; }

 private:
  ProportionalControllerOptions o_;
  ZoomSelector zoom_;
  std::optional<Timestamp> move_sent_;
};

}  // namespace es
