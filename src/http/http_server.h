// HttpServer: the device's HTTP(S) endpoint (cpp-httplib), with the protections every route
// shares, so that no handler can forget them.
//
// Contract
// - Bind() reads the token and TLS files and binds the socket before any pipeline starts, so a
//   taken port, a bad certificate or a missing token file is a config error (exit 2), not a
//   surprise later. Start() serves on its own threads; Stop() (also the destructor) closes the
//   socket, waits for the requests being served, and returns.
// - Route(): a handler runs only after the shared checks, in this order: rate limit per client
//   address (429), then authentication: kWrite routes always need the bearer token (403 when
//   none is configured), kRead routes need it when the server listens off loopback (401 with
//   WWW-Authenticate). Bodies over the route's limit (its max_body_bytes, or the server's
//   http.max_body_bytes) get 413 before any handler runs: a declared Content-Length over it is
//   refused before the body is read (and the connection closed); a chunked body after.
// - Every 4xx/5xx without a body gets {"error": "<one line>"}; a handler that throws gets 500.
//   Use JsonError() for errors of your own.
// - Handlers run on the server's threads, concurrently: what they read must be thread-safe.
//   Streaming handlers (MJPEG) hold a thread for as long as the client stays.
// Thread-safety: Route() before Start(); Stop() from any thread.
#pragma once

#include <httplib.h>
// glibc's <resolv.h>, which cpp-httplib includes, defines _res as a macro; Eigen's headers name
// parameters _res, so anything including both after this header would not compile.
#ifdef _res
#undef _res
#endif

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "edgesight/status.h"
#include "http/bearer_token.h"
#include "http/http_options.h"
#include "http/rate_limiter.h"

namespace es {

enum class HttpAccess { kRead, kWrite };
using HttpHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

void JsonError(httplib::Response& res, int status, const std::string& message);

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Bind(const HttpOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // method: GET, PATCH, POST, PUT, DELETE; pattern: cpp-httplib's regex. max_body_bytes: this
  // route's body limit (0 = the server's); a larger one (model bundles) raises only its own.
  void Route(const std::string& method, const std::string& pattern, HttpAccess access,
             HttpHandler handler, int64_t max_body_bytes = 0);
  void Start();
  void Stop();

  int port() const { return port_; }
  // "http://127.0.0.1:8080" or "https://[::1]:8443"
  std::string url() const;

 private:
  HttpServer() = default;
  HttpHandler Guard(HttpAccess access, int64_t max_body_bytes, HttpHandler handler);
  // The body limit of the route a request goes to.
  int64_t BodyLimit(const httplib::Request& req) const;

  std::unique_ptr<httplib::Server> server_;
  ListenAddress address_;
  bool tls_ = false;
  int port_ = 0;
  std::optional<BearerToken> token_;
  std::unique_ptr<RateLimiter> limiter_;
  struct BodyLimitRule {
    std::string method;
    std::regex pattern;
    int64_t max_bytes;
  };
  int64_t max_body_bytes_ = 0;         // the server's (http.max_body_bytes)
  std::vector<BodyLimitRule> limits_;  // routes with a limit of their own
  std::thread thread_;
};

}  // namespace es
