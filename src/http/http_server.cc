#include "http/http_server.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "http/http_schema.h"

namespace es {

namespace {

// Requests served at once: live views hold a thread each; the rest are short.
constexpr size_t kThreads = 32;

std::string Reason(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not found";
    case 405:
      return "method not allowed";
    case 413:
      return "request body too large";
    case 414:
      return "request URI too long";
    case 416:
      return "range not satisfiable";
    case 429:
      return "too many requests";
    default:
      return status >= 500 ? "internal error" : "bad request";
  }
}

}  // namespace

void JsonError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  res.set_content(nlohmann::json{{"error", line}}.dump(), "application/json");
}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpOptions& o) {
  ES_RETURN_IF_ERROR(HttpSchema().Check(o));  // ranges and ValidateHttpOptions
  std::unique_ptr<HttpServer> s(new HttpServer());
  ES_ASSIGN_OR_RETURN(s->address_, ParseListen(o.listen));
  if (!o.token_file.empty()) {
    ES_ASSIGN_OR_RETURN(BearerToken t, BearerToken::Load("http.token_file", o.token_file));
    s->token_ = t;
  }
  if (!o.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid()) {
      return InvalidArgument("http.tls_cert / http.tls_key: cannot load '" + o.tls_cert +
                             "' and '" + o.tls_key + "' as a PEM certificate and its key");
    }
    s->server_ = std::move(tls);
    s->tls_ = true;
  } else {
    s->server_ = std::make_unique<httplib::Server>();
  }
  s->limiter_ = std::make_unique<RateLimiter>(o.rate_per_s, o.rate_burst);
  httplib::Server& svr = *s->server_;
  svr.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  svr.set_payload_max_length(static_cast<size_t>(o.max_body_bytes));
  s->max_body_bytes_ = o.max_body_bytes;
  // A declared body over the route's limit is refused before it is read.
  svr.set_pre_routing_handler([srv = s.get()](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Content-Length")) return httplib::Server::HandlerResponse::Unhandled;
    const std::string declared = req.get_header_value("Content-Length");
    char* end = nullptr;
    const unsigned long long n = std::strtoull(declared.c_str(), &end, 10);
    if (end == declared.c_str() || n <= static_cast<unsigned long long>(srv->BodyLimit(req))) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.set_header("Connection", "close");  // the unread body must not be taken for a request
    JsonError(res, 413, Reason(413));
    return httplib::Server::HandlerResponse::Handled;
  });
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  svr.set_keep_alive_max_count(100);
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which would let a second
  // edgesight bind the same port and take half the requests.
  svr.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  svr.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string why = Reason(res.status);
        if (res.status == 404) why = "no such resource: " + req.path;
        JsonError(res, res.status, why);
        return httplib::Server::HandlerResponse::Handled;
      }));
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string why = "internal error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          why += std::string(": ") + e.what();
        } catch (...) {
        }
        JsonError(res, 500, why);
      });
  s->port_ = s->address_.port == 0
                 ? svr.bind_to_any_port(s->address_.host)
                 : (svr.bind_to_port(s->address_.host, s->address_.port) ? s->address_.port : -1);
  if (s->port_ < 0) {
    return Unavailable("http.listen: cannot listen on " + o.listen + ": " + std::strerror(errno));
  }
  return s;
}

HttpServer::~HttpServer() { Stop(); }

int64_t HttpServer::BodyLimit(const httplib::Request& req) const {
  for (const BodyLimitRule& r : limits_) {
    if (r.method == req.method && std::regex_match(req.path, r.pattern)) return r.max_bytes;
  }
  return max_body_bytes_;
}

HttpHandler HttpServer::Guard(HttpAccess access, int64_t max_body_bytes, HttpHandler handler) {
  return [this, access, max_body_bytes, handler = std::move(handler)](const httplib::Request& req,
                                                                      httplib::Response& res) {
    if (static_cast<int64_t>(req.body.size()) > max_body_bytes) {
      return JsonError(res, 413, Reason(413));  // a chunked body, read under a larger limit
    }
    if (!limiter_->Allow(req.remote_addr, SteadyNow())) {
      res.set_header("Retry-After", "1");
      return JsonError(res, 429, "too many requests from " + req.remote_addr);
    }
    const bool need_token = access == HttpAccess::kWrite || !address_.loopback;
    if (need_token) {
      if (!token_) {
        return JsonError(res, 403, "changes need http.token_file (a bearer token)");
      }
      if (!token_->Matches(req.get_header_value("Authorization"))) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"edgesight\"");
        return JsonError(res, 401, "missing or wrong bearer token");
      }
    }
    handler(req, res);
  };
}

void HttpServer::Route(const std::string& method, const std::string& pattern, HttpAccess access,
                       HttpHandler handler, int64_t max_body_bytes) {
  httplib::Server& svr = *server_;
  const int64_t limit = max_body_bytes > 0 ? max_body_bytes : max_body_bytes_;
  if (max_body_bytes > 0) {
    limits_.push_back({method, std::regex(pattern), limit});
    int64_t largest = max_body_bytes_;
    for (const BodyLimitRule& r : limits_) largest = std::max(largest, r.max_bytes);
    svr.set_payload_max_length(static_cast<size_t>(largest));
  }
  HttpHandler guarded = Guard(access, limit, std::move(handler));
  if (method == "GET") {
    svr.Get(pattern, guarded);
  } else if (method == "PATCH") {
    svr.Patch(pattern, guarded);
  } else if (method == "POST") {
    svr.Post(pattern, guarded);
  } else if (method == "PUT") {
    svr.Put(pattern, guarded);
  } else if (method == "DELETE") {
    svr.Delete(pattern, guarded);
  } else {
    throw std::logic_error("HttpServer::Route: unknown method " + method);
  }
}

void HttpServer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // A Stop() before the accept loop runs would be lost (stop() only acts on a running server)
  // and the join would wait forever: return once it runs (bounded; the socket is bound already).
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string HttpServer::url() const {
  const bool v6 = address_.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + address_.host + "]" : address_.host;
  return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
}

}  // namespace es
