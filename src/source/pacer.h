// Pacer: releases frames of a file or synthetic source at their presentation times, so that a
// recorded video behaves like a camera (SourceOptions::realtime).
//
// Contract: Wait(pts_us) blocks until wall time anchor + (pts_us - first pts). The first call
// sets the anchor. If the caller fell behind by more than kMaxLagUs (a slow pipeline, a pause)
// the anchor moves forward instead of bursting frames to catch up. A pts that goes backwards
// (a looped or rebased stream) re-anchors too. Waits are cut short by the InterruptControl;
// Wait returns false then. Thread-compatible; does not own the InterruptControl.
#pragma once

#include <cstdint>

#include "edgesight/time.h"
#include "source/interrupt_control.h"

namespace es {

class Pacer {
 public:
  static constexpr int64_t kMaxLagUs = 1'000'000;

  explicit Pacer(InterruptControl* interrupt) : interrupt_(interrupt) {}

  bool Wait(int64_t pts_us) {
    const Timestamp now = SteadyNow();
    if (!anchored_ || pts_us < last_pts_us_) {
      Anchor(now, pts_us);
      return !interrupt_->interrupted();
    }
    last_pts_us_ = pts_us;
    const Timestamp due = anchor_wall_ + Duration::Micros(pts_us - anchor_pts_us_);
    if ((now - due).us > kMaxLagUs) {
      Anchor(now, pts_us);
      return !interrupt_->interrupted();
    }
    return interrupt_->SleepUntil(due);
  }

 private:
  void Anchor(Timestamp now, int64_t pts_us) {
    anchored_ = true;
    anchor_wall_ = now;
    anchor_pts_us_ = pts_us;
    last_pts_us_ = pts_us;
  }

  InterruptControl* interrupt_;
  bool anchored_ = false;
  Timestamp anchor_wall_;
  int64_t anchor_pts_us_ = 0;
  int64_t last_pts_us_ = 0;
};

}  // namespace es
