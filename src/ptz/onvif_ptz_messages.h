// onvif_ptz_messages: the six ONVIF PTZ operations this project uses (ContinuousMove,
// RelativeMove, AbsoluteMove, Stop, GetStatus, GetConfigurationOptions) as plain structs in
// ONVIF's normalised generic spaces, with their SOAP body builders and parsers for both the
// client (requests out, responses in) and the device emulator (requests in, responses out).
//
// Contract
// - Values are in ONVIF units: pan/tilt positions, translations and velocities in the generic
//   spaces (-1..1), zoom position 0..1, durations as Duration. Unit mapping to degrees lives
//   in onvif_space_mapping.h, not here.
// - Build*() return the body element text for BuildEnvelope (prefixes tptz / tt).
// - Parse*() take the payload element (SoapMessage::payload()) and match by local name.
//   A missing mandatory element or a non-numeric / non-finite value is kInvalidArgument on
//   the device side (requests) and kDataLoss on the client side (responses), with a one-line
//   message naming the element. Never crash on malformed input.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/time.h"

namespace es::onvif {

inline constexpr char kPanTiltPositionGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace";
inline constexpr char kZoomPositionGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace";
inline constexpr char kPanTiltTranslationGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationGenericSpace";
inline constexpr char kZoomTranslationGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/ZoomSpaces/TranslationGenericSpace";
inline constexpr char kPanTiltVelocityGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace";
inline constexpr char kZoomVelocityGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace";
inline constexpr char kPanTiltSpeedGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/PanTiltSpaces/GenericSpeedSpace";
inline constexpr char kZoomSpeedGenericSpace[] =
    "http://www.onvif.org/ver10/tptz/ZoomSpaces/ZoomGenericSpeedSpace";

// "http://www.onvif.org/ver20/ptz/wsdl/<operation>", the SOAP 1.2 action.
std::string PtzAction(std::string_view operation);

struct OnvifPanTilt {
  double x = 0, y = 0;
};
// tt:PTZVector / tt:PTZSpeed: either part may be absent.
struct OnvifVector {
  std::optional<OnvifPanTilt> pan_tilt;
  std::optional<double> zoom;
};

struct ContinuousMoveRequest {
  std::string profile_token;
  OnvifVector velocity;
  std::optional<Duration> timeout;
};
struct RelativeMoveRequest {
  std::string profile_token;
  OnvifVector translation;
  OnvifVector speed;  // empty = the device's default speed
};
struct AbsoluteMoveRequest {
  std::string profile_token;
  OnvifVector position;
  OnvifVector speed;
};
struct StopRequest {
  std::string profile_token;
  bool pan_tilt = true, zoom = true;
};
struct GetStatusRequest {
  std::string profile_token;
};
struct GetConfigurationOptionsRequest {
  std::string configuration_token;
};

enum class OnvifMoveStatus { kIdle, kMoving, kUnknown };
const char* MoveStatusName(OnvifMoveStatus s);  // "IDLE", "MOVING", "UNKNOWN"

struct GetStatusResponse {
  OnvifVector position;
  std::optional<OnvifMoveStatus> pan_tilt_status, zoom_status;  // absent if not reported
  std::string utc_time;
  std::string error;  // tt:Error, if the device reports one
};

struct OnvifRange {
  double min = 0, max = 0;
};
struct OnvifSpace {
  std::string uri;
  OnvifRange x;
  std::optional<OnvifRange> y;  // pan/tilt spaces only
};
struct PtzConfigurationOptions {
  std::vector<OnvifSpace> absolute_pan_tilt, absolute_zoom;
  std::vector<OnvifSpace> relative_pan_tilt, relative_zoom;
  std::vector<OnvifSpace> continuous_pan_tilt, continuous_zoom;
  std::vector<OnvifSpace> pan_tilt_speed, zoom_speed;
  std::optional<Duration> timeout_min, timeout_max;
};
// The space with this URI, if offered.
const OnvifSpace* FindSpace(const std::vector<OnvifSpace>& spaces, std::string_view uri);

// ---- requests: client builds, device parses ----
std::string BuildContinuousMove(const ContinuousMoveRequest& r);
std::string BuildRelativeMove(const RelativeMoveRequest& r);
std::string BuildAbsoluteMove(const AbsoluteMoveRequest& r);
std::string BuildStop(const StopRequest& r);
std::string BuildGetStatus(const GetStatusRequest& r);
std::string BuildGetConfigurationOptions(const GetConfigurationOptionsRequest& r);

Result<ContinuousMoveRequest> ParseContinuousMove(pugi::xml_node op);
Result<RelativeMoveRequest> ParseRelativeMove(pugi::xml_node op);
Result<AbsoluteMoveRequest> ParseAbsoluteMove(pugi::xml_node op);
Result<StopRequest> ParseStop(pugi::xml_node op);
Result<GetStatusRequest> ParseGetStatus(pugi::xml_node op);
Result<GetConfigurationOptionsRequest> ParseGetConfigurationOptions(pugi::xml_node op);

// ---- responses: device builds, client parses ----
// <tptz:<operation>Response/> for the four move operations.
std::string BuildEmptyResponse(std::string_view operation);
std::string BuildGetStatusResponse(const GetStatusResponse& r);
std::string BuildGetConfigurationOptionsResponse(const PtzConfigurationOptions& o);

Result<GetStatusResponse> ParseGetStatusResponse(pugi::xml_node op);
Result<PtzConfigurationOptions> ParseGetConfigurationOptionsResponse(pugi::xml_node op);

}  // namespace es::onvif
