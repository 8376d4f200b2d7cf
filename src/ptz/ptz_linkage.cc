#include "ptz/ptz_linkage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "ptz/calibration_file.h"
#include "ptz/predictive_controller.h"
#include "ptz/proportional_controller.h"
#include "ptz/ptz_schema.h"

namespace es {
namespace {

ZoomOptions ZoomOf(const PtzLinkageOptions& o) {
  ZoomOptions z;
  z.hfov_wide_deg = o.ptz_hfov_deg;
  z.aspect = o.ptz_aspect;
  z.min_zoom = o.min_zoom;
  z.max_zoom = o.max_zoom;
  z.target_fill = o.target_fill;
  z.hysteresis = o.zoom_hysteresis;
  return z;
}

TargetSelectorOptions SelectorOf(const PtzLinkageOptions& o) {
  TargetSelectorOptions s;
  s.class_priority = o.class_priority;
  s.zone = o.zone;
  s.zone_mode = o.zone_mode == "prefer" ? ZoneMode::kPrefer : ZoneMode::kOnly;
  s.rank = o.rank == "longest_lived" ? TargetRank::kLongestLived : TargetRank::kLargest;
  s.switch_margin = o.switch_margin;
  s.switch_after_s = o.switch_after_s;
  s.hold_s = o.hold_s;
  s.search_s = o.search_s;
  return s;
}

std::unique_ptr<PtzController> ControllerOf(const PtzLinkageOptions& o) {
  if (o.controller == "proportional") {
    ProportionalControllerOptions p;
    p.min_wait_s = o.command_latency_ms / 1000.0 + 0.02;
    p.zoom = ZoomOf(o);
    return std::make_unique<ProportionalController>(p);
  }
  PredictiveControllerOptions p;
  p.command_latency_s = o.command_latency_ms / 1000.0;
  p.command_timeout_s = o.continuous_timeout_s;
  p.zoom = ZoomOf(o);
  return std::make_unique<PredictiveController>(p);
}

}  // namespace

Status PtzLinkageOptions::Validate() const {
  // Types, ranges and choices: the `ptz:` section's schema, the one table of them.
  PtzConfig holder;
  holder.linkage = *this;
  ES_RETURN_IF_ERROR(PtzSchema().CheckFields(holder));
  std::set<int> seen;
  for (int c : class_priority) {
    if (c < kClassMotion) {
      return InvalidArgument("ptz.class_priority: class id " + std::to_string(c) +
                             " is not a class");
    }
    if (!seen.insert(c).second) {
      return InvalidArgument("ptz.class_priority: class id " + std::to_string(c) +
                             " is listed twice");
    }
  }
  if (!zone.empty()) {
    const Status z = ValidatePolygon(zone);
    if (!z.ok()) return InvalidArgument("ptz.zone: " + z.message());
  }
  if (max_zoom < min_zoom) {
    return InvalidArgument("ptz.max_zoom: must be >= ptz.min_zoom (" + FormatNumber(min_zoom) +
                           "), got " + FormatNumber(max_zoom));
  }
  if (home_zoom < min_zoom || home_zoom > max_zoom) {
    return InvalidArgument("ptz.home_zoom: must be in [ptz.min_zoom, ptz.max_zoom] ([" +
                           FormatNumber(min_zoom) + ", " + FormatNumber(max_zoom) + "]), got " +
                           FormatNumber(home_zoom));
  }
  return Status::Ok();
}

nlohmann::json PtzLinkageStats::ToJson() const {
  return {{"health", health == PtzHealth::kOk ? "ok" : "degraded"},
          {"last_error", last_error},
          {"driver_errors", driver_errors},
          {"commands_queued", commands_queued},
          {"commands_sent", commands_sent},
          {"commands_superseded", commands_superseded},
          {"status_polls", status_polls},
          {"selector", SelectorStateName(selector)},
          {"track_id", track_id},
          {"handoffs", handoffs}};
}

Result<std::unique_ptr<PtzLinkage>> PtzLinkage::Create(const PtzLinkageOptions& options,
                                                       std::shared_ptr<PtzDriver> driver,
                                                       Clock clock) {
  ES_RETURN_IF_ERROR(options.Validate());
  if (options.calibration_file.empty()) {
    return InvalidArgument("ptz.calibration_file: required (see edgesight calibrate)");
  }
  if (!driver) return InvalidArgument("ptz: no driver");
  auto calib = LoadCalibration(options.calibration_file);
  if (!calib.ok()) {
    return Status(calib.status().code(), "ptz.calibration_file: " + calib.status().message());
  }
  return std::make_unique<PtzLinkage>(options, *calib, std::move(driver), std::move(clock));
}

PtzLinkage::PtzLinkage(const PtzLinkageOptions& options, RayCalibration calibration,
                       std::shared_ptr<PtzDriver> driver, Clock clock)
    : o_(options),
      driver_(std::move(driver)),
      clock_(clock ? std::move(clock) : Clock(SteadyNow)),
      selector_(calibration, SelectorOf(options)),
      controller_(ControllerOf(options)),
      jobs_("ptz", 1, QueuePolicy::kCoalesce, [this](Job& queued, Job&& incoming) {
        // Called inside OnFrame's Offer, with mu_ held.
        if (incoming.command) {
          if (queued.command) ++stats_.commands_superseded;
          queued.command = std::move(incoming.command);
        }
        queued.want_status = queued.want_status || incoming.want_status;
      }) {
  worker_.Start("es-ptz", [this] { Run(); });
}

PtzLinkage::~PtzLinkage() { Stop(); }

void PtzLinkage::Record(const Status& s) {
  if (s.ok()) {
    stats_.health = PtzHealth::kOk;
    return;
  }
  ++stats_.driver_errors;
  stats_.health = PtzHealth::kDegraded;
  stats_.last_error = OneLine(s.message());
}

void PtzLinkage::Run() {
  while (std::optional<Job> job = jobs_.Pop()) {
    Handle(*job);
    jobs_.TaskDone();
  }
}

void PtzLinkage::Handle(const Job& job) {
  // Driver calls happen without the lock: OnFrame never waits for the head.
  Status sent = Status::Ok();
  if (job.command) sent = driver_->Send(*job.command, Duration::Seconds(o_.continuous_timeout_s));
  std::optional<Result<PtzStatus>> st;
  if (job.want_status) st = driver_->GetStatus();
  const Timestamp arrived = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  if (job.command) {
    if (sent.ok()) ++stats_.commands_sent;
    Record(sent);
  }
  if (st) {
    ++stats_.status_polls;
    if (st->ok()) {
      PtzStatus s = **st;
      s.t = arrived;
      status_ = s;
    }
    Record(st->status());
  }
}

void PtzLinkage::OnFrame(const std::vector<TrackOutput>& tracks, Timestamp capture) {
  const Timestamp now = clock_();
  PtzStatus status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    if (status_) {
      status = *status_;
    } else {
      status.t = now;  // nothing heard from the head yet: assume it is at home, still
      status.pan_deg = o_.home_pan_deg;
      status.tilt_deg = o_.home_tilt_deg;
      status.zoom = o_.home_zoom;
    }
  }
  const Selection sel = selector_.Update(tracks, capture);
  std::optional<PtzCommand> cmd;
  switch (sel.state) {
    case SelectorState::kTracking:
      if (sel.entered) controller_->Reset();  // a fresh start after idle / search / home
      cmd = controller_->Decide({now, sel.target, status});
      break;
    case SelectorState::kHolding:
      cmd = controller_->Decide({now, std::nullopt, status});
      break;
    case SelectorState::kSearching:
      if (sel.entered) {
        controller_->Reset();
        const double zoom = std::max(o_.min_zoom, status.zoom / o_.search_zoom_out);
        cmd = PtzCommand{PtzCommand::Type::kAbsolute, sel.last_known.pan_deg,
                         sel.last_known.tilt_deg, zoom};
      }
      break;
    case SelectorState::kHome:
      if (sel.entered) {
        controller_->Reset();
        cmd = PtzCommand{PtzCommand::Type::kAbsolute, o_.home_pan_deg, o_.home_tilt_deg,
                         o_.home_zoom};
      }
      break;
    case SelectorState::kIdle:
      break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  Job job;
  if (cmd) {
    job.command = cmd;
    ++stats_.commands_queued;
  }
  if (!requested_status_ || (now - last_status_request_).seconds() >= o_.status_interval_s) {
    requested_status_ = true;
    last_status_request_ = now;
    job.want_status = true;
  }
  if (job.command || job.want_status) jobs_.Push(std::move(job));
  stats_.selector = sel.state;
  stats_.track_id = sel.track_id;
  stats_.handoffs = std::max(0, selector_.handoffs());
}

bool PtzLinkage::WaitIdle(Duration timeout) {
  return jobs_.WaitDone(std::chrono::steady_clock::now() + std::chrono::microseconds(timeout.us));
}

void PtzLinkage::Stop() {
  bool send_stop = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;  // already stopped (or stopping)
    stop_ = true;
  }
  jobs_.Close();
  jobs_.Drain();  // a command not yet sent is not sent now: the head gets one Stop instead
  worker_.Join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    send_stop = stats_.commands_sent > 0;
  }
  if (send_stop) {
    const Status s = driver_->Stop();  // bounded by the driver's own I/O timeout
    std::lock_guard<std::mutex> lock(mu_);
    Record(s);
  }
}

PtzLinkageStats PtzLinkage::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace es
