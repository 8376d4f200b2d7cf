// PtzHook: the PTZ linkage on the decision path (`ptz:` section, driver "simulator" or "onvif").
//
// Contract
// - Create() builds the driver and the linkage before any pipeline thread starts:
//     simulator: a SimulatorDriver in wall-clock mode (StartRealtime), parked at home;
//     onvif: an OnvifPtzClient (onvif_url, onvif_profile, onvif_configuration, onvif_username,
//       the first line of onvif_password_file; onvif_timeout_ms as connect and read timeout).
//   Bad input fails here and stops the run with exit 2 and one line: a calibration file that is
//   missing, malformed, or has too few / collinear / duplicate points ("ptz.calibration_file:
//   FILE[:LINE]: ..."), an unreadable password file, an onvif_url the client rejects.
// - Probe: with driver onvif, Create() calls GetConfigurationOptions once (bounded by
//   connect + read timeout), so the client learns the head's ranges before the first command.
//   A failed probe (nothing listening, timeout, credentials rejected, garbage reply) is NOT
//   fatal: it is logged as one warning line, reported in the summary ("probe"), the run goes
//   on, and the linkage keeps trying the head on every command and status poll.
// - OnDecision() hands packet->tracks and the frame's capture time to PtzLinkage::OnFrame()
//   (never blocks: the head is driven on the linkage's own worker thread); the end-of-stream
//   packet is skipped. It always returns Ok: a failing head never stops the wide lens.
// - Finish() waits up to 1 s for the worker to go idle, then stops the linkage (which sends one
//   Stop to the head if anything was sent; bounded by the driver's I/O timeout) and the
//   simulator's clock thread.
// - Summary() (key "ptz"): the linkage stats (health ok|degraded, last_error, driver_errors,
//   commands_queued/sent/superseded, status_polls, selector, track_id, handoffs) plus "driver"
//   (Describe(): no credentials), "probe" ("ok", "skipped" or the one-line error) and, for the
//   simulator, "head" {pan_deg, tilt_deg, zoom}. When the probe failed and the linkage has not
//   talked to the head since, health is "degraded" with the probe's error as last_error.
// Thread-safety: OnDecision/Finish on the track thread; Summary() from any thread after that.
#pragma once

#include "app/lens_pair.h"

#include <memory>
#include <string>

#include "edgesight/status.h"
#include "pipeline/decision_hook.h"
#include "ptz/ptz_config.h"
#include "ptz/ptz_driver.h"
#include "ptz/ptz_linkage.h"
#include "ptz/simulator_driver.h"

namespace es {

class PtzHook final : public DecisionHook {
 public:
  // `config.driver` must be "simulator" or "onvif" (validated by ValidateConfig).
  static Result<std::unique_ptr<PtzHook>> Create(const PtzConfig& config);
  ~PtzHook() override;

  Status OnDecision(FramePacket* packet) override;
  Status Finish() override;
  std::string name() const override { return "ptz"; }
  nlohmann::json Summary() const override;
  std::string Degraded() const override;
  // The head refused our credentials (reported on stderr at once; exit 2 at the end).
  bool credentials_refused() const { return refused_; }
  // Dual lens in one process: the hook tells the PTZ camera what it follows (lens_pair.h).
  void SetLensPair(std::shared_ptr<LensPair> pair) { pair_ = std::move(pair); }
  // For live metrics read on other threads (stats() is thread-safe); expires with the hook.
  std::weak_ptr<const PtzLinkage> linkage() const { return linkage_; }

 private:
  PtzHook() = default;

  std::shared_ptr<PtzDriver> driver_;
  std::shared_ptr<SimulatorDriver> sim_;  // set for driver simulator
  std::shared_ptr<PtzLinkage> linkage_;
  std::shared_ptr<LensPair> pair_;
  std::string probe_ = "skipped";  // "ok", "skipped" or the error line
  std::string calibration_warning_;  // residuals above kCalibrationWarnDeg
  bool probe_failed_ = false;
  bool refused_ = false;
  bool finished_ = false;
};

}  // namespace es
