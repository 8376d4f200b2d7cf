#include "ptz/onvif_soap.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace es::onvif {
namespace {

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string FormatNumber(double v) {
  if (!std::isfinite(v)) v = 0;
  if (v == 0) v = 0;  // no "-0"
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::optional<double> ParseNumber(std::string_view text) {
  text = TrimView(text);
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::string BuildEnvelope(std::string_view header_xml, std::string_view body_xml) {
  std::string x;
  x.reserve(header_xml.size() + body_xml.size() + 512);
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  x += "<s:Envelope xmlns:s=\"";
  x += kSoap12Ns;
  x += "\" xmlns:tptz=\"";
  x += kPtzNs;
  x += "\" xmlns:tt=\"";
  x += kSchemaNs;
  x += "\" xmlns:ter=\"";
  x += kErrorNs;
  x += "\">";
  if (!header_xml.empty()) {
    x += "<s:Header>";
    x += header_xml;
    x += "</s:Header>";
  }
  x += "<s:Body>";
  x += body_xml;
  x += "</s:Body></s:Envelope>";
  return x;
}

bool SoapFault::HasSubcode(std::string_view local) const {
  for (const auto& s : subcodes) {
    if (s == local) return true;
  }
  return false;
}

std::string SoapFault::ToString() const {
  std::string s = "env:" + (code.empty() ? std::string("?") : code);
  for (const auto& sub : subcodes) s += "/ter:" + sub;
  if (!reason.empty()) s += ": " + reason;
  return s;
}

std::string BuildFaultBody(std::string_view code, const std::vector<std::string>& subcodes,
                           std::string_view reason) {
  std::string x = "<s:Fault><s:Code><s:Value>s:";
  x += XmlEscape(code);
  x += "</s:Value>";
  for (const auto& sub : subcodes) {
    x += "<s:Subcode><s:Value>ter:";
    x += XmlEscape(sub);
    x += "</s:Value>";
  }
  for (size_t i = 0; i < subcodes.size(); ++i) x += "</s:Subcode>";
  x += "</s:Code><s:Reason><s:Text xml:lang=\"en\">";
  x += XmlEscape(reason);
  x += "</s:Text></s:Reason></s:Fault>";
  return x;
}

std::string_view LocalName(std::string_view qname) {
  const size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_node Descend(pugi::xml_node node, std::initializer_list<std::string_view> path) {
  for (const auto& p : path) {
    node = Child(node, p);
    if (!node) return {};
  }
  return node;
}

std::optional<std::string_view> Attr(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (name.starts_with("xmlns")) continue;
    if (LocalName(name) == local) return std::string_view(a.value());
  }
  return std::nullopt;
}

std::string Text(pugi::xml_node node) { return std::string(TrimView(node.child_value())); }

std::string NamespaceUri(pugi::xml_node node) {
  const std::string_view name = node.name();
  const size_t colon = name.find(':');
  const std::string attr = colon == std::string_view::npos
                               ? std::string("xmlns")
                               : "xmlns:" + std::string(name.substr(0, colon));
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  }
  return {};
}

Result<SoapMessage> SoapMessage::Parse(std::string_view xml) {
  if (xml.size() > kMaxSoapBytes) {
    return DataLoss("reply of " + std::to_string(xml.size()) + " bytes exceeds the " +
                    std::to_string(kMaxSoapBytes) + "-byte limit");
  }
  SoapMessage m;
  m.doc_ = std::make_unique<pugi::xml_document>();
  const pugi::xml_parse_result r =
      m.doc_->load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    return DataLoss(std::string("reply is not XML (") + r.description() + " at offset " +
                    std::to_string(r.offset) + ")");
  }
  m.envelope_ = m.doc_->document_element();
  if (!m.envelope_ || LocalName(m.envelope_.name()) != "Envelope") {
    return DataLoss("reply is XML but not a SOAP envelope (root element '" +
                    std::string(m.envelope_ ? m.envelope_.name() : "") + "')");
  }
  m.header_ = Child(m.envelope_, "Header");
  m.body_ = Child(m.envelope_, "Body");
  if (!m.body_) return DataLoss("SOAP envelope has no Body");
  return m;
}

pugi::xml_node SoapMessage::payload() const {
  for (pugi::xml_node c = body_.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) return c;
  }
  return {};
}

bool SoapMessage::is_soap12() const { return NamespaceUri(envelope_) == kSoap12Ns; }

std::optional<SoapFault> SoapMessage::fault() const {
  const pugi::xml_node f = Child(body_, "Fault");
  if (!f) return std::nullopt;
  SoapFault fault;
  if (pugi::xml_node code = Child(f, "Code")) {  // SOAP 1.2
    fault.code = std::string(LocalName(Text(Child(code, "Value"))));
    int depth = 0;
    for (pugi::xml_node sub = Child(code, "Subcode"); sub && depth < 16;
         sub = Child(sub, "Subcode"), ++depth) {
      fault.subcodes.emplace_back(LocalName(Text(Child(sub, "Value"))));
    }
    fault.reason = Text(Child(Child(f, "Reason"), "Text"));
  } else {  // SOAP 1.1
    fault.code = std::string(LocalName(Text(Child(f, "faultcode"))));
    fault.reason = Text(Child(f, "faultstring"));
    // ONVIF devices speaking 1.1 put the ter: code in detail; keep it findable.
    if (fault.code == "NotAuthorized") fault.subcodes.push_back("NotAuthorized");
  }
  // A reason on one line, bounded: it ends up in a Status message.
  std::string one;
  for (const char c : fault.reason) one += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (one.size() > 200) one = one.substr(0, 200) + "...";
  fault.reason = one;
  return fault;
}

std::string FormatDuration(Duration d) {
  if (d.us <= 0) return "PT0S";
  const int64_t whole = d.us / 1000000, frac = d.us % 1000000;
  std::string s = "PT" + std::to_string(whole);
  if (frac) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s + "S";
}

std::optional<Duration> ParseDuration(std::string_view text) {
  std::string_view s = TrimView(text);
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.size() < 3 || s.front() != 'P') return std::nullopt;
  s.remove_prefix(1);
  double total = 0;
  bool in_time = false, any = false;
  char last_unit = 0;  // enforce D < T < H < M < S order
  while (!s.empty()) {
    if (s.front() == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      s.remove_prefix(1);
      if (s.empty()) return std::nullopt;
      continue;
    }
    size_t n = 0;
    while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
    if (n == 0 || n == s.size()) return std::nullopt;
    const std::optional<double> v = ParseNumber(s.substr(0, n));
    if (!v || *v < 0) return std::nullopt;
    const char unit = s[n];
    s.remove_prefix(n + 1);
    double factor = 0;
    if (!in_time && unit == 'D' && last_unit == 0) {
      factor = 86400;
    } else if (in_time && unit == 'H' && (last_unit == 0 || last_unit == 'D')) {
      factor = 3600;
    } else if (in_time && unit == 'M' && last_unit != 'M' && last_unit != 'S') {
      factor = 60;
    } else if (in_time && unit == 'S' && last_unit != 'S') {
      factor = 1;
    } else {
      return std::nullopt;  // years, months, weeks or a unit out of order
    }
    last_unit = unit;
    total += *v * factor;
    any = true;
  }
  if (!any || total > 1e9) return std::nullopt;
  const Duration d = Duration::Seconds(total);
  return negative ? Duration::Micros(-d.us) : d;
}

}  // namespace es::onvif
