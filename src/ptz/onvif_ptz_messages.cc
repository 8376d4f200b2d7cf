#include "ptz/onvif_ptz_messages.h"

#include "ptz/onvif_soap.h"

namespace es::onvif {
namespace {

std::string Token(std::string_view tag, std::string_view value) {
  std::string x = "<tptz:";
  x += tag;
  x += ">";
  x += XmlEscape(value);
  x += "</tptz:";
  x += tag;
  x += ">";
  return x;
}

// <tptz:TAG><tt:PanTilt x=".." y=".."/><tt:Zoom x=".."/></tptz:TAG>
std::string Vector(std::string_view prefix, std::string_view tag, const OnvifVector& v,
                   const char* pan_tilt_space = nullptr, const char* zoom_space = nullptr) {
  std::string x = "<" + std::string(prefix) + ":" + std::string(tag) + ">";
  if (v.pan_tilt) {
    x += "<tt:PanTilt x=\"" + FormatNumber(v.pan_tilt->x) + "\" y=\"" +
         FormatNumber(v.pan_tilt->y) + "\"";
    if (pan_tilt_space) x += std::string(" space=\"") + pan_tilt_space + "\"";
    x += "/>";
  }
  if (v.zoom) {
    x += "<tt:Zoom x=\"" + FormatNumber(*v.zoom) + "\"";
    if (zoom_space) x += std::string(" space=\"") + zoom_space + "\"";
    x += "/>";
  }
  x += "</" + std::string(prefix) + ":" + std::string(tag) + ">";
  return x;
}

std::string Range(std::string_view tag, const OnvifRange& r) {
  return "<tt:" + std::string(tag) + "><tt:Min>" + FormatNumber(r.min) + "</tt:Min><tt:Max>" +
         FormatNumber(r.max) + "</tt:Max></tt:" + std::string(tag) + ">";
}

std::string Spaces(std::string_view tag, const std::vector<OnvifSpace>& spaces) {
  std::string x;
  for (const auto& s : spaces) {
    x += "<tt:" + std::string(tag) + "><tt:URI>" + XmlEscape(s.uri) + "</tt:URI>";
    x += Range("XRange", s.x);
    if (s.y) x += Range("YRange", *s.y);
    x += "</tt:" + std::string(tag) + ">";
  }
  return x;
}

Status Bad(StatusCode code, std::string message) { return Status(code, std::move(message)); }

Result<double> Number(pugi::xml_node node, std::string_view attr, std::string_view where,
                      StatusCode code) {
  const std::optional<std::string_view> text = Attr(node, attr);
  if (!text) return Bad(code, std::string(where) + " has no attribute " + std::string(attr));
  const std::optional<double> v = ParseNumber(*text);
  if (!v) {
    return Bad(code, std::string(where) + "/@" + std::string(attr) + " is not a number");
  }
  return *v;
}

// Reads a tt:PTZVector / tt:PTZSpeed; an absent node gives an empty vector.
Result<OnvifVector> ReadVector(pugi::xml_node node, std::string_view where, StatusCode code) {
  OnvifVector v;
  if (!node) return v;
  if (pugi::xml_node pt = Child(node, "PanTilt")) {
    const std::string w = std::string(where) + "/PanTilt";
    ES_ASSIGN_OR_RETURN(const double x, Number(pt, "x", w, code));
    ES_ASSIGN_OR_RETURN(const double y, Number(pt, "y", w, code));
    v.pan_tilt = OnvifPanTilt{x, y};
  }
  if (pugi::xml_node z = Child(node, "Zoom")) {
    ES_ASSIGN_OR_RETURN(const double x, Number(z, "x", std::string(where) + "/Zoom", code));
    v.zoom = x;
  }
  return v;
}

Result<std::string> ProfileToken(pugi::xml_node op, std::string_view tag = "ProfileToken") {
  const pugi::xml_node t = Child(op, tag);
  const std::string value = Text(t);
  if (!t || value.empty()) {
    return InvalidArgument(std::string(LocalName(op.name())) + " has no " + std::string(tag));
  }
  return value;
}

Result<OnvifRange> ReadRange(pugi::xml_node node, std::string_view where) {
  const std::optional<double> lo = ParseNumber(Text(Child(node, "Min")));
  const std::optional<double> hi = ParseNumber(Text(Child(node, "Max")));
  if (!lo || !hi) return DataLoss(std::string(where) + " has no numeric Min/Max");
  return OnvifRange{*lo, *hi};
}

Result<std::vector<OnvifSpace>> ReadSpaces(pugi::xml_node spaces, std::string_view tag,
                                           bool pan_tilt) {
  std::vector<OnvifSpace> out;
  for (pugi::xml_node c = spaces.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || LocalName(c.name()) != tag) continue;
    OnvifSpace s;
    s.uri = Text(Child(c, "URI"));
    ES_ASSIGN_OR_RETURN(s.x, ReadRange(Child(c, "XRange"), std::string(tag) + "/XRange"));
    if (pan_tilt) {
      if (pugi::xml_node y = Child(c, "YRange")) {
        ES_ASSIGN_OR_RETURN(s.y, ReadRange(y, std::string(tag) + "/YRange"));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<OnvifMoveStatus> ReadMoveStatus(pugi::xml_node node) {
  const std::string v = Text(node);
  if (v == "IDLE") return OnvifMoveStatus::kIdle;
  if (v == "MOVING") return OnvifMoveStatus::kMoving;
  if (v == "UNKNOWN") return OnvifMoveStatus::kUnknown;
  return DataLoss("MoveStatus/" + std::string(LocalName(node.name())) + " is '" + v.substr(0, 32) +
                  "', not IDLE/MOVING/UNKNOWN");
}

}  // namespace

std::string PtzAction(std::string_view operation) {
  return std::string(kPtzNs) + "/" + std::string(operation);
}

const char* MoveStatusName(OnvifMoveStatus s) {
  switch (s) {
    case OnvifMoveStatus::kIdle:
      return "IDLE";
    case OnvifMoveStatus::kMoving:
      return "MOVING";
    case OnvifMoveStatus::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

const OnvifSpace* FindSpace(const std::vector<OnvifSpace>& spaces, std::string_view uri) {
  for (const auto& s : spaces) {
    if (s.uri == uri) return &s;
  }
  return nullptr;
}

// ---- requests ----

std::string BuildContinuousMove(const ContinuousMoveRequest& r) {
  std::string x = "<tptz:ContinuousMove>" + Token("ProfileToken", r.profile_token);
  x += Vector("tptz", "Velocity", r.velocity);
  if (r.timeout) x += "<tptz:Timeout>" + FormatDuration(*r.timeout) + "</tptz:Timeout>";
  return x + "</tptz:ContinuousMove>";
}

std::string BuildRelativeMove(const RelativeMoveRequest& r) {
  std::string x = "<tptz:RelativeMove>" + Token("ProfileToken", r.profile_token);
  x += Vector("tptz", "Translation", r.translation);
  if (r.speed.pan_tilt || r.speed.zoom) x += Vector("tptz", "Speed", r.speed);
  return x + "</tptz:RelativeMove>";
}

std::string BuildAbsoluteMove(const AbsoluteMoveRequest& r) {
  std::string x = "<tptz:AbsoluteMove>" + Token("ProfileToken", r.profile_token);
  x += Vector("tptz", "Position", r.position);
  if (r.speed.pan_tilt || r.speed.zoom) x += Vector("tptz", "Speed", r.speed);
  return x + "</tptz:AbsoluteMove>";
}

std::string BuildStop(const StopRequest& r) {
  std::string x = "<tptz:Stop>" + Token("ProfileToken", r.profile_token);
  x += Token("PanTilt", r.pan_tilt ? "true" : "false");
  x += Token("Zoom", r.zoom ? "true" : "false");
  return x + "</tptz:Stop>";
}

std::string BuildGetStatus(const GetStatusRequest& r) {
  return "<tptz:GetStatus>" + Token("ProfileToken", r.profile_token) + "</tptz:GetStatus>";
}

std::string BuildGetConfigurationOptions(const GetConfigurationOptionsRequest& r) {
  return "<tptz:GetConfigurationOptions>" + Token("ConfigurationToken", r.configuration_token) +
         "</tptz:GetConfigurationOptions>";
}

Result<ContinuousMoveRequest> ParseContinuousMove(pugi::xml_node op) {
  ContinuousMoveRequest r;
  ES_ASSIGN_OR_RETURN(r.profile_token, ProfileToken(op));
  const pugi::xml_node vel = Child(op, "Velocity");
  if (!vel) return InvalidArgument("ContinuousMove has no Velocity");
  ES_ASSIGN_OR_RETURN(r.velocity, ReadVector(vel, "Velocity", StatusCode::kInvalidArgument));
  if (pugi::xml_node t = Child(op, "Timeout")) {
    r.timeout = ParseDuration(Text(t));
    if (!r.timeout || r.timeout->us < 0) {
      return InvalidArgument("ContinuousMove Timeout '" + Text(t).substr(0, 32) +
                             "' is not a supported xs:duration");
    }
  }
  return r;
}

Result<RelativeMoveRequest> ParseRelativeMove(pugi::xml_node op) {
  RelativeMoveRequest r;
  ES_ASSIGN_OR_RETURN(r.profile_token, ProfileToken(op));
  const pugi::xml_node tr = Child(op, "Translation");
  if (!tr) return InvalidArgument("RelativeMove has no Translation");
  ES_ASSIGN_OR_RETURN(r.translation, ReadVector(tr, "Translation", StatusCode::kInvalidArgument));
  ES_ASSIGN_OR_RETURN(r.speed,
                      ReadVector(Child(op, "Speed"), "Speed", StatusCode::kInvalidArgument));
  return r;
}

Result<AbsoluteMoveRequest> ParseAbsoluteMove(pugi::xml_node op) {
  AbsoluteMoveRequest r;
  ES_ASSIGN_OR_RETURN(r.profile_token, ProfileToken(op));
  const pugi::xml_node pos = Child(op, "Position");
  if (!pos) return InvalidArgument("AbsoluteMove has no Position");
  ES_ASSIGN_OR_RETURN(r.position, ReadVector(pos, "Position", StatusCode::kInvalidArgument));
  ES_ASSIGN_OR_RETURN(r.speed,
                      ReadVector(Child(op, "Speed"), "Speed", StatusCode::kInvalidArgument));
  return r;
}

Result<StopRequest> ParseStop(pugi::xml_node op) {
  StopRequest r;
  ES_ASSIGN_OR_RETURN(r.profile_token, ProfileToken(op));
  auto flag = [&](std::string_view tag, bool* out) -> Status {
    const pugi::xml_node n = Child(op, tag);
    if (!n) return Status::Ok();  // absent: stop that part (ONVIF default)
    const std::string v = Text(n);
    if (v == "true" || v == "1") {
      *out = true;
    } else if (v == "false" || v == "0") {
      *out = false;
    } else {
      return InvalidArgument("Stop/" + std::string(tag) + " is not a boolean");
    }
    return Status::Ok();
  };
  ES_RETURN_IF_ERROR(flag("PanTilt", &r.pan_tilt));
  ES_RETURN_IF_ERROR(flag("Zoom", &r.zoom));
  return r;
}

Result<GetStatusRequest> ParseGetStatus(pugi::xml_node op) {
  GetStatusRequest r;
  ES_ASSIGN_OR_RETURN(r.profile_token, ProfileToken(op));
  return r;
}

Result<GetConfigurationOptionsRequest> ParseGetConfigurationOptions(pugi::xml_node op) {
  GetConfigurationOptionsRequest r;
  ES_ASSIGN_OR_RETURN(r.configuration_token, ProfileToken(op, "ConfigurationToken"));
  return r;
}

// ---- responses ----

std::string BuildEmptyResponse(std::string_view operation) {
  return "<tptz:" + std::string(operation) + "Response/>";
}

std::string BuildGetStatusResponse(const GetStatusResponse& r) {
  std::string x = "<tptz:GetStatusResponse><tptz:PTZStatus>";
  x +=
      Vector("tt", "Position", r.position, kPanTiltPositionGenericSpace, kZoomPositionGenericSpace);
  if (r.pan_tilt_status || r.zoom_status) {
    x += "<tt:MoveStatus>";
    if (r.pan_tilt_status) {
      x += std::string("<tt:PanTilt>") + MoveStatusName(*r.pan_tilt_status) + "</tt:PanTilt>";
    }
    if (r.zoom_status) {
      x += std::string("<tt:Zoom>") + MoveStatusName(*r.zoom_status) + "</tt:Zoom>";
    }
    x += "</tt:MoveStatus>";
  }
  if (!r.error.empty()) x += "<tt:Error>" + XmlEscape(r.error) + "</tt:Error>";
  if (!r.utc_time.empty()) x += "<tt:UtcTime>" + XmlEscape(r.utc_time) + "</tt:UtcTime>";
  return x + "</tptz:PTZStatus></tptz:GetStatusResponse>";
}

std::string BuildGetConfigurationOptionsResponse(const PtzConfigurationOptions& o) {
  std::string x = "<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>";
  x += Spaces("AbsolutePanTiltPositionSpace", o.absolute_pan_tilt);
  x += Spaces("AbsoluteZoomPositionSpace", o.absolute_zoom);
  x += Spaces("RelativePanTiltTranslationSpace", o.relative_pan_tilt);
  x += Spaces("RelativeZoomTranslationSpace", o.relative_zoom);
  x += Spaces("ContinuousPanTiltVelocitySpace", o.continuous_pan_tilt);
  x += Spaces("ContinuousZoomVelocitySpace", o.continuous_zoom);
  x += Spaces("PanTiltSpeedSpace", o.pan_tilt_speed);
  x += Spaces("ZoomSpeedSpace", o.zoom_speed);
  x += "</tt:Spaces>";
  if (o.timeout_min && o.timeout_max) {
    x += "<tt:PTZTimeout><tt:Min>" + FormatDuration(*o.timeout_min) + "</tt:Min><tt:Max>" +
         FormatDuration(*o.timeout_max) + "</tt:Max></tt:PTZTimeout>";
  }
  return x + "</tptz:PTZConfigurationOptions></tptz:GetConfigurationOptionsResponse>";
}

Result<GetStatusResponse> ParseGetStatusResponse(pugi::xml_node op) {
  if (LocalName(op.name()) != "GetStatusResponse") {
    return DataLoss("expected GetStatusResponse, got '" +
                    std::string(LocalName(op.name())).substr(0, 64) + "'");
  }
  const pugi::xml_node st = Child(op, "PTZStatus");
  if (!st) return DataLoss("GetStatusResponse has no PTZStatus");
  GetStatusResponse r;
  ES_ASSIGN_OR_RETURN(r.position,
                      ReadVector(Child(st, "Position"), "Position", StatusCode::kDataLoss));
  if (pugi::xml_node ms = Child(st, "MoveStatus")) {
    if (pugi::xml_node pt = Child(ms, "PanTilt")) {
      ES_ASSIGN_OR_RETURN(r.pan_tilt_status, ReadMoveStatus(pt));
    }
    if (pugi::xml_node z = Child(ms, "Zoom")) {
      ES_ASSIGN_OR_RETURN(r.zoom_status, ReadMoveStatus(z));
    }
  }
  r.error = Text(Child(st, "Error"));
  r.utc_time = Text(Child(st, "UtcTime"));
  return r;
}

Result<PtzConfigurationOptions> ParseGetConfigurationOptionsResponse(pugi::xml_node op) {
  if (LocalName(op.name()) != "GetConfigurationOptionsResponse") {
    return DataLoss("expected GetConfigurationOptionsResponse, got '" +
                    std::string(LocalName(op.name())).substr(0, 64) + "'");
  }
  const pugi::xml_node opts = Child(op, "PTZConfigurationOptions");
  if (!opts) return DataLoss("GetConfigurationOptionsResponse has no PTZConfigurationOptions");
  const pugi::xml_node sp = Child(opts, "Spaces");
  PtzConfigurationOptions o;
  ES_ASSIGN_OR_RETURN(o.absolute_pan_tilt, ReadSpaces(sp, "AbsolutePanTiltPositionSpace", true));
  ES_ASSIGN_OR_RETURN(o.absolute_zoom, ReadSpaces(sp, "AbsoluteZoomPositionSpace", false));
  ES_ASSIGN_OR_RETURN(o.relative_pan_tilt, ReadSpaces(sp, "RelativePanTiltTranslationSpace", true));
  ES_ASSIGN_OR_RETURN(o.relative_zoom, ReadSpaces(sp, "RelativeZoomTranslationSpace", false));
  ES_ASSIGN_OR_RETURN(o.continuous_pan_tilt,
                      ReadSpaces(sp, "ContinuousPanTiltVelocitySpace", true));
  ES_ASSIGN_OR_RETURN(o.continuous_zoom, ReadSpaces(sp, "ContinuousZoomVelocitySpace", false));
  ES_ASSIGN_OR_RETURN(o.pan_tilt_speed, ReadSpaces(sp, "PanTiltSpeedSpace", false));
  ES_ASSIGN_OR_RETURN(o.zoom_speed, ReadSpaces(sp, "ZoomSpeedSpace", false));
  if (pugi::xml_node t = Child(opts, "PTZTimeout")) {
    o.timeout_min = ParseDuration(Text(Child(t, "Min")));
    o.timeout_max = ParseDuration(Text(Child(t, "Max")));
  }
  return o;
}

}  // namespace es::onvif
