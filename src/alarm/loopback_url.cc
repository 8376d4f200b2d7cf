#include "alarm/loopback_url.h"

#include <algorithm>
#include <cctype>

namespace es {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool HasControlOrSpace(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

}  // namespace

Result<LoopbackUrl> ParseLoopbackUrl(const std::string& url) {
  if (url.empty()) return InvalidArgument("empty URL");
  if (HasControlOrSpace(url)) return InvalidArgument("URL contains spaces or control characters");
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return InvalidArgument("expected an http:// URL, got '" + url + "'");
  }
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme == "https") {
    return InvalidArgument("https is not supported: the alarm target is on loopback, use http://");
  }
  if (scheme != "http") {
    return InvalidArgument("unsupported scheme '" + scheme + "': expected http://");
  }
  const std::string rest = url.substr(scheme_end + 3);
  const size_t path_start = rest.find_first_of("/?#");
  const std::string authority = rest.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : rest.substr(path_start);
  if (path.find('#') != std::string::npos) {
    return InvalidArgument("URL fragments ('#') are not sent over HTTP; remove it");
  }
  if (path[0] == '?') path = "/" + path;
  if (authority.find('@') != std::string::npos) {
    return InvalidArgument("user info in the URL is not supported");
  }
  if (authority.empty()) return InvalidArgument("URL has no host");

  LoopbackUrl out;
  out.path = path;
  std::string port_text;
  if (authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return InvalidArgument("unterminated '[' in URL host");
    out.host = Lower(authority.substr(1, close - 1));
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return InvalidArgument("unexpected text after ']' in URL host");
      port_text = after.substr(1);
      if (port_text.empty()) return InvalidArgument("empty port in URL");
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = Lower(authority.substr(0, colon));
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return InvalidArgument("empty port in URL");
    }
  }
  if (out.host != "127.0.0.1" && out.host != "localhost" && out.host != "::1") {
    return InvalidArgument("host '" + out.host +
                           "' is not loopback: alarms allow only 127.0.0.1, ::1 and localhost, "
                           "so they work with no network");
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgument("bad port '" + port_text + "' in URL: expected 1-65535");
    }
    out.port = std::stoi(port_text);
    if (out.port < 1 || out.port > 65535) {
      return InvalidArgument("bad port '" + port_text + "' in URL: expected 1-65535");
    }
  }
  return out;
}

}  // namespace es
