// OnvifPtzClient: a PtzDriver that speaks ONVIF PTZ (SOAP 1.2 over HTTP) to a camera.
//
// Operations: ContinuousMove (Velocity PanTilt + Timeout as xs:duration), RelativeMove
// (Translation PanTilt), AbsoluteMove (Position PanTilt + Zoom), Stop (PanTilt and Zoom),
// GetStatus (Position, MoveStatus) and GetConfigurationOptions (the generic spaces' ranges,
// PTZTimeout). Values travel in ONVIF's generic normalised spaces, converted with
// options.mapping (see onvif_space_mapping.h) and clamped to the ranges the device reported
// (the generic defaults until GetConfigurationOptions has been called). Pan positions wrap
// to the device's range when it covers a full turn.
// Zoom: ONVIF ContinuousMove and RelativeMove carry zoom speeds / zoom steps, while the
// driver interface carries an absolute zoom target; the client sends the target as a
// zoom-only AbsoluteMove (Position with Zoom only) after the pan/tilt command, and only
// when it differs from the last target it sent, so a 30 Hz velocity loop adds no requests.
//
// Authentication: with a username, every request carries a WS-Security UsernameToken with
// PasswordDigest and a fresh nonce (onvif_wsse.h). HTTP digest authentication is not
// implemented. The password is kept in memory only and never appears in a message.
// Transport: one HTTP/1.1 connection per request (Connection: close), connect and read
// timeouts from the options, so every call is bounded by connect_timeout + read_timeout
// (twice that when a zoom-only AbsoluteMove follows).
//
// Errors (messages are one line and start "onvif <endpoint>: <operation>: "):
// - nothing listening, connect timeout, no reply within read_timeout: kUnavailable;
// - HTTP 401, or a SOAP fault with subcode NotAuthorized: kPermissionDenied;
// - other SOAP faults: kInvalidArgument for env:Sender (the device rejected the request:
//   unknown profile token, value out of range), kInternal otherwise; the message carries the
//   fault's codes and reason;
// - HTTP errors without a SOAP fault: 404 kNotFound, 503 kUnavailable, others kInternal;
// - a 200 reply that is not XML, not a SOAP envelope or lacks the expected response:
//   kDataLoss. Never crashes on a malformed reply.
// Thread-safety: not thread-safe; use one client from one thread (PtzDriver's contract).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "edgesight/status.h"
#include "edgesight/time.h"
#include "ptz/onvif_ptz_messages.h"
#include "ptz/onvif_soap.h"
#include "ptz/onvif_space_mapping.h"
#include "ptz/ptz_driver.h"

namespace es {

struct OnvifPtzClientOptions {
  std::string endpoint;  // "http://host[:port]/onvif/ptz_service" (no credentials in it)
  std::string profile_token = "Profile_1";
  std::string configuration_token;  // PTZ configuration token; empty = profile_token
  std::string username;             // empty: requests carry no WS-Security header
  std::string password;
  Duration connect_timeout = Duration::Millis(1000);
  Duration read_timeout = Duration::Millis(2000);
  OnvifSpaceMapping mapping;
};

class OnvifPtzClient final : public PtzDriver {
 public:
  // kInvalidArgument: endpoint not http://host[:port]/path, credentials in the URL, empty
  // profile token, non-positive timeouts, invalid mapping. Does not contact the device.
  static Result<std::unique_ptr<OnvifPtzClient>> Create(OnvifPtzClientOptions options);

  Status ContinuousMove(double pan_dps, double tilt_dps, std::optional<double> zoom,
                        Duration timeout) override;
  Status RelativeMove(double dpan_deg, double dtilt_deg, std::optional<double> zoom) override;
  Status AbsoluteMove(double pan_deg, double tilt_deg, std::optional<double> zoom) override;
  Status Stop() override;
  // Position in degrees and magnification; idle unless MoveStatus reports MOVING for pan/tilt
  // or zoom (a device that reports no MoveStatus counts as idle). Speeds are not reported by
  // ONVIF and stay 0; t is the local steady time the reply arrived.
  Result<PtzStatus> GetStatus() override;
  Result<PtzCapabilities> GetConfigurationOptions() override;
  std::string Describe() const override { return "onvif " + options_.endpoint; }

  // The raw options of the last successful GetConfigurationOptions (nullopt before).
  const std::optional<onvif::PtzConfigurationOptions>& reported_options() const {
    return reported_;
  }

 private:
  struct Limits {
    onvif::OnvifRange pan_pos{-1, 1}, tilt_pos{-1, 1}, zoom_pos{0, 1};
    onvif::OnvifRange pan_tr{-1, 1}, tilt_tr{-1, 1};
    onvif::OnvifRange pan_vel{-1, 1}, tilt_vel{-1, 1};
    std::optional<Duration> timeout_min, timeout_max;
  };

  OnvifPtzClient(OnvifPtzClientOptions options, std::string host, int port, std::string path);
  // POSTs one operation; returns the parsed reply after HTTP / SOAP fault handling.
  Result<onvif::SoapMessage> Call(std::string_view operation, const std::string& body);
  Status CallExpectEmpty(std::string_view operation, const std::string& body);
  Status SendZoom(std::optional<double> zoom);
  // A pan/tilt move (which ONVIF cannot combine with an absolute zoom), then SendZoom.
  Status MoveThenZoom(std::string_view operation, const std::string& body,
                      std::optional<double> zoom);
  std::string Prefix(std::string_view operation) const;

  OnvifPtzClientOptions options_;
  std::string host_;
  int port_ = 80;
  std::string path_;
  Limits limits_;
  std::optional<onvif::PtzConfigurationOptions> reported_;
  std::optional<double> zoom_sent_;  // last zoom target sent (generic units)
};

}  // namespace es
