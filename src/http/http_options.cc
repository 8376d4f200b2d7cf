#include "http/http_options.h"

#include <arpa/inet.h>

#include <charconv>

namespace es {

Result<ListenAddress> ParseListen(const std::string& listen, const std::string& key) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument(key + ": '" + listen + "' " + why +
                           " (for example 127.0.0.1:8080 or [::1]:8080)");
  };
  ListenAddress a;
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    const size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return bad("is not a bracketed IPv6 address and port");
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return bad("has no valid IPv6 address");
    a.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return bad("is not HOST:PORT");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
    if (host == "localhost") host = "127.0.0.1";
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) != 1) return bad("has no valid IPv4 address");
    a.loopback = (ntohl(v4.s_addr) >> 24) == 127;
  }
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p < 0 ||
      p > 65535) {
    return bad("has no port in [0, 65535]");
  }
  a.host = host;
  a.port = p;
  return a;
}

Status ValidateHttpOptions(const HttpOptions& o) {
  if (o.listen.empty()) return Status::Ok();
  ES_ASSIGN_OR_RETURN(ListenAddress a, ParseListen(o.listen));
  if (!a.loopback && o.token_file.empty()) {
    return InvalidArgument("http.listen: " + o.listen +
                           " is not a loopback address: set http.token_file (a bearer token) "
                           "before serving the API beyond this machine");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return InvalidArgument("http.tls_cert and http.tls_key: set both (HTTPS) or neither");
  }
  return Status::Ok();
}

}  // namespace es
