#include "app/mqtt_url.h"

#include <cctype>
#include <charconv>

namespace es {
namespace {

// Decodes %XX; returns false on a malformed escape.
bool PercentDecode(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return false;
    }
    out->push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
    i += 2;
  }
  return true;
}

}  // namespace

std::string RedactMqttUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t at = url.rfind('@');
  if (at == std::string::npos || at < start) return url;
  const size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Status ParseMqttUrl(const std::string& url, MosquittoOptions* options) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("--mqtt '" + RedactMqttUrl(url) + "': " + why);
  };
  std::string rest = url;
  bool tls = false;
  if (const size_t p = url.find("://"); p != std::string::npos) {
    const std::string scheme = url.substr(0, p);
    if (scheme == "mqtts") {
      tls = true;
    } else if (scheme != "mqtt") {
      return bad("unknown scheme '" + scheme + "' (use mqtt:// or mqtts://)");
    }
    rest = url.substr(p + 3);
  }
  if (rest.find_first_of("/?#") != std::string::npos) return bad("a broker URL has no path");
  std::string user, password;
  bool has_password = false;
  if (const size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = cred.find(':');
    has_password = colon != std::string::npos;
    if (!PercentDecode(cred.substr(0, colon), &user) ||
        (has_password && !PercentDecode(cred.substr(colon + 1), &password))) {
      return bad("malformed percent-encoding in the credentials");
    }
    if (user.empty()) return bad("empty user name before '@'");
  }
  std::string host, port_text;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return bad("unterminated '[' in an IPv6 host");
    host = rest.substr(1, close - 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after the IPv6 host");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = rest.rfind(':');
    host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  int port = tls ? 8883 : 1883;
  if (!port_text.empty()) {
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return bad("port must be a number in 1..65535, got '" + port_text + "'");
    }
  }
  options->host = host;
  options->port = port;
  if (!user.empty()) {
    options->username = user;
    if (has_password) options->password = password;
  }
  if (tls && options->tls_cafile.empty() && options->tls_capath.empty()) {
    options->tls_capath = "/etc/ssl/certs";
  }
  return Status::Ok();
}

}  // namespace es
