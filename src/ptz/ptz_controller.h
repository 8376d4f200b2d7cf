// PtzController: one interface for the PTZ control laws (predictive velocity control and the
// proportional relative-move baseline).
//
// The decision loop calls Decide() whenever a new observation arrives (or periodically with no
// target). Inputs are what a real controller knows: the selected target's direction in PTZ
// pan/tilt (from the wide lens via the calibration) with its angular rate and capture time, and
// the PTZ status last reported by the head (with its own timestamp). The output is a command
// for the head, or nothing (keep the current motion). Controllers are deterministic and hold
// only their own state. Thread-safety: not thread-safe; one controller per PTZ head.
// Failure: none; missing inputs lead to a stop after the command timeout.
#pragma once

#include <optional>
#include <string>

#include "edgesight/time.h"
#include "ptz/ptz_simulator.h"

namespace es {

struct TargetObservation {
  Timestamp t;  // capture time of the wide-lens frame
  int track_id = -1;
  double pan_deg = 0, tilt_deg = 0;            // target centre direction
  double pan_rate_dps = 0, tilt_rate_dps = 0;  // its angular velocity (filtered)
  double angular_height_deg = 0;               // target height as seen from the PTZ
};

struct ControlInput {
  Timestamp now;                            // decision time
  std::optional<TargetObservation> target;  // absent: no target this time
  PtzStatus ptz;                            // last status reported by the head
};

class PtzController {
 public:
  virtual ~PtzController() = default;
  virtual std::optional<PtzCommand> Decide(const ControlInput& in) = 0;
  virtual void Reset() = 0;
  virtual std::string name() const = 0;
};

}  // namespace es
