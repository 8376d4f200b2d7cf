// XmlEscape: text made safe for XML character data and attribute values (&, <, >, ", ').
// Used by the ONVIF SOAP messages and the SVG charts. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace es {

std::string XmlEscape(std::string_view text);

}  // namespace es
