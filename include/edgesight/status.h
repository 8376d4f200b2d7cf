// Status and Result<T>: errors as values at module edges.
//
// Contract: every fallible operation across a module boundary returns a [[nodiscard]] Status
// or Result<T>. Exceptions from third-party libraries (OpenCV, ONNX Runtime, yaml-cpp) are
// caught inside the adapter that calls them and turned into a Status. The application maps
// codes to exit codes in one place (app/exit_codes): kInvalidArgument, kNotFound and
// kDataLoss (and kPermissionDenied: wrong credentials) are "bad input" (exit 2), everything
// else is a runtime failure (exit 1).
// Thread-safety: plain values, safe to copy between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace es {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad config, bad flag, malformed input row
  kNotFound,         // missing file, unknown key
  kDataLoss,         // corrupt or truncated input (video, model)
  kUnavailable,      // network peer unreachable (RTSP, broker)
  kPermissionDenied,  // a peer rejected our credentials (broker, ONVIF head)
  kEndOfStream,      // a source has no more frames (not an error for files)
  kCancelled,        // shutdown requested
  kInternal,         // a bug or an unexpected library failure
};

const char* StatusCodeName(StatusCode code);

// Replaces line breaks with spaces: a Status message (and so an error line) is one line even
// when a library's message spans several.
std::string OneLine(std::string text);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: cannot open video 'x.avi'"
  std::string ToString() const;
  // Returns a copy whose message is "context: message".
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status EndOfStream(std::string m = "end of stream") {
  return {StatusCode::kEndOfStream, std::move(m)};
}
inline Status Cancelled(std::string m = "cancelled") {
  return {StatusCode::kCancelled, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Result<T>: a value or a non-ok Status (GCC 12 has no std::expected in C++20 mode).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace es

// Propagate a non-ok Status from an expression.
#define ES_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::es::Status es_status_ = (expr);        \
    if (!es_status_.ok()) return es_status_; \
  } while (0)

#define ES_CONCAT_INNER(a, b) a##b
#define ES_CONCAT(a, b) ES_CONCAT_INNER(a, b)
// ES_ASSIGN_OR_RETURN(auto x, MakeX()); returns the error Status if MakeX() failed.
#define ES_ASSIGN_OR_RETURN(lhs, rexpr) \
  ES_ASSIGN_OR_RETURN_IMPL(ES_CONCAT(es_result_, __LINE__), lhs, rexpr)
#define ES_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
