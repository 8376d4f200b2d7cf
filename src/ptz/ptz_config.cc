#include "ptz/ptz_config.h"

#include <algorithm>
#include <utility>

#include "core/option_schema.h"

namespace es {

Status ValidatePtzConfig(const PtzConfig& p) {
  const PtzLinkageOptions& l = p.linkage;
  if (p.driver == "onvif" && p.onvif_url.empty()) {
    return InvalidArgument("ptz.onvif_url: required when ptz.driver is onvif");
  }
  if (!p.onvif_url.empty() && p.onvif_url.rfind("http://", 0) != 0) {
    return InvalidArgument("ptz.onvif_url: expected http://host[:port]/path, got " +
                           QuoteString(p.onvif_url));
  }
  if (!p.driver.empty() && p.onvif_profile.empty()) {
    return InvalidArgument("ptz.onvif_profile: must not be empty");
  }
  // ONVIF ReferenceTokens are at most 64 characters (ONVIF Core, tt:ReferenceToken); a control
  // character has no place in one.
  for (const auto& [key, token] :
       {std::pair<const char*, const std::string*>{"ptz.onvif_profile", &p.onvif_profile},
        {"ptz.onvif_configuration", &p.onvif_configuration}}) {
    const bool printable = std::all_of(token->begin(), token->end(),
                                       [](unsigned char ch) { return ch >= 0x20 && ch != 0x7f; });
    if (token->size() > 64 || !printable) {
      return InvalidArgument(std::string(key) +
                             ": expected an ONVIF token (at most 64 printable characters), got " +
                             QuoteString(token->substr(0, 80)));
    }
  }
  if (!p.driver.empty() && l.calibration_file.empty()) {
    return InvalidArgument("ptz.calibration_file: required when ptz.driver is " + p.driver +
                           " (fit one with edgesight calibrate)");
  }
  return l.Validate();
}

}  // namespace es
