#include "ptz/onvif_ptz_emulator.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ptz/onvif_ptz_messages.h"
#include "ptz/onvif_soap.h"

namespace es {
namespace {

constexpr char kSoapContentType[] = "application/soap+xml; charset=utf-8";

std::string RegexEscape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

double WrapDeg(double deg) {
  double w = std::fmod(deg + 180.0, 360.0);
  if (w < 0) w += 360.0;
  return w - 180.0;
}

// 'name' (at most 64 characters), appended piecewise (GCC 12 warns on "'" + string).
std::string Quoted(std::string_view name) {
  std::string q(1, '\'');
  q.append(name.substr(0, 64));
  q.push_back('\'');
  return q;
}

std::chrono::microseconds Chrono(Duration d) { return std::chrono::microseconds(d.us); }

}  // namespace

OnvifPtzEmulator::OnvifPtzEmulator(OnvifPtzEmulatorOptions options)
    : options_(std::move(options)),
      sim_(
          [&] {
            PtzSimOptions o = options_.sim;
            o.continuous_timeout_s = 0;  // the emulator enforces each request's Timeout
            return o;
          }(),
          SteadyNow()),
      verifier_(onvif::UsernameTokenVerifierOptions{
          options_.username, options_.password, options_.max_token_age, options_.max_clock_skew}) {}

Result<std::unique_ptr<OnvifPtzEmulator>> OnvifPtzEmulator::Start(OnvifPtzEmulatorOptions options) {
  if (Status s = options.mapping.Validate(); !s.ok()) {
    return InvalidArgument("onvif emulator: mapping: " + s.message());
  }
  if (options.auth_failure_http_status != 400 && options.auth_failure_http_status != 401) {
    return InvalidArgument("onvif emulator: auth_failure_http_status must be 400 or 401");
  }
  if (options.step_period.us <= 0 || options.default_timeout.us <= 0 ||
      options.min_timeout.us <= 0 || options.max_timeout < options.min_timeout) {
    return InvalidArgument("onvif emulator: step period and timeouts must be positive");
  }
  if (options.path.empty() || options.path.front() != '/') {
    return InvalidArgument("onvif emulator: path must start with '/'");
  }
  std::unique_ptr<OnvifPtzEmulator> emu(new OnvifPtzEmulator(std::move(options)));
  emu->server_ = std::make_unique<httplib::Server>();
  httplib::Server& svr = *emu->server_;
  svr.set_read_timeout(2, 0);
  svr.set_write_timeout(2, 0);
  svr.set_keep_alive_timeout(1);
  svr.set_keep_alive_max_count(100);
  OnvifPtzEmulator* self = emu.get();
  svr.Post(RegexEscape(emu->options_.path),
           [self](const httplib::Request& req, httplib::Response& res) { self->Handle(req, res); });
  emu->port_ = svr.bind_to_any_port("127.0.0.1");
  if (emu->port_ <= 0) return Unavailable("onvif emulator: cannot bind a port on 127.0.0.1");
  emu->listen_thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  emu->step_thread_ = std::thread([self] { self->StepLoop(); });
  const Timestamp give_up = SteadyNow() + Duration::Seconds(2);
  while (!svr.is_running() && SteadyNow() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!svr.is_running()) {
    emu->Stop();
    return Unavailable("onvif emulator: the HTTP server did not start within 2 s");
  }
  return emu;
}

OnvifPtzEmulator::~OnvifPtzEmulator() { Stop(); }

void OnvifPtzEmulator::Stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stopped_) return;
    stopped_ = stopping_ = true;
  }
  cv_.notify_all();
  if (server_) server_->stop();
  if (listen_thread_.joinable()) listen_thread_.join();
  if (step_thread_.joinable()) step_thread_.join();
}

std::string OnvifPtzEmulator::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + options_.path;
}

void OnvifPtzEmulator::SetFaults(const OnvifEmulatorFaults& faults) {
  std::lock_guard<std::mutex> lk(mu_);
  faults_ = faults;
}

PtzStatus OnvifPtzEmulator::head() {
  std::lock_guard<std::mutex> lk(mu_);
  AdvanceLocked();
  return sim_.status();
}

void OnvifPtzEmulator::SetPosition(double pan_deg, double tilt_deg, double zoom) {
  std::lock_guard<std::mutex> lk(mu_);
  AdvanceLocked();
  sim_.SetPosition(pan_deg, tilt_deg, zoom);
  intent_ = Intent::kNone;
  deadline_.reset();
  zoom_continuous_ = false;
}

OnvifPtzEmulator::Counters OnvifPtzEmulator::counters() const {
  std::lock_guard<std::mutex> lk(mu_);
  return counters_;
}

void OnvifPtzEmulator::StepLoop() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stopping_) {
    cv_.wait_for(lk, Chrono(options_.step_period), [this] { return stopping_; });
    if (stopping_) break;
    AdvanceLocked();
  }
}

void OnvifPtzEmulator::AdvanceLocked() {
  const Timestamp now = SteadyNow();
  // Fire an expired ContinuousMove Timeout at its deadline, then integrate in small steps.
  auto step_to = [&](Timestamp t) {
    while (sim_.now() < t) {
      sim_.Step(std::min(t - sim_.now(), options_.step_period));
    }
  };
  if (deadline_ && *deadline_ <= now) {
    step_to(*deadline_);
    deadline_.reset();
    std::optional<double> freeze;
    if (zoom_continuous_) freeze = sim_.status().zoom;
    zoom_continuous_ = false;
    if (intent_ == Intent::kVelocity) {
      intent_ = Intent::kNone;
      SubmitLocked(PtzCommand::Type::kStop, 0, 0, freeze);
    } else if (freeze) {
      SubmitZoomOnlyLocked(*freeze);
    }
  }
  step_to(now);
}

void OnvifPtzEmulator::SubmitLocked(PtzCommand::Type type, double pan, double tilt,
                                    std::optional<double> zoom) {
  PtzCommand cmd;
  cmd.type = type;
  cmd.pan = pan;
  cmd.tilt = tilt;
  cmd.zoom = zoom;
  sim_.Submit(cmd);
}

// The simulator has no zoom-only command: repeat the current pan/tilt intent with the zoom.
void OnvifPtzEmulator::MoveToGoalLocked(std::optional<std::pair<double, double>> pan_tilt_deg,
                                        std::optional<double> zoom) {
  if (!pan_tilt_deg) {
    if (zoom) SubmitZoomOnlyLocked(*zoom);
    return;
  }
  const PtzSimOptions& so = sim_.options();
  goal_pan_ = pan_tilt_deg->first;
  goal_tilt_ = std::clamp(pan_tilt_deg->second, so.min_tilt_deg, so.max_tilt_deg);
  intent_ = Intent::kGoal;
  deadline_.reset();
  SubmitLocked(PtzCommand::Type::kAbsolute, goal_pan_, goal_tilt_, zoom);
}

void OnvifPtzEmulator::SubmitZoomOnlyLocked(double zoom) {
  switch (intent_) {
    case Intent::kVelocity:
      SubmitLocked(PtzCommand::Type::kContinuous, vel_pan_, vel_tilt_, zoom);
      break;
    case Intent::kGoal:
      SubmitLocked(PtzCommand::Type::kAbsolute, goal_pan_, goal_tilt_, zoom);
      break;
    case Intent::kNone:
      SubmitLocked(PtzCommand::Type::kStop, 0, 0, zoom);
      break;
  }
}

OnvifPtzEmulator::Reply OnvifPtzEmulator::Fault(int http_status, std::string_view code,
                                                const std::vector<std::string>& subcodes,
                                                std::string_view reason) {
  ++counters_.faults;
  return Reply{http_status,
               onvif::BuildEnvelope("", onvif::BuildFaultBody(code, subcodes, reason))};
}

OnvifPtzEmulator::Reply OnvifPtzEmulator::Ok(std::string body_xml, std::string_view operation) {
  ++counters_.operations[std::string(operation)];
  return Reply{200, onvif::BuildEnvelope("", body_xml)};
}

void OnvifPtzEmulator::Handle(const httplib::Request& req, httplib::Response& res) {
  OnvifEmulatorFaults faults;
  {
    std::unique_lock<std::mutex> lk(mu_);
    ++counters_.requests;
    faults = faults_;
    if (faults.response_delay.us > 0) {
      cv_.wait_for(lk, Chrono(faults.response_delay), [this] { return stopping_; });
    }
    if (stopping_) {
      res.status = 503;
      res.set_content("shutting down", "text/plain");
      return;
    }
  }
  if (faults.http_500) {
    res.status = 500;
    res.set_content("internal error", "text/plain");
    return;
  }
  if (faults.garbage_body) {
    res.status = 200;
    res.set_content("<<this is not XML>> \x01\x02", kSoapContentType);
    return;
  }
  Reply reply = Dispatch(req.body);
  res.status = reply.http_status;
  res.set_content(reply.body, kSoapContentType);
}

OnvifPtzEmulator::Reply OnvifPtzEmulator::Dispatch(const std::string& request_body) {
  Result<onvif::SoapMessage> parsed = onvif::SoapMessage::Parse(request_body);
  std::lock_guard<std::mutex> lk(mu_);
  if (!parsed.ok()) {
    return Fault(400, "Sender", {"WellFormed"}, OneLine(parsed.status().message()));
  }
  const onvif::SoapMessage& msg = *parsed;
  if (!msg.is_soap12()) {
    return Fault(500, "VersionMismatch", {}, "this device speaks SOAP 1.2 only");
  }

  // Authentication.
  if (faults_.reject_all_auth || !options_.username.empty()) {
    Status auth = PermissionDenied("authentication rejected (fault switch)");
    if (!faults_.reject_all_auth) {
      const std::optional<onvif::UsernameToken> token = onvif::ReadUsernameToken(msg.header());
      auth = token ? verifier_.Verify(*token, std::chrono::system_clock::now())
                   : PermissionDenied("no UsernameToken");
    }
    if (!auth.ok()) {
      ++counters_.auth_failures;
      return Fault(options_.auth_failure_http_status, "Sender", {"NotAuthorized"},
                   "Sender not Authorized: " + auth.message());
    }
  }

  const pugi::xml_node op = msg.payload();
  const std::string name(onvif::LocalName(op.name()));
  if (!op || onvif::NamespaceUri(op) != onvif::kPtzNs) {
    return Fault(500, "Receiver", {"ActionNotSupported"},
                 Quoted(name) + " is not an operation of the PTZ service");
  }
  auto bad_request = [&](const Status& s) {
    return Fault(400, "Sender", {"InvalidArgVal"}, OneLine(s.message()));
  };
  auto no_profile = [&] {
    return Fault(400, "Sender", {"InvalidArgVal", "NoProfile"}, "No such profile");
  };
  AdvanceLocked();
  const OnvifSpaceMapping& m = options_.mapping;
  const PtzSimOptions& so = sim_.options();
  auto zoom_from_unit = [&](double u) {
    return std::clamp(m.UnitToZoom(std::clamp(u, 0.0, 1.0)), so.min_zoom, so.max_zoom);
  };

  if (name == "ContinuousMove") {
    Result<onvif::ContinuousMoveRequest> r = onvif::ParseContinuousMove(op);
    if (!r.ok()) return bad_request(r.status());
    if (r->profile_token != options_.profile_token) return no_profile();
    Duration timeout = r->timeout.value_or(options_.default_timeout);
    timeout = std::clamp(timeout, options_.min_timeout, options_.max_timeout);
    std::optional<double> zoom_goal;
    if (r->velocity.zoom) {
      const double zv = *r->velocity.zoom;
      zoom_goal = zv > 0 ? so.max_zoom : zv < 0 ? so.min_zoom : sim_.status().zoom;
      zoom_continuous_ = zv != 0;
    }
    if (r->velocity.pan_tilt) {
      vel_pan_ = m.UnitToPanSpeed(std::clamp(r->velocity.pan_tilt->x, -1.0, 1.0));
      vel_tilt_ = m.UnitToTiltSpeed(std::clamp(r->velocity.pan_tilt->y, -1.0, 1.0));
      intent_ = Intent::kVelocity;
      SubmitLocked(PtzCommand::Type::kContinuous, vel_pan_, vel_tilt_, zoom_goal);
    } else if (zoom_goal) {
      SubmitZoomOnlyLocked(*zoom_goal);
    }
    deadline_ = SteadyNow() + timeout;
    return Ok(onvif::BuildEmptyResponse("ContinuousMove"), name);
  }
  if (name == "RelativeMove") {
    Result<onvif::RelativeMoveRequest> r = onvif::ParseRelativeMove(op);
    if (!r.ok()) return bad_request(r.status());
    if (r->profile_token != options_.profile_token) return no_profile();
    const PtzStatus st = sim_.status();
    std::optional<double> zoom_goal;
    if (r->translation.zoom) {
      zoom_goal =
          zoom_from_unit(m.ZoomToUnit(st.zoom) + std::clamp(*r->translation.zoom, -1.0, 1.0));
      zoom_continuous_ = false;
    }
    std::optional<std::pair<double, double>> goal;
    if (r->translation.pan_tilt) {
      goal = {{st.pan_deg + m.UnitToPan(std::clamp(r->translation.pan_tilt->x, -1.0, 1.0)),
               st.tilt_deg + m.UnitToTilt(std::clamp(r->translation.pan_tilt->y, -1.0, 1.0))}};
    }
    MoveToGoalLocked(goal, zoom_goal);
    return Ok(onvif::BuildEmptyResponse("RelativeMove"), name);
  }
  if (name == "AbsoluteMove") {
    Result<onvif::AbsoluteMoveRequest> r = onvif::ParseAbsoluteMove(op);
    if (!r.ok()) return bad_request(r.status());
    if (r->profile_token != options_.profile_token) return no_profile();
    std::optional<double> zoom_goal;
    if (r->position.zoom) {
      zoom_goal = zoom_from_unit(*r->position.zoom);
      zoom_continuous_ = false;
    }
    std::optional<std::pair<double, double>> goal;
    if (r->position.pan_tilt) {
      goal = {{m.UnitToPan(std::clamp(r->position.pan_tilt->x, -1.0, 1.0)),
               m.UnitToTilt(std::clamp(r->position.pan_tilt->y, -1.0, 1.0))}};
    }
    MoveToGoalLocked(goal, zoom_goal);
    return Ok(onvif::BuildEmptyResponse("AbsoluteMove"), name);
  }
  if (name == "Stop") {
    Result<onvif::StopRequest> r = onvif::ParseStop(op);
    if (!r.ok()) return bad_request(r.status());
    if (r->profile_token != options_.profile_token) return no_profile();
    std::optional<double> freeze;
    if (r->zoom) {
      freeze = sim_.status().zoom;
      zoom_continuous_ = false;
    }
    if (r->pan_tilt) {
      intent_ = Intent::kNone;
      deadline_.reset();
      SubmitLocked(PtzCommand::Type::kStop, 0, 0, freeze);
    } else if (freeze) {
      SubmitZoomOnlyLocked(*freeze);
    }
    return Ok(onvif::BuildEmptyResponse("Stop"), name);
  }
  if (name == "GetStatus") {
    Result<onvif::GetStatusRequest> r = onvif::ParseGetStatus(op);
    if (!r.ok()) return bad_request(r.status());
    if (r->profile_token != options_.profile_token) return no_profile();
    const PtzStatus st = sim_.status();
    onvif::GetStatusResponse out;
    out.position.pan_tilt =
        onvif::OnvifPanTilt{std::clamp(m.PanToUnit(WrapDeg(st.pan_deg)), -1.0, 1.0),
                            std::clamp(m.TiltToUnit(st.tilt_deg), -1.0, 1.0)};
    out.position.zoom = std::clamp(m.ZoomToUnit(st.zoom), 0.0, 1.0);
    const bool moving = !st.idle || faults_.never_idle;
    const onvif::OnvifMoveStatus ms =
        moving ? onvif::OnvifMoveStatus::kMoving : onvif::OnvifMoveStatus::kIdle;
    out.pan_tilt_status = ms;
    out.zoom_status = ms;
    out.utc_time = onvif::FormatUtc(std::chrono::system_clock::now());
    return Ok(onvif::BuildGetStatusResponse(out), name);
  }
  if (name == "GetConfigurationOptions") {
    Result<onvif::GetConfigurationOptionsRequest> r = onvif::ParseGetConfigurationOptions(op);
    if (!r.ok()) return bad_request(r.status());
    if (r->configuration_token != options_.configuration_token) {
      return Fault(400, "Sender", {"InvalidArgVal", "NoEntity"}, "No such configuration");
    }
    using onvif::OnvifRange;
    using onvif::OnvifSpace;
    const OnvifRange sym{-1, 1};
    const OnvifRange tilt{std::clamp(m.TiltToUnit(so.min_tilt_deg), -1.0, 1.0),
                          std::clamp(m.TiltToUnit(so.max_tilt_deg), -1.0, 1.0)};
    const OnvifRange zoom{std::clamp(m.ZoomToUnit(so.min_zoom), 0.0, 1.0),
                          std::clamp(m.ZoomToUnit(so.max_zoom), 0.0, 1.0)};
    onvif::PtzConfigurationOptions o;
    o.absolute_pan_tilt = {OnvifSpace{onvif::kPanTiltPositionGenericSpace, sym, tilt}};
    o.absolute_zoom = {OnvifSpace{onvif::kZoomPositionGenericSpace, zoom, std::nullopt}};
    o.relative_pan_tilt = {OnvifSpace{onvif::kPanTiltTranslationGenericSpace, sym, sym}};
    o.relative_zoom = {OnvifSpace{onvif::kZoomTranslationGenericSpace, sym, std::nullopt}};
    o.continuous_pan_tilt = {OnvifSpace{onvif::kPanTiltVelocityGenericSpace, sym, sym}};
    o.continuous_zoom = {OnvifSpace{onvif::kZoomVelocityGenericSpace, sym, std::nullopt}};
    o.pan_tilt_speed = {OnvifSpace{onvif::kPanTiltSpeedGenericSpace, {0, 1}, std::nullopt}};
    o.zoom_speed = {OnvifSpace{onvif::kZoomSpeedGenericSpace, {0, 1}, std::nullopt}};
    o.timeout_min = options_.min_timeout;
    o.timeout_max = options_.max_timeout;
    return Ok(onvif::BuildGetConfigurationOptionsResponse(o), name);
  }
  return Fault(500, "Receiver", {"ActionNotSupported"},
               "operation " + Quoted(name) + " is not supported by this emulator");
}

}  // namespace es
