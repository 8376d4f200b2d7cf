// onvif_soap: SOAP 1.2 envelopes and faults for ONVIF, built as text and parsed with pugixml.
//
// Contract
// - BuildEnvelope writes a SOAP 1.2 envelope that binds the prefixes s (envelope), tptz (ONVIF
//   PTZ service), tt (ONVIF schema) and ter (ONVIF errors); header and body are inserted
//   verbatim (callers escape their text with XmlEscape).
// - SoapMessage::Parse accepts any well-formed envelope whatever its prefixes (SOAP 1.2 or
//   1.1): elements are matched by local name. Not XML, no Envelope or no Body is kDataLoss
//   with the parser's reason and offset; never crashes on malformed or hostile input
//   (pugixml does not expand external entities). Replies larger than kMaxSoapBytes are
//   rejected as kDataLoss.
// - fault() reads a SOAP 1.2 Fault (Code/Value, nested Subcode/Value, Reason/Text) or a
//   SOAP 1.1 one (faultcode, faultstring); codes are kept as local names ("Sender",
//   "NotAuthorized").
// - FormatDuration / ParseDuration: xs:duration restricted to days, hours, minutes and
//   (fractional) seconds ("PT1.5S", "P1DT2H"); years and months are rejected (ambiguous).
// Thread-safety: free functions are thread-safe; a SoapMessage is a value owned by one thread.
#pragma once

#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/xml_escape.h"
#include "edgesight/status.h"
#include "edgesight/time.h"

namespace es::onvif {

inline constexpr char kSoap12Ns[] = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr char kPtzNs[] = "http://www.onvif.org/ver20/ptz/wsdl";
inline constexpr char kSchemaNs[] = "http://www.onvif.org/ver10/schema";
inline constexpr char kErrorNs[] = "http://www.onvif.org/ver10/error";
inline constexpr size_t kMaxSoapBytes = 1 << 20;

// Shortest text that reads back as the same double ("0.25", "-1", "1e-07").
std::string FormatNumber(double v);
// A finite double spanning the whole (trimmed) text, or nullopt.
std::optional<double> ParseNumber(std::string_view text);

std::string BuildEnvelope(std::string_view header_xml, std::string_view body_xml);

struct SoapFault {
  std::string code;                   // "Sender", "Receiver", "VersionMismatch", ...
  std::vector<std::string> subcodes;  // outermost first: {"InvalidArgVal", "NoProfile"}
  std::string reason;
  bool HasSubcode(std::string_view local) const;
  // "env:Sender/ter:InvalidArgVal/ter:NoProfile: No such profile"
  std::string ToString() const;
};

// A fault body (the <s:Fault> element) for BuildEnvelope. code: "Sender" / "Receiver";
// subcodes are ONVIF error names, written as ter:<name>.
std::string BuildFaultBody(std::string_view code, const std::vector<std::string>& subcodes,
                           std::string_view reason);

class SoapMessage {
 public:
  static Result<SoapMessage> Parse(std::string_view xml);

  pugi::xml_node envelope() const { return envelope_; }
  pugi::xml_node header() const { return header_; }  // may be empty
  pugi::xml_node body() const { return body_; }
  // First element inside Body (the operation or its response), possibly empty.
  pugi::xml_node payload() const;
  std::optional<SoapFault> fault() const;
  bool is_soap12() const;

 private:
  std::unique_ptr<pugi::xml_document> doc_;
  pugi::xml_node envelope_, header_, body_;
};

// Name helpers, prefix-agnostic.
std::string_view LocalName(std::string_view qname);
// First element child with this local name (empty node if none).
pugi::xml_node Child(pugi::xml_node node, std::string_view local);
// Child(Child(node, a), b) ...
pugi::xml_node Descend(pugi::xml_node node, std::initializer_list<std::string_view> path);
// Attribute by local name; nullopt if absent.
std::optional<std::string_view> Attr(pugi::xml_node node, std::string_view local);
// Element text with surrounding white space removed.
std::string Text(pugi::xml_node node);
// The namespace URI of an element, resolved from xmlns declarations up the tree ("" if none).
std::string NamespaceUri(pugi::xml_node node);

std::string FormatDuration(Duration d);
std::optional<Duration> ParseDuration(std::string_view text);

}  // namespace es::onvif
