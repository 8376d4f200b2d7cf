#include "ptz/onvif_ptz_client.h"

#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "ptz/onvif_soap.h"
#include "ptz/onvif_wsse.h"

namespace es {
namespace {

using onvif::OnvifRange;

double Clamp(double v, const OnvifRange& r) { return std::clamp(v, r.min, r.max); }

// Wraps into [min, min + span) when the range covers a full turn, else clamps.
double WrapOrClamp(double unit, const OnvifRange& r, double deg_per_unit) {
  const double span = r.max - r.min;
  if (span > 0 && span * deg_per_unit >= 360.0 - 1e-9) {
    double v = std::fmod(unit - r.min, span);
    if (v < 0) v += span;
    return std::min(r.min + v, r.max);
  }
  return Clamp(unit, r);
}

bool AllFinite(std::initializer_list<double> values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

std::string TransportError(httplib::Error e, const OnvifPtzClientOptions& o) {
  switch (e) {
    case httplib::Error::Connection:
      return "cannot connect (connection refused or host unreachable)";
    case httplib::Error::ConnectionTimeout:
      return "no connection within " + std::to_string(o.connect_timeout.us / 1000) + " ms";
    case httplib::Error::Read:
      return "no reply within " + std::to_string(o.read_timeout.us / 1000) +
             " ms (read timeout or connection closed)";
    case httplib::Error::Write:
      return "sending the request failed (connection closed or write timeout)";
    default:
      return "transport error: " + httplib::to_string(e);
  }
}

Status FaultStatus(const onvif::SoapFault& f, int http_status, const std::string& prefix) {
  const std::string msg =
      prefix + "SOAP fault " + f.ToString() + " (HTTP " + std::to_string(http_status) + ")";
  if (f.HasSubcode("NotAuthorized") || f.code == "NotAuthorized") return PermissionDenied(msg);
  if (f.code == "Sender" || f.code == "Client") return InvalidArgument(msg);
  return Internal(msg);
}

}  // namespace

Result<std::unique_ptr<OnvifPtzClient>> OnvifPtzClient::Create(OnvifPtzClientOptions options) {
  const std::string& url = options.endpoint;
  constexpr std::string_view kScheme = "http://";
  if (!std::string_view(url).starts_with(kScheme)) {
    // Do not echo the URL: it may carry credentials.
    return InvalidArgument("onvif: endpoint must be an http://host[:port]/path URL");
  }
  const size_t auth_start = kScheme.size();
  const size_t slash = url.find('/', auth_start);
  const std::string authority =
      url.substr(auth_start, slash == std::string::npos ? std::string::npos : slash - auth_start);
  if (authority.find('@') != std::string::npos) {
    return InvalidArgument(
        "onvif: endpoint URL must not carry credentials; set username/password instead");
  }
  std::string host = authority, port_text;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string::npos) return InvalidArgument("onvif " + url + ": bad IPv6 host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return InvalidArgument("onvif " + url + ": bad host");
      port_text = authority.substr(close + 2);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument("onvif " + url + ": endpoint has no host");
  int port = 80;
  if (!port_text.empty()) {
    const std::optional<double> p = onvif::ParseNumber(port_text);
    if (!p || *p != std::floor(*p) || *p < 1 || *p > 65535 ||
        port_text.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("onvif " + url + ": bad port '" + port_text + "'");
    }
    port = static_cast<int>(*p);
  }
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  if (options.profile_token.empty()) {
    return InvalidArgument("onvif " + url + ": profile_token is empty");
  }
  if (options.connect_timeout.us <= 0 || options.read_timeout.us <= 0) {
    return InvalidArgument("onvif " + url + ": connect and read timeouts must be > 0");
  }
  if (Status s = options.mapping.Validate(); !s.ok()) {
    return InvalidArgument("onvif " + url + ": mapping: " + s.message());
  }
  if (options.configuration_token.empty()) options.configuration_token = options.profile_token;
  return std::unique_ptr<OnvifPtzClient>(
      new OnvifPtzClient(std::move(options), std::move(host), port, std::move(path)));
}

OnvifPtzClient::OnvifPtzClient(OnvifPtzClientOptions options, std::string host, int port,
                               std::string path)
    : options_(std::move(options)), host_(std::move(host)), port_(port), path_(std::move(path)) {}

std::string OnvifPtzClient::Prefix(std::string_view operation) const {
  return "onvif " + options_.endpoint + ": " + std::string(operation) + ": ";
}

Result<onvif::SoapMessage> OnvifPtzClient::Call(std::string_view operation,
                                                const std::string& body) {
  const std::string prefix = Prefix(operation);
  std::string header;
  if (!options_.username.empty()) {
    Result<onvif::UsernameToken> token =
        onvif::MakeUsernameToken(options_.username, options_.password);
    if (!token.ok()) return token.status().WithContext(prefix.substr(0, prefix.size() - 2));
    header = onvif::SecurityHeaderXml(*token);
  }
  const std::string envelope = onvif::BuildEnvelope(header, body);
  const std::string content_type =
      "application/soap+xml; charset=utf-8; action=\"" + onvif::PtzAction(operation) + "\"";

  int http_status = 0;
  std::string reply;
  try {
    httplib::Client cli(host_, port_);
    const auto split = [](Duration d) {
      return std::pair<time_t, time_t>(d.us / 1000000, d.us % 1000000);
    };
    const auto [cs, cus] = split(options_.connect_timeout);
    const auto [rs, rus] = split(options_.read_timeout);
    cli.set_connection_timeout(cs, cus);
    cli.set_read_timeout(rs, rus);
    cli.set_write_timeout(rs, rus);
    cli.set_keep_alive(false);
    httplib::Result res = cli.Post(path_, envelope, content_type);
    if (!res) return Unavailable(prefix + TransportError(res.error(), options_));
    http_status = res->status;
    reply = std::move(res->body);
  } catch (const std::exception& e) {
    return Internal(prefix + "HTTP client failed: " + OneLine(e.what()));
  }

  Result<onvif::SoapMessage> msg = onvif::SoapMessage::Parse(reply);
  if (msg.ok()) {
    if (std::optional<onvif::SoapFault> f = msg->fault()) {
      return FaultStatus(*f, http_status, prefix);
    }
  }
  if (http_status == 401) {
    return PermissionDenied(prefix +
                            "HTTP 401 Unauthorized: the device rejected the credentials "
                            "(or wants HTTP digest authentication, which is not supported)");
  }
  if (http_status != 200) {
    const std::string msg_text =
        prefix + "HTTP " + std::to_string(http_status) + " without a SOAP fault";
    if (http_status == 404) return NotFound(msg_text + " (wrong endpoint path?)");
    if (http_status == 503) return Unavailable(msg_text);
    return Internal(msg_text);
  }
  if (!msg.ok()) return DataLoss(prefix + msg.status().message());
  return msg;
}

Status OnvifPtzClient::CallExpectEmpty(std::string_view operation, const std::string& body) {
  ES_ASSIGN_OR_RETURN(onvif::SoapMessage msg, Call(operation, body));
  const std::string_view got = onvif::LocalName(msg.payload().name());
  if (got != std::string(operation) + "Response") {
    return DataLoss(Prefix(operation) + "expected " + std::string(operation) + "Response, got '" +
                    std::string(got.substr(0, 64)) + "'");
  }
  return Status::Ok();
}

Status OnvifPtzClient::SendZoom(std::optional<double> zoom) {
  if (!zoom) return Status::Ok();
  const double z = Clamp(options_.mapping.ZoomToUnit(*zoom), limits_.zoom_pos);
  if (zoom_sent_ && std::abs(*zoom_sent_ - z) < 1e-9) return Status::Ok();
  onvif::AbsoluteMoveRequest r;
  r.profile_token = options_.profile_token;
  r.position.zoom = z;
  Status s = CallExpectEmpty("AbsoluteMove", onvif::BuildAbsoluteMove(r));
  if (s.ok()) zoom_sent_ = z;
  return s;
}

Status OnvifPtzClient::MoveThenZoom(std::string_view operation, const std::string& body,
                                    std::optional<double> zoom) {
  Status s = CallExpectEmpty(operation, body);
  if (s.ok()) s = SendZoom(zoom);
  if (!s.ok()) zoom_sent_.reset();  // the lens position is unknown: send the next zoom again
  return s;
}

Status OnvifPtzClient::ContinuousMove(double pan_dps, double tilt_dps, std::optional<double> zoom,
                                      Duration timeout) {
  if (!AllFinite({pan_dps, tilt_dps, zoom.value_or(1.0)})) {
    return InvalidArgument(Prefix("ContinuousMove") + "non-finite speed or zoom");
  }
  const OnvifSpaceMapping& m = options_.mapping;
  onvif::ContinuousMoveRequest r;
  r.profile_token = options_.profile_token;
  r.velocity.pan_tilt = onvif::OnvifPanTilt{Clamp(m.PanSpeedToUnit(pan_dps), limits_.pan_vel),
                                            Clamp(m.TiltSpeedToUnit(tilt_dps), limits_.tilt_vel)};
  if (timeout.us > 0) {
    Duration t = timeout;
    if (limits_.timeout_min && t < *limits_.timeout_min) t = *limits_.timeout_min;
    if (limits_.timeout_max && t > *limits_.timeout_max) t = *limits_.timeout_max;
    r.timeout = t;
  }
  return MoveThenZoom("ContinuousMove", onvif::BuildContinuousMove(r), zoom);
}

Status OnvifPtzClient::RelativeMove(double dpan_deg, double dtilt_deg, std::optional<double> zoom) {
  if (!AllFinite({dpan_deg, dtilt_deg, zoom.value_or(1.0)})) {
    return InvalidArgument(Prefix("RelativeMove") + "non-finite translation or zoom");
  }
  const OnvifSpaceMapping& m = options_.mapping;
  onvif::RelativeMoveRequest r;
  r.profile_token = options_.profile_token;
  r.translation.pan_tilt = onvif::OnvifPanTilt{Clamp(m.PanToUnit(dpan_deg), limits_.pan_tr),
                                               Clamp(m.TiltToUnit(dtilt_deg), limits_.tilt_tr)};
  return MoveThenZoom("RelativeMove", onvif::BuildRelativeMove(r), zoom);
}

Status OnvifPtzClient::AbsoluteMove(double pan_deg, double tilt_deg, std::optional<double> zoom) {
  if (!AllFinite({pan_deg, tilt_deg, zoom.value_or(1.0)})) {
    return InvalidArgument(Prefix("AbsoluteMove") + "non-finite position or zoom");
  }
  const OnvifSpaceMapping& m = options_.mapping;
  onvif::AbsoluteMoveRequest r;
  r.profile_token = options_.profile_token;
  r.position.pan_tilt =
      onvif::OnvifPanTilt{WrapOrClamp(m.PanToUnit(pan_deg), limits_.pan_pos, m.pan_deg_per_unit),
                          Clamp(m.TiltToUnit(tilt_deg), limits_.tilt_pos)};
  if (zoom) r.position.zoom = Clamp(m.ZoomToUnit(*zoom), limits_.zoom_pos);
  Status s = CallExpectEmpty("AbsoluteMove", onvif::BuildAbsoluteMove(r));
  if (s.ok() && zoom) {
    zoom_sent_ = r.position.zoom;
  } else if (!s.ok()) {
    zoom_sent_.reset();
  }
  return s;
}

Status OnvifPtzClient::Stop() {
  onvif::StopRequest r;
  r.profile_token = options_.profile_token;
  zoom_sent_.reset();  // the zoom halts wherever it is
  return CallExpectEmpty("Stop", onvif::BuildStop(r));
}

Result<PtzStatus> OnvifPtzClient::GetStatus() {
  onvif::GetStatusRequest req;
  req.profile_token = options_.profile_token;
  ES_ASSIGN_OR_RETURN(onvif::SoapMessage msg, Call("GetStatus", onvif::BuildGetStatus(req)));
  Result<onvif::GetStatusResponse> r = onvif::ParseGetStatusResponse(msg.payload());
  if (!r.ok()) return DataLoss(Prefix("GetStatus") + r.status().message());
  if (!r->position.pan_tilt) {
    return DataLoss(Prefix("GetStatus") + "reply has no Position/PanTilt");
  }
  const OnvifSpaceMapping& m = options_.mapping;
  PtzStatus st;
  st.t = SteadyNow();
  st.pan_deg = m.UnitToPan(r->position.pan_tilt->x);
  st.tilt_deg = m.UnitToTilt(r->position.pan_tilt->y);
  st.zoom = r->position.zoom ? m.UnitToZoom(*r->position.zoom) : 1.0;
  const bool moving = r->pan_tilt_status == onvif::OnvifMoveStatus::kMoving ||
                      r->zoom_status == onvif::OnvifMoveStatus::kMoving;
  st.idle = !moving;
  return st;
}

Result<PtzCapabilities> OnvifPtzClient::GetConfigurationOptions() {
  onvif::GetConfigurationOptionsRequest req;
  req.configuration_token = options_.configuration_token;
  ES_ASSIGN_OR_RETURN(onvif::SoapMessage msg,
                      Call("GetConfigurationOptions", onvif::BuildGetConfigurationOptions(req)));
  Result<onvif::PtzConfigurationOptions> r =
      onvif::ParseGetConfigurationOptionsResponse(msg.payload());
  if (!r.ok()) return DataLoss(Prefix("GetConfigurationOptions") + r.status().message());
  const onvif::PtzConfigurationOptions& o = *r;
  const OnvifSpaceMapping& m = options_.mapping;
  auto valid = [](const OnvifRange& x) {
    return std::isfinite(x.min) && std::isfinite(x.max) && x.min <= x.max;
  };

  PtzCapabilities caps;
  Limits lim;
  const onvif::OnvifSpace* abs_pt =
      FindSpace(o.absolute_pan_tilt, onvif::kPanTiltPositionGenericSpace);
  const onvif::OnvifSpace* abs_z = FindSpace(o.absolute_zoom, onvif::kZoomPositionGenericSpace);
  const onvif::OnvifSpace* rel_pt =
      FindSpace(o.relative_pan_tilt, onvif::kPanTiltTranslationGenericSpace);
  const onvif::OnvifSpace* cont_pt =
      FindSpace(o.continuous_pan_tilt, onvif::kPanTiltVelocityGenericSpace);
  caps.absolute = abs_pt != nullptr;
  caps.relative = rel_pt != nullptr;
  caps.continuous = cont_pt != nullptr;
  if (abs_pt && valid(abs_pt->x)) {
    lim.pan_pos = abs_pt->x;
    caps.pan_deg = {m.UnitToPan(abs_pt->x.min), m.UnitToPan(abs_pt->x.max)};
  }
  if (abs_pt && abs_pt->y && valid(*abs_pt->y)) {
    lim.tilt_pos = *abs_pt->y;
    caps.tilt_deg = {m.UnitToTilt(abs_pt->y->min), m.UnitToTilt(abs_pt->y->max)};
  }
  if (rel_pt && valid(rel_pt->x)) lim.pan_tr = rel_pt->x;
  if (rel_pt && rel_pt->y && valid(*rel_pt->y)) lim.tilt_tr = *rel_pt->y;
  if (cont_pt && valid(cont_pt->x)) {
    lim.pan_vel = cont_pt->x;
    caps.pan_speed_dps = {
        0, m.UnitToPanSpeed(std::max(std::abs(cont_pt->x.min), std::abs(cont_pt->x.max)))};
  }
  if (cont_pt && cont_pt->y && valid(*cont_pt->y)) {
    lim.tilt_vel = *cont_pt->y;
    caps.tilt_speed_dps = {
        0, m.UnitToTiltSpeed(std::max(std::abs(cont_pt->y->min), std::abs(cont_pt->y->max)))};
  }
  if (abs_z && valid(abs_z->x)) {
    lim.zoom_pos = abs_z->x;
    caps.zoom = {m.UnitToZoom(abs_z->x.min), m.UnitToZoom(abs_z->x.max)};
  } else if (o.absolute_zoom.empty() && o.continuous_zoom.empty() && o.relative_zoom.empty()) {
    caps.zoom = {1, 1};  // no zoom lens
    lim.zoom_pos = {0, 0};
  } else {
    caps.zoom = {1, m.max_zoom};
  }
  if (o.timeout_min && o.timeout_max && *o.timeout_min <= *o.timeout_max) {
    lim.timeout_min = o.timeout_min;
    lim.timeout_max = o.timeout_max;
  }
  limits_ = lim;
  reported_ = o;
  return caps;
}

}  // namespace es
